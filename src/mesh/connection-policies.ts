// Matching of Kuma's classic connection policies (docs/gateway.md §2.16), shared by every proxy type:
// a policy is a candidate for a source when one of its `sources[]` selectors matches it, the
// candidate whose destination selector matches a destination best wins there, and settings that
// belong to a whole route pick one policy among its destinations' winners. Pure and deterministic.
import { SERVICE_TAG, type Selector, type Tags } from '../api/tags.js';
import type { StoredResource } from '../core/resource.js';
import { compareRanks, selectorMatches, selectorRank, type SelectorRank } from './selectors.js';

/** The classic connection policy kinds matched by source and destination, in one place. */
export const CONNECTION_POLICY_KINDS = ['Timeout', 'Retry', 'CircuitBreaker', 'HealthCheck', 'FaultInjection', 'RateLimit', 'TrafficLog'] as const;

/** One connection policy kind. */
export type ConnectionPolicyKind = (typeof CONNECTION_POLICY_KINDS)[number];

/** Every connection policy of a mesh, by kind; a missing kind has none. */
export type ConnectionPolicies = { readonly [K in ConnectionPolicyKind]?: readonly StoredResource<K>[] };

/** The policy of each kind that won for one destination; a missing kind has no winner. */
export type PolicyWinners = { readonly [K in ConnectionPolicyKind]?: StoredResource<K> };

/** True for a connection policy kind. */
export function isConnectionPolicyKind(kind: string): kind is ConnectionPolicyKind {
  return (CONNECTION_POLICY_KINDS as readonly string[]).includes(kind);
}

/** The connection policies of one mesh, read with `list` (a mirror's or a resource list's). */
export function connectionPoliciesOf(list: <K extends ConnectionPolicyKind>(kind: K) => readonly StoredResource<K>[]): ConnectionPolicies {
  const out: { [K in ConnectionPolicyKind]?: readonly StoredResource<K>[] } = {};
  for (const kind of CONNECTION_POLICY_KINDS) {
    const policies = list(kind);
    if (policies.length > 0) (out as Record<string, unknown>)[kind] = policies;
  }
  return out;
}

/** What matching reads of a policy. */
export interface MatchablePolicy {
  readonly name: string;
  readonly creationTime: string;
  readonly spec: { readonly sources: readonly Selector[]; readonly destinations: readonly Selector[] };
}

/** A policy that applies to a source, with its best source rank (step 1). */
export interface SourceCandidate<P extends MatchablePolicy> {
  readonly policy: P;
  readonly rank: SelectorRank;
}

/** The best rank among `selectors` that `matches`, or undefined when none does. */
function bestRank(selectors: readonly Selector[], matches: (match: Tags) => boolean): SelectorRank | undefined {
  let best: SelectorRank | undefined;
  for (const s of selectors) {
    if (!matches(s.match)) continue;
    const rank = selectorRank(s.match);
    if (best === undefined || compareRanks(rank, best) > 0) best = rank;
  }
  return best;
}

/**
 * Step 1: the policies one of whose sources matches. `sourceMatches` tests a selector against the
 * source: a gateway listener's merged tags, or any inbound of a sidecar.
 */
export function sourceCandidates<P extends MatchablePolicy>(policies: readonly P[], sourceMatches: (match: Tags) => boolean): SourceCandidate<P>[] {
  const out: SourceCandidate<P>[] = [];
  for (const policy of policies) {
    const rank = bestRank(policy.spec.sources, sourceMatches);
    if (rank !== undefined) out.push({ policy, rank });
  }
  return out;
}

/** Source rank plus destination rank, component-wise. */
function combined(a: SelectorRank, b: SelectorRank): SelectorRank {
  return { exact: a.exact + b.exact, wildcard: a.wildcard + b.wildcard };
}

/** Positive when `a` was created later; between equal times, when `a` has the smaller name [D10]. */
function newerFirst(a: MatchablePolicy, b: MatchablePolicy): number {
  if (a.creationTime !== b.creationTime) return a.creationTime > b.creationTime ? 1 : -1;
  return a.name < b.name ? 1 : a.name > b.name ? -1 : 0;
}

/** Positive when `a` was created earlier; between equal times, when `a` has the smaller name. */
function olderFirst(a: MatchablePolicy, b: MatchablePolicy): number {
  if (a.creationTime !== b.creationTime) return a.creationTime < b.creationTime ? 1 : -1;
  return a.name < b.name ? 1 : a.name > b.name ? -1 : 0;
}

/**
 * Step 2: the winner for one destination: highest combined rank, then the most recently created,
 * then the smaller name. Undefined when no candidate's destinations match.
 */
export function destinationWinner<P extends MatchablePolicy>(candidates: readonly SourceCandidate<P>[], destination: Tags): P | undefined {
  let winner: P | undefined;
  let winnerRank: SelectorRank | undefined;
  for (const c of candidates) {
    const destinationRank = bestRank(c.policy.spec.destinations, (match) => selectorMatches(match, destination));
    if (destinationRank === undefined) continue;
    const rank = combined(c.rank, destinationRank);
    const order = winnerRank === undefined ? 1 : compareRanks(rank, winnerRank);
    if (order > 0 || (order === 0 && newerFirst(c.policy, winner as P) > 0)) {
      winner = c.policy;
      winnerRank = rank;
    }
  }
  return winner;
}

/** One destination of a route and the policy that won for it. */
export interface DestinationWinner<P extends MatchablePolicy> {
  readonly destination: Tags;
  readonly policy: P;
}

/**
 * Step 3: the one policy of a route. Each winner counts under the services its destination
 * selectors name that are the destination's service or `*`; when some winner counts under `*`,
 * only those are candidates. The oldest candidate wins, then the smaller name.
 */
export function routeLevelPolicy<P extends MatchablePolicy>(winners: readonly DestinationWinner<P>[]): P | undefined {
  const wildcard: P[] = [];
  const all: P[] = [];
  for (const { destination, policy } of winners) {
    const service = destination[SERVICE_TAG];
    let counted = false;
    for (const s of policy.spec.destinations) {
      const value = s.match[SERVICE_TAG];
      if (value === '*') {
        wildcard.push(policy);
        counted = true;
      } else if (value !== undefined && value === service) counted = true;
    }
    if (counted) all.push(policy);
  }
  const candidates = wildcard.length > 0 ? wildcard : all;
  let oldest: P | undefined;
  for (const p of candidates) if (oldest === undefined || olderFirst(p, oldest) > 0) oldest = p;
  return oldest;
}

/** The winners of every kind for destinations seen from one source. */
export class SourcePolicies {
  private readonly candidates: { readonly [K in ConnectionPolicyKind]?: readonly SourceCandidate<StoredResource<K>>[] };

  constructor(policies: ConnectionPolicies, sourceMatches: (match: Tags) => boolean) {
    const candidates: { [K in ConnectionPolicyKind]?: SourceCandidate<StoredResource<K>>[] } = {};
    for (const kind of CONNECTION_POLICY_KINDS) {
      const list: readonly MatchablePolicy[] | undefined = policies[kind];
      if (list !== undefined && list.length > 0) (candidates as Record<string, unknown>)[kind] = sourceCandidates(list, sourceMatches);
    }
    this.candidates = candidates;
  }

  /** True when no policy of any kind applies to this source. */
  empty(): boolean {
    return CONNECTION_POLICY_KINDS.every((k) => (this.candidates[k]?.length ?? 0) === 0);
  }

  /** The winner of each kind for `destination`. */
  winners(destination: Tags): PolicyWinners {
    const out: { [K in ConnectionPolicyKind]?: StoredResource<K> } = {};
    for (const kind of CONNECTION_POLICY_KINDS) {
      const list = this.candidates[kind];
      if (list === undefined || list.length === 0) continue;
      const winner = destinationWinner(list as readonly SourceCandidate<MatchablePolicy>[], destination);
      if (winner !== undefined) (out as Record<string, unknown>)[kind] = winner;
    }
    return out;
  }
}

/** A selector test against one tag set (a gateway listener's merged tags). */
export function matchesTags(tags: Tags): (match: Tags) => boolean {
  return (match) => selectorMatches(match, tags);
}

/** A selector test against any of several tag sets (a sidecar's inbounds). */
export function matchesAny(tagSets: readonly Tags[]): (match: Tags) => boolean {
  return (match) => tagSets.some((tags) => selectorMatches(match, tags));
}
