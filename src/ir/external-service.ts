// The IR of an external cluster (docs/gateway.md §2.15 "External cluster"): a cluster whose endpoints
// are ExternalServices reached directly, resolved by Envoy (STRICT_DNS) or given as IPs (STATIC),
// delivered inline in the cluster rather than over EDS. Shared by gateways and sidecars. Plain,
// readonly, JSON-serialisable data.
import type { Tags } from './gateway.js';

/** TLS a proxy originates to one ExternalService. Certificates are PEM text, already loaded. */
export interface ExternalTls {
  /** SNI: the ExternalService's serverName, else its host when that is a DNS name; '' for none. */
  readonly sni: string;
  readonly allowRenegotiation: boolean;
  /** CA bundle the server certificate must chain to; absent: the server is not verified. */
  readonly caPem?: string;
  /** With a CA: the name the certificate must carry (DNS or IP SAN); absent: any name. */
  readonly verifyName?: string;
  /** Client certificate chain and key, when both are configured. */
  readonly clientCertificate?: { readonly certificateChainPem: string; readonly privateKeyPem: string };
}

/** One ExternalService as an endpoint of an external cluster. */
export interface ExternalEndpoint {
  /** The ExternalService's name. */
  readonly name: string;
  /** Host of `networking.address`: a DNS name or an IP address. */
  readonly address: string;
  readonly port: number;
  /**
   * Endpoint metadata (`envoy.lb`, `envoy.transport_socket_match`): the ExternalService's tags
   * without `kuma.io/service`, plus `kuma.io/external-service-name` when TLS is on.
   */
  readonly tags: Tags;
  readonly tls?: ExternalTls;
}

/** How Envoy finds the endpoints' addresses. */
export type ExternalDiscovery = 'STRICT_DNS' | 'STATIC';

/** The endpoints of an external cluster. */
export interface ExternalCluster {
  /** STATIC when every address is an IP, else STRICT_DNS (IPv4 lookups). */
  readonly discovery: ExternalDiscovery;
  /** `load_assignment.cluster_name`: the destination's service. */
  readonly assignmentName: string;
  /** Sorted by (address, port, name); never empty. */
  readonly endpoints: readonly ExternalEndpoint[];
}
