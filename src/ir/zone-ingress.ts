// The zone ingress IR (docs/multizone.md §7.3): the Envoy configuration of one ZoneIngress proxy, in
// domain words, ordered and named. Produced by src/ingress (pure), consumed by
// src/xds/translator/translate-ingress.ts (pure). The ingress passes TLS through untouched: it
// reads only the SNI, so it holds no certificate and terminates nothing.
import type { Endpoint, Tags } from './gateway.js';

/** One SNI the ingress forwards, and where to. */
export interface IngressChain {
  /** `<service>{k=v,...,mesh=<mesh>}` (docs/mesh-mtls.md §4.6). */
  readonly sni: string;
  /** `<mesh>:<service>`. */
  readonly cluster: string;
  /** `<mesh>_<service>`, sanitised when built. */
  readonly statPrefix: string;
  /**
   * The destination tags that narrow the cluster's endpoints (the others would select them all):
   * the subset the connection is sent to. Empty: the whole cluster.
   */
  readonly subset: Tags;
}

/** One service of one mesh behind the ingress. */
export interface IngressCluster {
  /** `<mesh>:<service>`. */
  readonly name: string;
  /** `<mesh>_<service>`. */
  readonly altStatName: string;
  /** Key sets of the subsets chains select, each sorted, in ascending order; empty: no subsets. */
  readonly subsetKeys: readonly (readonly string[])[];
  /** The zone's own healthy inbounds of the service, sorted. */
  readonly endpoints: readonly Endpoint[];
}

/** The configuration of one ingress proxy. */
export interface ZoneIngressProxy {
  readonly name: string;
  /** Where the ingress listens. */
  readonly address: string;
  readonly port: number;
  /** Ascending SNI. */
  readonly chains: readonly IngressChain[];
  /** Ascending name. */
  readonly clusters: readonly IngressCluster[];
  /** With no service at all: the JSON the single chain answers every connection with. */
  readonly directResponse?: string;
}
