// docs/gateway.md §2.16: connection policy matching, one table per rule. Policies are plain objects in
// the shape of stored resources; only name, creation time and selectors matter.
import { describe, expect, it } from 'vitest';
import type { Tags } from '../api/tags.js';
import { destinationWinner, matchesAny, matchesTags, routeLevelPolicy, sourceCandidates, type MatchablePolicy } from './connection-policies.js';

function policy(name: string, day: number, sources: Tags[], destinations: Tags[]): MatchablePolicy {
  return {
    name,
    creationTime: `2024-01-${String(day).padStart(2, '0')}T00:00:00.000Z`,
    spec: { sources: sources.map((match) => ({ match })), destinations: destinations.map((match) => ({ match })) },
  };
}

const ANY = { 'kuma.io/service': '*' };
const EDGE = { 'kuma.io/service': 'edge' };
const LISTENER = { 'kuma.io/service': 'edge', port: 'http/8080', team: 'web' };
const SHOP = { 'kuma.io/service': 'shop' };

/** The winner's name for a destination seen from `source`. */
function winnerFor(policies: MatchablePolicy[], source: Tags, destination: Tags): string | undefined {
  return destinationWinner(sourceCandidates(policies, matchesTags(source)), destination)?.name;
}

describe('docs/gateway.md §2.16 step 1: source selectors against the listener tags', () => {
  it.each<[string, MatchablePolicy[], string | undefined]>([
    ['a wildcard source matches', [policy('all', 1, [ANY], [ANY])], 'all'],
    ['a source naming another service does not', [policy('other', 1, [{ 'kuma.io/service': 'other' }], [ANY])], undefined],
    ['a source needing a tag the listener lacks does not', [policy('zone', 1, [{ ...EDGE, 'kuma.io/zone': 'east' }], [ANY])], undefined],
    ['any one matching source is enough', [policy('either', 1, [{ 'kuma.io/service': 'other' }, EDGE], [ANY])], 'either'],
  ])('%s', (_, policies, expected) => {
    expect(winnerFor(policies, LISTENER, SHOP)).toBe(expected);
  });

  it('a sidecar source matches through any of its inbounds', () => {
    const candidates = sourceCandidates([policy('web', 1, [{ 'kuma.io/service': 'web' }], [ANY])], matchesAny([{ 'kuma.io/service': 'admin' }, { 'kuma.io/service': 'web' }]));
    expect(candidates.map((c) => c.policy.name)).toEqual(['web']);
  });

  it('the best matching source selector gives the source rank', () => {
    const [c] = sourceCandidates([policy('p', 1, [ANY, { ...EDGE, port: 'http/8080' }, EDGE], [ANY])], matchesTags(LISTENER));
    expect(c?.rank).toEqual({ exact: 2, wildcard: 0 });
  });
});

describe('docs/gateway.md §2.16 step 2: the destination winner', () => {
  it.each<[string, MatchablePolicy[], Tags, string | undefined]>([
    ['no destination matches', [policy('p', 1, [ANY], [{ 'kuma.io/service': 'api' }])], SHOP, undefined],
    ['an exact destination beats a wildcard one', [policy('exact', 1, [ANY], [SHOP]), policy('wild', 2, [ANY], [ANY])], SHOP, 'exact'],
    ['an exact source beats a wildcard source', [policy('edge', 1, [EDGE], [ANY]), policy('any', 2, [ANY], [ANY])], SHOP, 'edge'],
    ['more tags beat fewer, whatever their kind', [policy('two-wild', 1, [{ 'kuma.io/service': '*', team: '*' }], [ANY]), policy('one-exact', 2, [EDGE], [ANY])], SHOP, 'two-wild'],
    ['equal totals: more exact tags win', [policy('wild-team', 2, [{ 'kuma.io/service': 'edge', team: '*' }], [ANY]), policy('exact-team', 1, [{ 'kuma.io/service': 'edge', team: 'web' }], [ANY])], SHOP, 'exact-team'],
    // (2,0)+(1,0) against (0,1)+(2,0): three tags each, three exact against two.
    ['source and destination ranks add up', [policy('src', 1, [{ ...EDGE, team: 'web' }], [SHOP]), policy('dst', 2, [ANY], [{ ...SHOP, version: 'v1' }])], { ...SHOP, version: 'v1' }, 'src'],
    ['equal combined ranks from different sides: the newer', [policy('src', 1, [{ ...EDGE, team: 'web' }], [ANY]), policy('dst', 2, [ANY], [{ ...SHOP, version: 'v1' }])], { ...SHOP, version: 'v1' }, 'dst'],
    ['equal ranks: the newer policy wins', [policy('old', 1, [ANY], [ANY]), policy('new', 2, [ANY], [ANY])], SHOP, 'new'],
    ['equal ranks and times: the smaller name wins [D10]', [policy('b', 1, [ANY], [ANY]), policy('a', 1, [ANY], [ANY])], SHOP, 'a'],
    ['a destination tag the backend lacks does not match', [policy('v2', 1, [ANY], [{ ...SHOP, version: 'v2' }])], SHOP, undefined],
  ])('%s', (_, policies, destination, expected) => {
    expect(winnerFor(policies, LISTENER, destination)).toBe(expected);
  });

  it('does not depend on the order policies are listed in', () => {
    const list = [policy('a', 1, [ANY], [ANY]), policy('b', 1, [ANY], [ANY]), policy('c', 3, [EDGE], [SHOP])];
    expect(winnerFor(list, LISTENER, SHOP)).toBe('c');
    expect(winnerFor([...list].reverse(), LISTENER, SHOP)).toBe('c');
    expect(winnerFor(list.slice(0, 2), LISTENER, SHOP)).toBe('a');
    expect(winnerFor(list.slice(0, 2).reverse(), LISTENER, SHOP)).toBe('a');
  });
});

describe('docs/gateway.md §2.16 step 3: one policy for a route over several destinations', () => {
  const API = { 'kuma.io/service': 'api' };
  const all = policy('all', 1, [ANY], [ANY]);
  const shopOld = policy('shop-old', 1, [ANY], [SHOP]);
  const shop = policy('shop', 5, [ANY], [SHOP]);
  const api = policy('api', 3, [ANY], [API]);
  it.each<[string, { destination: Tags; policy: MatchablePolicy }[], string | undefined]>([
    ['one destination: its winner', [{ destination: SHOP, policy: shop }], 'shop'],
    ['a wildcard winner excludes service winners, even older ones', [{ destination: SHOP, policy: shopOld }, { destination: API, policy: all }], 'all'],
    ['a wildcard winner is chosen although the cluster has another', [{ destination: SHOP, policy: shop }, { destination: API, policy: all }], 'all'],
    ['no wildcard winner: the oldest service winner', [{ destination: SHOP, policy: shop }, { destination: API, policy: api }], 'api'],
    ['the same policy for every destination', [{ destination: SHOP, policy: all }, { destination: API, policy: all }], 'all'],
    ['no winners: no policy', [], undefined],
  ])('%s', (_, winners, expected) => {
    expect(routeLevelPolicy(winners)?.name).toBe(expected);
  });

  it('equal creation times: the smaller name', () => {
    const b = policy('b', 2, [ANY], [SHOP]);
    const a = policy('a', 2, [ANY], [API]);
    expect(routeLevelPolicy([{ destination: SHOP, policy: b }, { destination: API, policy: a }])?.name).toBe('a');
  });

  it('a winner counts only under selectors naming its destination or `*`', () => {
    // `multi` won for shop through its shop selector; its api selector does not make it a candidate for `*`.
    const multi = policy('multi', 9, [ANY], [SHOP, API]);
    expect(routeLevelPolicy([{ destination: SHOP, policy: multi }, { destination: API, policy: api }])?.name).toBe('api');
  });
});
