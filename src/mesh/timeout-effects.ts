// What a Timeout sets where it lands (docs/gateway.md §2.16, docs/mesh-mtls.md §4.9), for every proxy type.
import { policyDurationMs } from '../api/connection-policy.js';
import type { TimeoutSpec } from '../api/timeout.js';
import type { ClusterTimeouts, ListenerTimeouts, RoutePolicies } from '../ir/policies.js';

/** Connect timeout when a Timeout leaves it unset (Kuma's default). */
const DEFAULT_CONNECT_TIMEOUT_MS = 5_000;

/** Cluster settings of the winning Timeout: connect (default 5s), HTTP idle (default 0: off) and stream duration. */
export function clusterTimeouts(spec: TimeoutSpec): ClusterTimeouts {
  const { conf } = spec;
  const maxStreamDurationMs = policyDurationMs(conf.http?.maxStreamDuration ?? conf.grpc?.maxStreamDuration);
  return {
    connectTimeoutMs: policyDurationMs(conf.connectTimeout) ?? DEFAULT_CONNECT_TIMEOUT_MS,
    idleTimeoutMs: policyDurationMs(conf.http?.idleTimeout) ?? 0,
    ...(maxStreamDurationMs !== undefined && maxStreamDurationMs > 0 ? { maxStreamDurationMs } : {}),
  };
}

/** The route timeout of the route-level Timeout: `http.requestTimeout`, left out when zero or unset. */
export function routeTimeout(spec: TimeoutSpec | undefined): RoutePolicies {
  const ms = policyDurationMs(spec?.conf.http?.requestTimeout);
  return ms !== undefined && ms > 0 ? { timeoutMs: ms } : {};
}

/** A sidecar outbound listener's timeouts; every one 0 (off) when no Timeout applies. */
export function listenerTimeouts(spec: TimeoutSpec | undefined): ListenerTimeouts {
  const conf = spec?.conf;
  return {
    tcpIdleTimeoutMs: policyDurationMs(conf?.tcp?.idleTimeout) ?? 0,
    httpIdleTimeoutMs: policyDurationMs(conf?.http?.idleTimeout) ?? 0,
    streamIdleTimeoutMs: policyDurationMs(conf?.http?.streamIdleTimeout ?? conf?.grpc?.streamIdleTimeout) ?? 0,
  };
}
