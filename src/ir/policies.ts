// What classic connection policies set (docs/gateway.md §2.16, docs/mesh-mtls.md §4.9), in domain words, for
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

/** Connection and request limits of a cluster (CircuitBreaker thresholds); unset ones keep Envoy's defaults. */
export interface CircuitBreakerThresholds {
  readonly maxConnections?: number;
  readonly maxPendingRequests?: number;
  readonly maxRequests?: number;
  readonly maxRetries?: number;
}

/** A detector counting consecutive errors; `consecutive` unset keeps Envoy's default (5). */
export interface ConsecutiveDetector {
  readonly consecutive?: number;
}

/**
 * Outlier detection of a cluster (a CircuitBreaker's detectors). A present detector is enforced
 * at 100 %, an absent one is written with enforcement 0 (docs/gateway.md §2.16).
 */
export interface OutlierDetection {
  readonly intervalMs?: number;
  readonly baseEjectionTimeMs?: number;
  readonly maxEjectionPercent?: number;
  readonly splitExternalLocalOriginErrors: boolean;
  readonly totalErrors?: ConsecutiveDetector;
  readonly gatewayErrors?: ConsecutiveDetector;
  readonly localErrors?: ConsecutiveDetector;
  /** `stdevFactor` is Envoy's integer: the factor times 1000. */
  readonly standardDeviation?: { readonly requestVolume?: number; readonly minimumHosts?: number; readonly stdevFactor?: number };
  readonly failure?: { readonly requestVolume?: number; readonly minimumHosts?: number; readonly threshold?: number };
}

/** What a CircuitBreaker sets on a cluster: thresholds when it has any, outlier detection always. */
export interface ClusterCircuitBreaker {
  readonly thresholds?: CircuitBreakerThresholds;
  readonly outlierDetection: OutlierDetection;
}

/** A header added by a policy: `append` adds to a value already present, otherwise replaces it. */
export interface PolicyHeader {
  readonly key: string;
  readonly value: string;
  readonly append: boolean;
}

/**
 * The active health check of a cluster (HealthCheck). Which checker runs depends on the cluster's
 * protocol too: `http` applies to HTTP-based clusters only, anything else gets a TCP check.
 */
export interface ClusterHealthCheck {
  readonly intervalMs: number;
  readonly timeoutMs: number;
  readonly unhealthyThreshold: number;
  readonly healthyThreshold: number;
  readonly initialJitterMs?: number;
  readonly intervalJitterMs?: number;
  readonly intervalJitterPercent?: number;
  readonly noTrafficIntervalMs?: number;
  readonly eventLogPath?: string;
  readonly alwaysLogFailures: boolean;
  readonly reuseConnection?: boolean;
  /** Cluster load balancing: below this share of healthy endpoints, all are used (panic mode). */
  readonly healthyPanicThreshold?: number;
  readonly failTrafficOnPanic?: boolean;
  /** TCP payloads in hex: bytes sent, blocks expected in order. */
  readonly tcp?: { readonly sendHex?: string; readonly receiveHex: readonly string[] };
  readonly http?: { readonly path: string; readonly headers: readonly PolicyHeader[]; readonly expectedStatuses: readonly number[] };
}

/** Settings of one cluster that come from policies, by kind. */
export interface ClusterPolicies {
  readonly timeouts?: ClusterTimeouts;
  readonly circuitBreaker?: ClusterCircuitBreaker;
  readonly healthCheck?: ClusterHealthCheck;
}

/** A local token bucket on a route (RateLimit), and the answer to a limited request. */
export interface RouteRateLimit {
  readonly requests: number;
  readonly intervalMs: number;
  /** Status of a limited request's answer; absent leaves Envoy's 429. */
  readonly status?: number;
  readonly headers: readonly PolicyHeader[];
}

/** Faults injected on a route (FaultInjection); percentages are 0-100. */
export interface RouteFault {
  readonly delay?: { readonly ms: number; readonly percentage: number };
  readonly abort?: { readonly httpStatus: number; readonly percentage: number };
  readonly responseBandwidth?: { readonly kbps: number; readonly percentage: number };
}

/** A route's retry policy (docs/gateway.md §2.16 "Retry protocol"), converted for Envoy's retry_policy. */
export interface RetryPolicy {
  /** Envoy's comma-separated retry conditions. */
  readonly retryOn: string;
  readonly numRetries?: number;
  readonly perTryTimeoutMs?: number;
  readonly backOff?: { readonly baseIntervalMs: number; readonly maxIntervalMs?: number };
  readonly retriableStatusCodes?: readonly number[];
  /** Only requests with these methods are retried (`:method` header matches). */
  readonly retriableMethods?: readonly string[];
}

/** Settings of a tcp_proxy that come from policies (a Retry's `tcp` section). */
export interface TcpProxyPolicies {
  readonly maxConnectAttempts: number;
}

/** Settings of one route (or of a sidecar's one outbound route) that come from policies. */
export interface RoutePolicies {
  /** Route `timeout`: absent leaves it out on gateways (Kuma) and 0s on sidecars. */
  readonly timeoutMs?: number;
  /** Retries of the route-level Retry for the route's protocol; absent when none applies. */
  readonly retry?: RetryPolicy;
  readonly rateLimit?: RouteRateLimit;
  readonly fault?: RouteFault;
}

/** Settings of a sidecar outbound listener that come from a Timeout (docs/mesh-mtls.md §4.9). */
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
  /** TCP destinations: the tcp_proxy settings. */
  readonly tcpProxy?: TcpProxyPolicies;
  /** The outbound's access log (TrafficLog with the proxy as source, the outbound's service as destination). */
  readonly accessLog?: AccessLog;
}

/** A fault applied to the requests of the sources whose `x-kuma-tags` match `sourceRegex`. */
export interface SourceFault {
  readonly sourceRegex: string;
  readonly fault: RouteFault;
}

/** A rate limit of the requests whose `x-kuma-tags` match `sourceRegex`; absent limit: the policy has no `http`. */
export interface SourceRateLimit {
  readonly sourceRegex: string;
  readonly rateLimit?: RouteRateLimit;
}

/**
 * Settings of an HTTP inbound that come from policies selecting it as destination: every matching
 * FaultInjection and RateLimit, most specific source first; which one applies to a request is
 * decided by the caller's `x-kuma-tags` (Kuma's classic inbound generation).
 */
export interface InboundPolicies {
  readonly faults: readonly SourceFault[];
  readonly rateLimits: readonly SourceRateLimit[];
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
