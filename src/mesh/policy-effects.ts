// Where each connection policy kind lands, for every proxy type: the winners of one destination
// become cluster settings, the route-level choice among a route's destinations becomes route
// settings (gateway.md §2.16). One line per kind and place; the kinds' own files say what they set.
import type { StoredResource } from '../core/resource.js';
import type { ClusterPolicies, OutboundPolicies, RoutePolicies } from '../ir/policies.js';
import { CONNECTION_POLICY_KINDS, routeLevelPolicy, type ConnectionPolicyKind, type DestinationWinner, type MatchablePolicy, type PolicyWinners } from './connection-policies.js';
import { clusterTimeouts, listenerTimeouts, routeTimeout } from './timeout-effects.js';
import { clusterHealthCheck } from './health-check-effects.js';
import { routeFault } from './fault-injection-effects.js';
import { routeRateLimit } from './rate-limit-effects.js';

/** The cluster settings of one destination's winners; undefined when no policy applies. */
export function clusterPolicies(winners: PolicyWinners): ClusterPolicies | undefined {
  const settings: ClusterPolicies = {
    ...(winners.Timeout ? { timeouts: clusterTimeouts(winners.Timeout.spec) } : {}),
    ...(winners.HealthCheck ? { healthCheck: clusterHealthCheck(winners.HealthCheck.spec) } : {}),
  };
  return Object.keys(settings).length > 0 ? settings : undefined;
}

/** The route settings of a route's chosen policies; undefined when none applies. */
export function routePolicies(chosen: PolicyWinners): RoutePolicies | undefined {
  const rateLimit = chosen.RateLimit && routeRateLimit(chosen.RateLimit.spec);
  const settings: RoutePolicies = {
    ...(chosen.Timeout ? routeTimeout(chosen.Timeout.spec) : {}),
    ...(rateLimit ? { rateLimit } : {}),
    ...(chosen.FaultInjection ? { fault: routeFault(chosen.FaultInjection.spec) } : {}),
  };
  return Object.keys(settings).length > 0 ? settings : undefined;
}

/** The settings of a sidecar outbound with one destination and its winners; undefined when none. */
export function outboundPolicies(winners: PolicyWinners): OutboundPolicies | undefined {
  const timeout = winners.Timeout;
  if (timeout === undefined) return undefined;
  const route = routeTimeout(timeout.spec);
  return { listenerTimeouts: listenerTimeouts(timeout.spec), ...(Object.keys(route).length > 0 ? { route } : {}) };
}

/** One destination of a route with the winners of every kind for it. */
export interface RouteDestination {
  readonly destination: Readonly<Record<string, string>>;
  readonly winners: PolicyWinners;
}

/**
 * Kinds whose route-level choice looks at forward destinations only, never at the mirror (§5.4:
 * RateLimit and FaultInjection).
 */
export const FORWARD_ONLY_KINDS: ReadonlySet<ConnectionPolicyKind> = new Set<ConnectionPolicyKind>(['RateLimit', 'FaultInjection']);

/** Step 3 of §2.16 for every kind: one policy per kind for a route with these destinations. */
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
