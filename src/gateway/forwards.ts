// Backend weights and weighted forwards (gateway.md §1.2 "Backend weights", §2.9, D1).
import type { Backend } from '../api/mesh-gateway-route.js';
import type { Forward } from '../ir/gateway.js';
import { compareBytes } from '../core/byte-order.js';

/**
 * Effective weights of a rule's backends [D1]: an absent weight is 1, an explicit 0 stays 0
 * (no traffic), except that when every backend is 0 each counts as 1.
 */
export function effectiveWeights(backends: readonly Backend[]): number[] {
  const allZero = backends.length > 0 && backends.every((b) => b.weight === 0);
  return backends.map((b) => (allZero ? 1 : (b.weight ?? 1)));
}

/**
 * One forward per distinct cluster, ascending cluster name. Backends resolving to the same
 * cluster collapse into one item carrying the last such backend's weight (kept from Kuma).
 */
export function collapseForwards(items: readonly { readonly cluster: string; readonly weight: number }[]): Forward[] {
  const byCluster = new Map<string, number>();
  for (const item of items) byCluster.set(item.cluster, item.weight);
  return [...byCluster.entries()]
    .sort(([a], [b]) => compareBytes(a, b))
    // No external services exist yet, so every cluster (the unresolved backend included) is a mesh cluster.
    .map(([cluster, weight]) => ({ cluster, weight, meshCluster: true }));
}
