// Backend weights and weighted forwards (docs/gateway.md §1.2 "Backend weights", §2.9, D1).
import type { Backend } from '../api/mesh-gateway-route.js';
import type { Tags } from '../api/tags.js';
import type { Forward, ForwardAction } from '../ir/gateway.js';
import type { RoutePolicies } from '../ir/policies.js';
import { compareBytes } from '../core/byte-order.js';

/** True when there are backends and every one has an explicit weight 0 ([D1]: each then counts as 1). */
function allWeightsZero(backends: readonly Backend[]): boolean {
  // A loop and closures that capture nothing: every forwarding rule comes through here.
  for (const b of backends) if (b.weight !== 0) return false;
  return backends.length > 0;
}

/**
 * Effective weights of a rule's backends [D1]: an absent weight is 1, an explicit 0 stays 0
 * (no traffic), except that when every backend is 0 each counts as 1.
 */
export function effectiveWeights(backends: readonly Backend[]): number[] {
  return allWeightsZero(backends) ? backends.map(() => 1) : backends.map((b) => b.weight ?? 1);
}

/**
 * The forwards of a rule: one per backend with its effective weight and cluster (`clusterFor`,
 * asked in backend order; `isMeshCluster` says whether it gets `x-kuma-tags`, docs/gateway.md §2.9),
 * collapsed as collapseForwards does. Every forwarding rule comes through
 * here, so the list is built once and collapsed in place, without the weight list and copy.
 */
export function backendForwards(
  backends: readonly Backend[],
  clusterFor: (destination: Tags) => string,
  isMeshCluster: (cluster: string) => boolean = () => true,
): Forward[] {
  const allZero = allWeightsZero(backends);
  const forwards: Forward[] = [];
  for (const b of backends) {
    const cluster = clusterFor(b.destination);
    forwards.push({ cluster, weight: allZero ? 1 : (b.weight ?? 1), meshCluster: isMeshCluster(cluster) });
  }
  return collapseInPlace(forwards);
}

/**
 * Lists up to this long are sorted by insertion: every forwarding rule comes through here, usually
 * with one to a few backends, where a Map with its entry arrays or the engine's sort cost three
 * times as much. Longer lists (up to 1,000 backends) use the engine's sort, so none is quadratic.
 */
const INSERTION_LIMIT = 8;

/**
 * One forward per distinct cluster, ascending cluster name. Backends resolving to the same
 * cluster collapse into one item carrying the last such backend's weight (kept from Kuma).
 * Returns a new list; the forwards themselves are immutable values and are reused.
 */
export function collapseForwards(items: readonly Forward[]): Forward[] {
  return collapseInPlace([...items]);
}

/** collapseForwards of a list the caller owns: sorted in place, and returned when nothing collapses. */
function collapseInPlace(forwards: Forward[]): Forward[] {
  if (forwards.length <= INSERTION_LIMIT) insertionSortByCluster(forwards);
  else forwards.sort((a, b) => compareBytes(a.cluster, b.cluster));
  return lastOfEachCluster(forwards);
}

/** Stable in-place sort by cluster name of a short list. */
function insertionSortByCluster(forwards: Forward[]): void {
  for (let i = 1; i < forwards.length; i++) {
    const f = forwards[i] as Forward;
    let j = i;
    for (; j > 0 && compareBytes((forwards[j - 1] as Forward).cluster, f.cluster) > 0; j--) forwards[j] = forwards[j - 1] as Forward;
    forwards[j] = f;
  }
}

/** Of each run of equal names in a stably sorted list, the last item: the last backend's weight. */
function lastOfEachCluster(sorted: Forward[]): Forward[] {
  // Most rules name each cluster once: then the sorted list is the answer, without a copy.
  for (let i = 1; i < sorted.length; i++) {
    if ((sorted[i - 1] as Forward).cluster === (sorted[i] as Forward).cluster) {
      return sorted.filter((f, j) => sorted[j + 1]?.cluster !== f.cluster);
    }
  }
  return sorted;
}

/**
 * True when `action` is the plain action of `forwards`, `autoHostRewrite` and `policies` (route
 * settings are compared by identity: the cluster registry gives equal choices one value).
 */
function sameContent(action: ForwardAction, forwards: readonly Forward[], autoHostRewrite: boolean, policies: RoutePolicies | undefined): boolean {
  if (action.autoHostRewrite !== autoHostRewrite || action.forwards.length !== forwards.length || action.policies !== policies) return false;
  for (let i = 0; i < forwards.length; i++) {
    const a = action.forwards[i] as Forward;
    const b = forwards[i] as Forward;
    if (a.cluster !== b.cluster || a.weight !== b.weight || a.meshCluster !== b.meshCluster) return false;
  }
  return true;
}

/**
 * Plain forward actions (no path or Host rewrite literal, no mirror) shared by the rules of one
 * host that forward alike. Many rules forward to the same backends: sharing one immutable action
 * value among them changes no output (the IR is data, and equal values serialise alike), but the
 * xDS translator then builds and encodes each action once per route table instead of once per
 * rule, and a large gateway keeps far fewer objects alive while it is translated.
 */
export class PlainForwards {
  /**
   * The first action made for each first cluster name. One candidate per name, not every content
   * seen: a rule whose content differs just gets its own action, so rules that all differ cost
   * one map entry each and never a search.
   */
  private readonly byFirstCluster = new Map<string, ForwardAction>();

  /** A plain action for collapsed `forwards`: the shared one when it has this content. */
  action(forwards: readonly Forward[], autoHostRewrite: boolean, policies?: RoutePolicies): ForwardAction {
    const first = forwards[0]?.cluster ?? '';
    const known = this.byFirstCluster.get(first);
    if (known !== undefined && sameContent(known, forwards, autoHostRewrite, policies)) return known;
    const action: ForwardAction = policies ? { kind: 'forward', forwards, autoHostRewrite, policies } : { kind: 'forward', forwards, autoHostRewrite };
    if (known === undefined) this.byFirstCluster.set(first, action);
    return action;
  }
}
