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

/** Settings of one route (or of a sidecar's one outbound route) that come from policies. */
export interface RoutePolicies {
  /** Route `timeout`: absent leaves it out on gateways (Kuma) and 0s on sidecars. */
  readonly timeoutMs?: number;
  readonly rateLimit?: RouteRateLimit;
  readonly fault?: RouteFault;
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
