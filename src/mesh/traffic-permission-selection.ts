// Which one TrafficPermission applies to a set of destination tags (docs/mesh-mtls.md §5.2): a sidecar
// inbound's tags, or an ExternalService's tags (docs/gateway.md §2.16). Exactly one policy: the one
// owning the best-ranked matching destination selector; permissions do not add up. Pure. Moved
// here from src/sidecar when gateways, too, needed it for ExternalServices.
import type { Tags } from '../api/tags.js';
import { compareBytes } from '../core/byte-order.js';
import type { StoredResource } from '../core/resource.js';
import { compareRanks, selectorMatches, selectorRank, type SelectorRank } from './selectors.js';

/** A TrafficPermission as stored. */
export type TrafficPermission = StoredResource<'TrafficPermission'>;

/** The rank of a policy's best destination selector matching `tags`, or undefined when none matches. */
function bestDestinationRank(policy: TrafficPermission, tags: Tags): SelectorRank | undefined {
  let best: SelectorRank | undefined;
  for (const destination of policy.spec.destinations) {
    if (!selectorMatches(destination.match, tags)) continue;
    const rank = selectorRank(destination.match);
    if (!best || compareRanks(rank, best) > 0) best = rank;
  }
  return best;
}

/**
 * Positive when `a` wins over `b` at equal rank: the later-created one, then (Kuma walks policies
 * sorted by name and replaces the best only on a strictly later creation) the smaller name.
 */
function compareTies(a: TrafficPermission, b: TrafficPermission): number {
  const time = Date.parse(a.creationTime) - Date.parse(b.creationTime);
  if (time !== 0) return time;
  return compareBytes(b.name, a.name);
}

/** The one TrafficPermission for destination `tags`, or undefined when none selects them. */
export function selectTrafficPermission(policies: readonly TrafficPermission[], tags: Tags): TrafficPermission | undefined {
  let winner: { policy: TrafficPermission; rank: SelectorRank } | undefined;
  for (const policy of policies) {
    const rank = bestDestinationRank(policy, tags);
    if (!rank) continue;
    const byRank = winner ? compareRanks(rank, winner.rank) : 1;
    if (byRank > 0 || (byRank === 0 && compareTies(policy, winner!.policy) > 0)) winner = { policy, rank };
  }
  return winner?.policy;
}
