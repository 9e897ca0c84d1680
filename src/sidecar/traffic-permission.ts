// Which TrafficPermission applies to an inbound, and whom it admits (mesh.md §5.2, §5.3). Exactly
// one policy per inbound: permissions do not add up, so an exact `backend` destination next to an
// `allow-all` wildcard makes the exact one the only policy of `backend`. Pure.
import { SERVICE_TAG, type Selector, type Tags } from '../api/tags.js';
import { compareBytes } from '../core/byte-order.js';
import type { StoredResource } from '../core/resource.js';
import type { InboundRbac } from '../ir/sidecar.js';
import { compareRanks, selectorMatches, selectorRank, type SelectorRank } from '../mesh/selectors.js';

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

/** The one TrafficPermission of an inbound with `tags`, or undefined when none selects it. */
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

/**
 * The principals of one source selector, all of which must hold: `kuma://<key>/<value>` per
 * exact non-service tag, ordered by key (Kuma uses map order, difference M1), then
 * `spiffe://<mesh>/<service>` for an exact service. Empty means any client of the mesh. The
 * strings are the URIs workload certificates carry (src/ca/workload-identity.ts).
 */
export function sourcePrincipals(mesh: string, source: Selector): string[] {
  const keys = Object.keys(source.match).sort(compareBytes);
  const principals: string[] = [];
  for (const key of keys) {
    const value = source.match[key]!;
    if (key !== SERVICE_TAG && value !== '*') principals.push(`kuma://${key}/${value}`);
  }
  const service = source.match[SERVICE_TAG];
  if (service !== undefined && service !== '*') principals.push(`spiffe://${mesh}/${service}`);
  return principals;
}

/** The network RBAC of an inbound with `tags`: the winning policy's sources, or deny all. */
export function inboundRbac(mesh: string, policies: readonly TrafficPermission[], tags: Tags): InboundRbac {
  const policy = selectTrafficPermission(policies, tags);
  if (!policy) return { sources: [] };
  return { policy: policy.name, sources: policy.spec.sources.map((s) => sourcePrincipals(mesh, s)) };
}
