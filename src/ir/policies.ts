// What classic connection policies set (gateway.md §2.16, mesh.md §4.9), in domain words, for
// every proxy type. Each section is absent when no policy of its kind applies; the xDS translator
// then writes Kuma's defaults. Durations are milliseconds.

/** The Timeout settings of a cluster. */
export interface ClusterTimeouts {
  readonly connectTimeoutMs: number;
  /** Upstream HTTP idle timeout; 0 disables it. */
  readonly idleTimeoutMs: number;
  /** Longest lifetime of an upstream stream; absent or 0 leaves it unlimited. */
  readonly maxStreamDurationMs?: number;
}

/** Settings of one cluster that come from policies, by kind. */
export interface ClusterPolicies {
  readonly timeouts?: ClusterTimeouts;
}

/** Settings of one route (or of a sidecar's one outbound route) that come from policies. */
export interface RoutePolicies {
  /** Route `timeout`: absent leaves it out on gateways (Kuma) and 0s on sidecars. */
  readonly timeoutMs?: number;
}

/** Settings of a sidecar outbound listener that come from a Timeout (mesh.md §4.9). */
export interface ListenerTimeouts {
  /** tcp_proxy idle timeout (TCP destinations). */
  readonly tcpIdleTimeoutMs: number;
  /** Connection manager idle timeout (HTTP destinations). */
  readonly httpIdleTimeoutMs: number;
  readonly streamIdleTimeoutMs: number;
}

/** Settings of a sidecar outbound that come from policies. */
export interface OutboundPolicies {
  readonly listenerTimeouts?: ListenerTimeouts;
  readonly route?: RoutePolicies;
  /** The outbound's access log (TrafficLog with the proxy as source, the outbound's service as destination). */
  readonly accessLog?: AccessLog;
}

/** Where access log lines go (a Mesh logging backend). */
export type AccessLogSink =
  | { readonly kind: 'file'; readonly path: string }
  /** A TCP collector at `HOST:PORT`, reached through the agent's sink (docs/policies.md: TrafficLog). */
  | { readonly kind: 'tcp'; readonly address: string };

/** One access log of a connection manager or TCP proxy (TrafficLog). */
export interface AccessLog {
  /** Envoy format string, Kuma's placeholders already replaced, ending in a newline. */
  readonly format: string;
  readonly sink: AccessLogSink;
}

/** Zipkin tracing of connection managers (TrafficTrace with a Mesh zipkin backend). */
export interface Tracing {
  /** The collector cluster, `tracing:<backend name>`. */
  readonly cluster: string;
  /** Percentage of requests traced; absent leaves Envoy's default (100). */
  readonly samplingPercent?: number;
  /** Path spans are POSTed to. */
  readonly collectorEndpoint: string;
  /** `Host` of the span requests: the collector's `host:port` as written in the URL. */
  readonly collectorHostname: string;
  readonly version: 'HTTP_JSON' | 'HTTP_PROTO';
  readonly traceId128bit: boolean;
  /** Absent when the backend leaves it unset (Envoy's default: shared). */
  readonly sharedSpanContext?: boolean;
}

/** A cluster to a collector given by host and port (tracing and TCP access log backends). */
export interface CollectorCluster {
  readonly name: string;
  readonly host: string;
  readonly port: number;
}
