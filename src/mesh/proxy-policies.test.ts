// The inspect view of one proxy: every place with the policies that won and lost there, which must
// be policy-status.ts's verdicts read the other way round.
import { describe, expect, it } from 'vitest';
import type { Tags } from '../api/tags.js';
import type { StoredResource } from '../core/resource.js';
import type { ConnectionPolicies } from './connection-policies.js';
import { policyStatus, type ProxyPlaces } from './policy-status.js';
import { proxyPolicies } from './proxy-policies.js';

function policy<K extends 'Timeout' | 'Retry'>(kind: K, name: string, day: number, sources: Tags[], destinations: Tags[]): StoredResource<K> {
  const time = `2024-01-${String(day).padStart(2, '0')}T00:00:00.000Z`;
  const conf = kind === 'Timeout' ? { connectTimeout: '1s' } : { http: { numRetries: 2 } };
  return {
    kind,
    mesh: 'default',
    name,
    version: '1',
    creationTime: time,
    modificationTime: time,
    spec: { sources: sources.map((match) => ({ match })), destinations: destinations.map((match) => ({ match })), conf },
  } as unknown as StoredResource<K>;
}

const ANY = { 'kuma.io/service': '*' };
const ALL = policy('Timeout', 'all', 1, [ANY], [ANY]);
const SHOP = policy('Timeout', 'shop', 2, [{ 'kuma.io/service': 'edge' }], [{ 'kuma.io/service': 'shop' }]);
const RETRY = policy('Retry', 'retry-all', 1, [ANY], [ANY]);
const POLICIES: ConnectionPolicies = { Timeout: [ALL, SHOP], Retry: [RETRY] };

const GATEWAY: ProxyPlaces = {
  proxy: 'edge-1',
  type: 'gateway',
  places: {
    sources: [[{ 'kuma.io/service': 'edge' }]],
    destinations: [
      { type: 'cluster', name: 'api-b', destination: { 'kuma.io/service': 'api' }, source: 0 },
      { type: 'cluster', name: 'shop-a', destination: { 'kuma.io/service': 'shop' }, source: 0 },
    ],
    actions: [{ forwards: ['shop-a'] }, { forwards: ['shop-a', 'api-b'] }],
    routeTables: [{ name: 'edge:HTTP:8080:*', hosts: [{ hostname: '*', routes: [['prefix /shop', 0], ['prefix /split', 1]] }] }],
  },
};

const ref = (type: string, name: string) => ({ type, mesh: 'default', name });

describe('proxyPolicies', () => {
  it('lists every place with the winners of each kind and the policies that lost there', () => {
    expect(proxyPolicies(POLICIES, GATEWAY)).toEqual([
      { type: 'cluster', name: 'api-b', destination: { 'kuma.io/service': 'api' }, matchedPolicies: { Timeout: [ref('Timeout', 'all')], Retry: [ref('Retry', 'retry-all')] } },
      {
        type: 'cluster',
        name: 'shop-a',
        destination: { 'kuma.io/service': 'shop' },
        matchedPolicies: { Timeout: [ref('Timeout', 'shop')], Retry: [ref('Retry', 'retry-all')] },
        lostPolicies: { Timeout: [{ ...ref('Timeout', 'all'), winner: 'shop' }] },
      },
      { type: 'route', name: 'edge:HTTP:8080:* * prefix /shop', matchedPolicies: { Timeout: [ref('Timeout', 'shop')], Retry: [ref('Retry', 'retry-all')] } },
      {
        type: 'route',
        name: 'edge:HTTP:8080:* * prefix /split',
        matchedPolicies: { Timeout: [ref('Timeout', 'all')], Retry: [ref('Retry', 'retry-all')] },
        lostPolicies: { Timeout: [{ ...ref('Timeout', 'shop'), winner: 'all' }] },
      },
    ]);
  });

  it('agrees with every policy status, place by place', () => {
    const view = proxyPolicies(POLICIES, GATEWAY);
    for (const p of [ALL, SHOP, RETRY]) {
      const detail = policyStatus(p.kind as 'Timeout', p, POLICIES, [GATEWAY]).details[0]!;
      const applied = view.filter((v) => Object.values(v.matchedPolicies).some((refs) => refs.some((r) => r.type === p.kind && r.name === p.name)));
      expect(applied.map((v) => ({ type: v.type, name: v.name }))).toEqual(detail.applied);
    }
  });

  it('lists the places of a proxy no policy reaches, with none', () => {
    const lonely: ProxyPlaces = { ...GATEWAY, places: { ...GATEWAY.places, sources: [[{ 'kuma.io/service': 'nobody' }]] } };
    const view = proxyPolicies({ Timeout: [SHOP] }, lonely);
    expect(view.map((v) => [v.name, v.matchedPolicies, v.lostPolicies])).toEqual([
      ['api-b', {}, undefined],
      ['shop-a', {}, undefined],
      ['edge:HTTP:8080:* * prefix /shop', {}, undefined],
      ['edge:HTTP:8080:* * prefix /split', {}, undefined],
    ]);
  });

  it('reports a place seen from several sources once, and each winner once', () => {
    const sidecar: ProxyPlaces = {
      proxy: 'web-1',
      type: 'sidecar',
      places: {
        sources: [[{ 'kuma.io/service': 'web' }], [{ 'kuma.io/service': 'admin' }]],
        destinations: [
          { type: 'cluster', name: 'shop', destination: { 'kuma.io/service': 'shop' }, source: 0 },
          { type: 'cluster', name: 'shop', destination: { 'kuma.io/service': 'shop' }, source: 1 },
        ],
        actions: [],
        routeTables: [],
      },
    };
    expect(proxyPolicies({ Timeout: [ALL] }, sidecar)).toEqual([{ type: 'cluster', name: 'shop', destination: { 'kuma.io/service': 'shop' }, matchedPolicies: { Timeout: [ref('Timeout', 'all')] } }]);
  });
});
