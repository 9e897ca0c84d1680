// Where each connection policy kind lands, for every proxy type: the winners of one destination
// become cluster settings, the route-level choice among a route's destinations becomes route
// settings (docs/gateway.md §2.16). One line per kind and place; the kinds' own files say what they set.
import type { StoredResource } from '../core/resource.js';
import type { ClusterPolicies, OutboundPolicies, RoutePolicies, TcpProxyPolicies } from '../ir/policies.js';
import { CONNECTION_POLICY_KINDS, routeLevelPolicy, type ConnectionPolicyKind, type DestinationWinner, type MatchablePolicy, type PolicyWinners } from './connection-policies.js';
import { clusterTimeouts, listenerTimeouts, routeTimeout } from './timeout-effects.js';
import { retryPolicy, tcpProxyRetry, type RetryProtocol } from './retry-effects.js';
import { clusterCircuitBreaker } from './circuit-breaker-effects.js';
import { clusterHealthCheck } from './health-check-effects.js';
import { routeFault } from './fault-injection-effects.js';
import { routeRateLimit } from './rate-limit-effects.js';

/** `settings`, or undefined when no kind set anything. */
function nonEmpty<T extends object>(settings: T): T | undefined {
  return Object.keys(settings).length > 0 ? settings : undefined;
}

/** The cluster settings of one destination's winners; undefined when no policy applies. */
export function clusterPolicies(winners: PolicyWinners): ClusterPolicies | undefined {
  return nonEmpty<ClusterPolicies>({
    ...(winners.Timeout ? { timeouts: clusterTimeouts(winners.Timeout.spec) } : {}),
    ...(winners.CircuitBreaker ? { circuitBreaker: clusterCircuitBreaker(winners.CircuitBreaker.spec) } : {}),
    ...(winners.HealthCheck ? { healthCheck: clusterHealthCheck(winners.HealthCheck.spec) } : {}),
  });
}

/**
 * The route settings of a route's chosen policies; undefined when none applies. `protocol` is
 * the route's retry protocol (retry-effects.ts inferRetryProtocol).
 */
export function routePolicies(chosen: PolicyWinners, protocol: RetryProtocol = 'unknown'): RoutePolicies | undefined {
  const retry = chosen.Retry && retryPolicy(chosen.Retry.spec, protocol);
  const rateLimit = chosen.RateLimit && routeRateLimit(chosen.RateLimit.spec);
  return nonEmpty<RoutePolicies>({
    ...(chosen.Timeout ? routeTimeout(chosen.Timeout.spec) : {}),
    ...(retry ? { retry } : {}),
    ...(rateLimit ? { rateLimit } : {}),
    ...(chosen.FaultInjection ? { fault: routeFault(chosen.FaultInjection.spec) } : {}),
  });
}

/** The settings of a gateway TCP or TLS chain's tcp_proxy from its chosen policies (docs/gateway.md §2.14). */
export function tcpProxyPolicies(chosen: PolicyWinners): TcpProxyPolicies | undefined {
  return tcpProxyRetry(chosen.Retry?.spec);
}

/** The settings of a sidecar outbound of `protocol` with one destination and its winners; undefined when none. */
export function outboundPolicies(winners: PolicyWinners, protocol: RetryProtocol = 'unknown'): OutboundPolicies | undefined {
  const timeout = winners.Timeout;
  // FaultInjection and RateLimit act on the receiving sidecar's inbound, not on the caller's outbound.
  const route = routePolicies({ ...(timeout ? { Timeout: timeout } : {}), ...(winners.Retry ? { Retry: winners.Retry } : {}) }, protocol);
  const tcpProxy = protocol === 'tcp' ? tcpProxyRetry(winners.Retry?.spec) : undefined;
  return nonEmpty<OutboundPolicies>({
    ...(timeout ? { listenerTimeouts: listenerTimeouts(timeout.spec) } : {}),
    ...(route ? { route } : {}),
    ...(tcpProxy ? { tcpProxy } : {}),
  });
}

/** One destination of a route with the winners of every kind for it. */
export interface RouteDestination {
  readonly destination: Readonly<Record<string, string>>;
  readonly winners: PolicyWinners;
}

/**
 * Kinds whose route-level choice looks at forward destinations only, never at the mirror (docs/gateway.md §5.4:
 * RateLimit and FaultInjection).
 */
export const FORWARD_ONLY_KINDS: ReadonlySet<ConnectionPolicyKind> = new Set<ConnectionPolicyKind>(['RateLimit', 'FaultInjection']);

/** Step 3 of docs/gateway.md §2.16 for every kind: one policy per kind for a route with these destinations. */
export function routeLevelWinners(forwards: readonly RouteDestination[], mirrors: readonly RouteDestination[] = []): PolicyWinners {
  const out: Partial<Record<ConnectionPolicyKind, StoredResource<ConnectionPolicyKind>>> = {};
  for (const kind of CONNECTION_POLICY_KINDS) {
    const winners: DestinationWinner<MatchablePolicy>[] = [];
    const destinations = FORWARD_ONLY_KINDS.has(kind) || mirrors.length === 0 ? forwards : [...forwards, ...mirrors];
    for (const d of destinations) {
      const policy = d.winners[kind];
      if (policy !== undefined) winners.push({ destination: d.destination, policy });
    }
    if (winners.length === 0) continue;
    const chosen = routeLevelPolicy(winners);
    if (chosen !== undefined) out[kind] = chosen as StoredResource<ConnectionPolicyKind>;
  }
  return out as PolicyWinners;
}
