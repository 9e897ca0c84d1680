// The gateway IR: everything one gateway configuration identity needs, in domain words, already
// ordered and named. Plain, readonly, JSON-serialisable data. Produced by src/gateway (pure),
// consumed by src/xds/translator (pure). The listener address is deliberately absent: replicas of
// one gateway at different addresses share one IR and every resource but their listeners.
import type { AccessLog, ClusterPolicies, CollectorCluster, RoutePolicies, TcpProxyPolicies, Tracing } from './policies.js';
import type { ExternalCluster } from './external-service.js';

/** A tag map. */
export type Tags = Readonly<Record<string, string>>;

/** One gateway configuration identity: one selected MeshGateway seen through one set of proxy tags. */
export interface Gateway {
  readonly mesh: string;
  /** Name of the selected MeshGateway. */
  readonly gateway: string;
  /** The proxy's `kuma.io/service` (used for stat prefixes). */
  readonly service: string;
  /** The gateway dataplane's own tags (serialised into `x-kuma-tags`). */
  readonly proxyTags: Tags;
  /** One per port, ascending port. */
  readonly listeners: readonly Listener[];
  /** Every cluster any listener refers to, ascending name, names unique. */
  readonly clusters: readonly Cluster[];
  /** Connection limits by listener name (RTDS layer `gateway.listeners`); empty when none. */
  readonly connectionLimits: Readonly<Record<string, number>>;
  /** Mesh mTLS (docs/gateway.md §1.5, docs/mesh-mtls.md §6); absent when the mesh has mTLS off. */
  readonly mtls?: GatewayMtls;
  /** Tracing of every connection manager, from the TrafficTrace selecting the proxy; absent when none. */
  readonly tracing?: Tracing;
  /** Clusters to tracing collectors, ascending name; absent when none. */
  readonly collectors?: readonly CollectorCluster[];
}

/** A CA trust bundle delivered as an SDS validation-context secret. */
export interface CaBundle {
  /** `mesh_ca:secret:<mesh>` or `mesh_ca:secret:all`. */
  readonly secretName: string;
  /** PEM certificates, each ending in a newline. */
  readonly pem: string;
}

/** What mesh mTLS gives a gateway identity. */
export interface GatewayMtls {
  /**
   * SDS name of the proxy's own certificate, `identity_cert:secret:<mesh>`. Every replica has its
   * own certificate and key, so the secret itself is not part of the IR: generation adds it per
   * proxy.
   */
  readonly identitySecret: string;
  /** Every CA bundle the gateway's TLS contexts validate with, ascending secret name. */
  readonly caBundles: readonly CaBundle[];
}

/** Upstream mTLS of a mesh cluster (docs/gateway.md §2.15). */
export interface UpstreamTls {
  /** `<service>{k=v,...,mesh=<mesh>}`. */
  readonly sni: string;
  /** The exact SPIFFE ID the upstream must present: `spiffe://<mesh>/<service>`. */
  readonly san: string;
  /** The CA bundle secret the upstream's certificate is validated with. */
  readonly caSecret: string;
  /** The proxy's own certificate secret. */
  readonly identitySecret: string;
}

/** Listener protocol after collapsing a port. */
export type Protocol = 'HTTP' | 'HTTPS' | 'TCP' | 'TLS';

/** One Envoy listener: all MeshGateway listeners of one port collapsed (docs/gateway.md §2.4). */
export interface Listener {
  /** `<gateway>:<PROTOCOL>:<port>`. */
  readonly name: string;
  readonly port: number;
  readonly protocol: Protocol;
  readonly crossMesh: boolean;
  /** Filter chains in docs/gateway.md §2.6 group order. HTTP and TCP ports have exactly one. */
  readonly hostnameGroups: readonly HostnameGroup[];
}

/** Certificate source as the user wrote it, resolved to PEM by the gateway layer. */
export interface TlsCertificate {
  /** SDS secret name, `cert.<rsa|ecdsa>:<scope>:<id>`. */
  readonly secretName: string;
  readonly certificateChainPem: string;
  readonly privateKeyPem: string;
}

/** TLS termination or passthrough of one hostname group. */
export interface GroupTls {
  readonly mode: 'TERMINATE' | 'PASSTHROUGH';
  readonly certificates: readonly TlsCertificate[];
}

/** One filter chain: one hostname (SNI) on HTTPS/TLS ports, `*` on HTTP/TCP ports. */
export interface HostnameGroup {
  /** Group key: effective hostname for HTTPS/TLS, `*` for HTTP/TCP. */
  readonly hostname: string;
  /** HTTPS (always TERMINATE) and TLS only: the TLS of the group's first listener. */
  readonly tls?: GroupTls;
  /** HTTP and HTTPS only: the route table of this group. */
  readonly routeTable?: RouteTable;
  /**
   * TCP and TLS only: one forward per backend of every bound TCP rule of the group's hosts, with
   * the rule's effective weight (0 kept, so its cluster exists), stably sorted by cluster name.
   * A cluster named by several rules appears once per rule.
   */
  readonly tcpForwards?: readonly Forward[];
  /** TCP and TLS only: tcp_proxy settings of the chain's route-level policies; absent when none. */
  readonly tcpPolicies?: TcpProxyPolicies;
  /** The access log of the chain's connection manager or TCP proxy (TrafficLog); absent when none. */
  readonly accessLog?: AccessLog;
}

/** One RouteConfiguration (docs/gateway.md §2.10). */
export interface RouteTable {
  /** `<listener>:*` for HTTP ports, `<listener>:<hostname>` for HTTPS groups. */
  readonly name: string;
  /** Descending byte order of hostname. */
  readonly virtualHosts: readonly VirtualHost[];
}

/** One virtual host: one hostname and its routes, most specific first. */
export interface VirtualHost {
  readonly hostname: string;
  /** HTTPS and cross-mesh: `require_tls: ALL` plus HSTS. */
  readonly requireTls: boolean;
  /** Never empty: a host without entries holds the 404 direct response. */
  readonly routes: readonly Route[];
}

/** Path condition of a route. */
export type PathMatch =
  | { readonly kind: 'exact'; readonly value: string }
  | { readonly kind: 'prefix'; readonly value: string }
  | { readonly kind: 'regex'; readonly value: string };

/** Header condition; `:method` conditions are expressed as exact header matches first. */
export type HeaderMatch =
  | { readonly kind: 'exact'; readonly name: string; readonly value: string }
  | { readonly kind: 'regex'; readonly name: string; readonly value: string }
  | { readonly kind: 'present'; readonly name: string }
  | { readonly kind: 'absent'; readonly name: string };

/** Query parameter condition. */
export interface QueryMatch {
  readonly kind: 'exact' | 'regex';
  readonly name: string;
  readonly value: string;
}

/** Match of one route: path always set (a match without path gets prefix `/`). */
export interface RouteMatch {
  readonly path: PathMatch;
  /** In Envoy order: `:method` first, then exact, regex, present, absent. */
  readonly headers: readonly HeaderMatch[];
  /** Exact first, then regex. */
  readonly queryParameters: readonly QueryMatch[];
}

/** A path rewrite: replace the whole path or the matched prefix. */
export type PathRewrite =
  | { readonly kind: 'full'; readonly value: string }
  | { readonly kind: 'prefix'; readonly value: string };

/** Header additions and removals, already canonicalised and in Envoy order. */
export interface HeaderMutation {
  /** OVERWRITE_IF_EXISTS_OR_ADD entries (sets), then APPEND_IF_EXISTS_OR_ADD entries (adds). */
  readonly add: readonly { readonly name: string; readonly value: string; readonly append: boolean }[];
  readonly remove: readonly string[];
}

/** One weighted forward target. */
export interface Forward {
  /** Cluster name, or `kuma.io/unresolved-backend` which has no cluster (Envoy answers 500). */
  readonly cluster: string;
  readonly weight: number;
  /** Mesh clusters get the `x-kuma-tags` request header on their weighted cluster item. */
  readonly meshCluster: boolean;
}

/** Forward the request to weighted clusters. */
export interface ForwardAction {
  readonly kind: 'forward';
  /** One per distinct cluster, ascending cluster name. */
  readonly forwards: readonly Forward[];
  readonly rewritePath?: PathRewrite;
  /** A request `set` of Host / :authority. */
  readonly hostRewriteLiteral?: string;
  readonly autoHostRewrite: boolean;
  readonly mirror?: { readonly cluster: string; readonly percentage: number };
  /** Route settings of the route-level policies (docs/gateway.md §2.16 step 3); absent when none applies. */
  readonly policies?: RoutePolicies;
}

/** Answer with a redirect. */
export interface RedirectAction {
  readonly kind: 'redirect';
  readonly scheme?: string;
  readonly hostname?: string;
  readonly port?: number;
  readonly statusCode: 301 | 302 | 303 | 307 | 308;
  readonly rewritePath?: PathRewrite;
}

/** Answer directly (the 404 of an empty virtual host). */
export interface DirectResponseAction {
  readonly kind: 'direct';
  readonly status: number;
  readonly body: string;
}

/** One Envoy route. */
export interface Route {
  readonly match: RouteMatch;
  readonly action: ForwardAction | RedirectAction | DirectResponseAction;
  readonly requestHeaders: HeaderMutation;
  readonly responseHeaders: HeaderMutation;
}

/** Upstream protocol of a cluster. */
export type UpstreamProtocol = 'http' | 'http2' | 'grpc' | 'tcp';

/** One upstream endpoint (a dataplane inbound). */
export interface Endpoint {
  readonly address: string;
  readonly port: number;
  /** Inbound tags without `kuma.io/service` (EDS endpoint metadata). */
  readonly tags: Tags;
  /**
   * EDS load-balancing weight; absent means 1. A remote zone's ingress weighs as many as the
   * instances behind it, and local endpoints as many as the remote ingress addresses
   * (docs/multizone.md §8).
   */
  readonly weight?: number;
}

/** One cluster: a mesh cluster (EDS), or an external cluster when `external` is set. */
export interface Cluster {
  /** `<service>-<hash>` or the bare service (docs/gateway.md §2.15). */
  readonly name: string;
  readonly service: string;
  /** The destination tags the cluster was made for (mTLS SNI `<service>{k=v,...,mesh=<mesh>}`). */
  readonly destination: Tags;
  readonly protocol: UpstreamProtocol;
  /** Sorted by (address, port). May be empty. Empty for an external cluster. */
  readonly endpoints: readonly Endpoint[];
  /** Present when the cluster speaks mesh mTLS to its upstream (never on an external cluster). */
  readonly upstreamTls?: UpstreamTls;
  /** Settings of the policies that won for this destination and listener; absent when none. */
  readonly policies?: ClusterPolicies;
  /** ExternalServices reached directly (docs/gateway.md §2.15): no EDS, no mesh mTLS, no `x-kuma-tags`. */
  readonly external?: ExternalCluster;
}
