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

/** One collapsed forward. */
function forwardOf(item: { readonly cluster: string; readonly weight: number }): Forward {
  // No external services exist yet, so every cluster (the unresolved backend included) is a mesh cluster.
  return { cluster: item.cluster, weight: item.weight, meshCluster: true };
}

/**
 * Lists up to this long collapse by insertion, which for the usual one to a few backends costs a
 * third of sorting or of a Map with its entry arrays (every forwarding rule comes through here);
 * longer lists (up to 1,000 backends) sort, so no rule costs quadratic time.
 */
const INSERTION_LIMIT = 8;

/**
 * One forward per distinct cluster, ascending cluster name. Backends resolving to the same
 * cluster collapse into one item carrying the last such backend's weight (kept from Kuma).
 */
export function collapseForwards(items: readonly { readonly cluster: string; readonly weight: number }[]): Forward[] {
  return items.length <= INSERTION_LIMIT ? collapseByInsertion(items) : collapseBySorting(items);
}

/** Insert each item at its place by name; an equal name replaces the earlier forward. */
function collapseByInsertion(items: readonly { readonly cluster: string; readonly weight: number }[]): Forward[] {
  const forwards: Forward[] = [];
  for (const item of items) {
    let i = forwards.length;
    while (i > 0 && compareBytes((forwards[i - 1] as Forward).cluster, item.cluster) > 0) i--;
    if (i > 0 && (forwards[i - 1] as Forward).cluster === item.cluster) forwards[i - 1] = forwardOf(item);
    else if (i === forwards.length) forwards.push(forwardOf(item));
    else forwards.splice(i, 0, forwardOf(item));
  }
  return forwards;
}

/** Stable sort by name, then keep the last item of each run of equal names. */
function collapseBySorting(items: readonly { readonly cluster: string; readonly weight: number }[]): Forward[] {
  const sorted = [...items].sort((a, b) => compareBytes(a.cluster, b.cluster));
  return sorted.filter((item, i) => sorted[i + 1]?.cluster !== item.cluster).map(forwardOf);
}
