// The sidecar IR (docs/mesh-mtls.md §4): everything one ordinary Dataplane's proxy needs, in domain words,
// already ordered and named. Plain, readonly, JSON-serialisable data. Produced by src/sidecar
// (pure), consumed by src/xds/translator/sidecar-*.ts (pure). A DELEGATED gateway is a sidecar
// without inbounds (docs/mesh-mtls.md §7).
import type { ExternalCluster } from './external-service.js';
import type { CaBundle, Endpoint, Tags, UpstreamTls } from './gateway.js';
import type { ClusterPolicies, CollectorCluster, InboundPolicies, OutboundPolicies, Tracing } from './policies.js';

/** Protocol of an inbound or an outbound, as Kuma infers it (docs/mesh-mtls.md §4.2, §4.5). */
export type SidecarProtocol = 'http' | 'http2' | 'grpc' | 'tcp';

/** One sidecar's configuration. */
export interface Sidecar {
  readonly mesh: string;
  /** Name of the Dataplane. */
  readonly name: string;
  /** The proxy's identity tags in `x-kuma-tags` form (`&k=v&&k=v&`), for outbound HTTP routes. */
  readonly kumaTags: string;
  /** One per inbound, ascending name. */
  readonly inbounds: readonly Inbound[];
  /** One per distinct workload port, ascending name. */
  readonly localClusters: readonly LocalCluster[];
  /** One per outbound, ascending name. */
  readonly outbounds: readonly Outbound[];
  /** One per distinct destination, ascending name. */
  readonly clusters: readonly OutboundCluster[];
  /** Mesh mTLS; absent when the mesh has it off. */
  readonly mtls?: SidecarMtls;
  /**
   * True when the mesh has a RateLimit or FaultInjection: gRPC outbounds then send `x-kuma-tags`
   * too, so that the destination's inbound can recognise the caller (docs/mesh-mtls.md §4.5).
   */
  readonly grpcKumaTags?: true;
  /** Tracing of every inbound and outbound connection manager (TrafficTrace); absent when none. */
  readonly tracing?: Tracing;
  /** Clusters to tracing collectors, ascending name; absent when none. */
  readonly collectors?: readonly CollectorCluster[];
}

/** What mesh mTLS gives a sidecar. */
export interface SidecarMtls {
  /** `identity_cert:secret:<mesh>`; the certificate itself is added per proxy at generation. */
  readonly identitySecret: string;
  /** Every CA bundle its contexts validate with, ascending secret name. */
  readonly caBundles: readonly CaBundle[];
}

/** Mesh mTLS on an inbound listener (docs/mesh-mtls.md §4.4). */
export interface InboundTls {
  readonly mode: 'STRICT' | 'PERMISSIVE';
  /** `spiffe://<mesh>/`: the prefix every client certificate must have a URI SAN under. */
  readonly clientSanPrefix: string;
  readonly caSecret: string;
  readonly identitySecret: string;
  /**
   * The network RBAC of the TLS chain (docs/mesh-mtls.md §5.3): the inbound's one TrafficPermission, or
   * deny all when none selects it. Plaintext chains (PERMISSIVE) have none (docs/mesh-mtls.md §5.4).
   */
  readonly rbac: InboundRbac;
}

/** One TrafficPermission as network RBAC: allowed principals, or none (deny all). */
export interface InboundRbac {
  /** The winning TrafficPermission's name; absent when none matches (`rules: {}` denies all). */
  readonly policy?: string;
  /** One alternative per source selector: every principal of one must hold; empty = any. */
  readonly sources: readonly (readonly string[])[];
}

/** One inbound listener (docs/mesh-mtls.md §4.4). */
export interface Inbound {
  /** `inbound:<address>:<port>`. */
  readonly name: string;
  readonly address: string;
  readonly port: number;
  readonly protocol: SidecarProtocol;
  /** The inbound's `kuma.io/service`. */
  readonly service: string;
  /** The inbound's tags (listener metadata `io.kuma.tags`). */
  readonly tags: Tags;
  /** `localhost:<workload port>`. */
  readonly localCluster: string;
  readonly workloadPort: number;
  readonly tls?: InboundTls;
  /** FaultInjection and RateLimit selecting this HTTP-based inbound; absent when none does. */
  readonly policies?: InboundPolicies;
}

/** The static cluster of a workload port (docs/mesh-mtls.md §4.3). */
export interface LocalCluster {
  /** `localhost:<workload port>`. */
  readonly name: string;
  readonly address: string;
  readonly port: number;
  readonly protocol: SidecarProtocol;
}

/** One outbound listener (docs/mesh-mtls.md §4.5). */
export interface Outbound {
  /** `outbound:<address>:<port>`. */
  readonly name: string;
  readonly address: string;
  readonly port: number;
  /** The outbound's tags without `kuma.io/mesh` (listener metadata). */
  readonly tags: Tags;
  readonly service: string;
  /** Inferred from the destination's endpoints. */
  readonly protocol: SidecarProtocol;
  readonly cluster: string;
  /** Listener and route settings of the policies that won for its destination; absent when none. */
  readonly policies?: OutboundPolicies;
}

/**
 * An EDS cluster towards one destination (docs/mesh-mtls.md §4.6, §4.7, §8), or an external cluster when
 * `external` is set (docs/gateway.md §2.15).
 */
export interface OutboundCluster {
  readonly name: string;
  readonly service: string;
  /** The mesh the destination lives in (the own mesh, or another one for cross-mesh). */
  readonly mesh: string;
  /** Outbound tags without `kuma.io/mesh`: the endpoint subset and SNI. */
  readonly tags: Tags;
  /** HTTP-based destinations get an HTTP idle timeout besides HTTP/2. */
  readonly protocol: SidecarProtocol;
  /** Sorted by (address, port). Empty for an external cluster. */
  readonly endpoints: readonly Endpoint[];
  readonly upstreamTls?: UpstreamTls;
  /** Settings of the policies that won for this destination; absent when none. */
  readonly policies?: ClusterPolicies;
  /** ExternalServices reached directly: endpoints inline, their own TLS, no mesh mTLS. */
  readonly external?: ExternalCluster;
}
