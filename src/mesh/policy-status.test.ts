// Policy statuses (issue 11 item 7): where a policy won and where it lost, from recorded places and
// the docs/gateway.md §2.16 matcher. Places are built by hand here; test/feature/policy-status.test.ts covers what
// generation records, over the REST API and the CLI.
import { describe, expect, it } from 'vitest';
import type { Tags } from '../api/tags.js';
import type { StoredResource } from '../core/resource.js';
import type { ConnectionPolicies } from './connection-policies.js';
import { policyStatus, type ProxyPlaces } from './policy-status.js';

function timeout(name: string, day: number, sources: Tags[], destinations: Tags[]): StoredResource<'Timeout'> {
  const time = `2024-01-${String(day).padStart(2, '0')}T00:00:00.000Z`;
  return {
    kind: 'Timeout',
    mesh: 'default',
    name,
    version: '1',
    creationTime: time,
    modificationTime: time,
    spec: { sources: sources.map((match) => ({ match })), destinations: destinations.map((match) => ({ match })), conf: { connectTimeout: '1s' } },
  };
}

const ANY = { 'kuma.io/service': '*' };
const ALL = timeout('all', 1, [ANY], [ANY]);
const SHOP = timeout('shop', 2, [{ 'kuma.io/service': 'edge' }], [{ 'kuma.io/service': 'shop' }]);
const WEB = timeout('web', 3, [{ 'kuma.io/service': 'web' }], [ANY]);
const POLICIES: ConnectionPolicies = { Timeout: [ALL, SHOP, WEB] };

const GATEWAY: ProxyPlaces = {
  proxy: 'edge-1',
  type: 'gateway',
  places: {
    sources: [[{ 'kuma.io/service': 'edge', port: 'http/8080' }]],
    destinations: [
      { type: 'cluster', name: 'api-b', destination: { 'kuma.io/service': 'api' }, source: 0 },
      { type: 'cluster', name: 'shop-a', destination: { 'kuma.io/service': 'shop' }, source: 0 },
    ],
    actions: [{ forwards: ['shop-a'] }, { forwards: ['shop-a', 'api-b'] }],
    routeTables: [
      {
        name: 'edge:HTTP:8080:*',
        hosts: [
          {
            hostname: '*',
            routes: [
              ['prefix /shop', 0],
              ['prefix /split', 1],
            ],
          },
        ],
      },
    ],
  },
};

const SIDECAR: ProxyPlaces = {
  proxy: 'web-1',
  type: 'sidecar',
  places: {
    sources: [[{ 'kuma.io/service': 'admin' }, { 'kuma.io/service': 'web' }]],
    destinations: [
      { type: 'outbound', name: 'outbound:127.0.0.1:10001', destination: { 'kuma.io/service': 'shop' }, source: 0 },
      { type: 'cluster', name: 'shop', destination: { 'kuma.io/service': 'shop' }, source: 0 },
    ],
    actions: [],
    routeTables: [],
  },
};

describe('policyStatus', () => {
  it('lists where a wildcard policy won, and which policy won where it lost', () => {
    const status = policyStatus('Timeout', ALL, POLICIES, [SIDECAR, GATEWAY]);
    expect(status).toEqual({
      proxies: 2,
      matched: 2,
      applied: 1,
      details: [
        {
          proxy: 'edge-1',
          type: 'gateway',
          // The more specific `shop` wins the shop cluster; the split route chooses among its
          // destinations' winners the one counted under `*` (docs/gateway.md §2.16 step 3).
          applied: [
            { type: 'cluster', name: 'api-b' },
            { type: 'route', name: 'edge:HTTP:8080:* * prefix /split' },
          ],
          lost: [
            { type: 'cluster', name: 'shop-a', winner: 'shop' },
          ],
        },
        {
          proxy: 'web-1',
          type: 'sidecar',
          applied: [],
          lost: [
            { type: 'outbound', name: 'outbound:127.0.0.1:10001', winner: 'web' },
            { type: 'cluster', name: 'shop', winner: 'web' },
          ],
        },
      ],
    });
  });

  it('reports a route lost at route level although the policy won one of its clusters', () => {
    const status = policyStatus('Timeout', SHOP, POLICIES, [GATEWAY, SIDECAR]);
    expect(status.matched).toBe(1);
    expect(status.details).toEqual([
      {
        proxy: 'edge-1',
        type: 'gateway',
        applied: [
          { type: 'cluster', name: 'shop-a' },
          { type: 'route', name: 'edge:HTTP:8080:* * prefix /shop' },
        ],
        lost: [{ type: 'route', name: 'edge:HTTP:8080:* * prefix /split', winner: 'all' }],
      },
    ]);
  });

  it('leaves out proxies its sources do not match, and matches a sidecar through any inbound', () => {
    const status = policyStatus('Timeout', WEB, POLICIES, [GATEWAY, SIDECAR]);
    expect(status).toMatchObject({ proxies: 2, matched: 1, applied: 1 });
    expect(status.details.map((d) => [d.proxy, d.applied.map((p) => p.name)])).toEqual([['web-1', ['outbound:127.0.0.1:10001', 'shop']]]);
  });

  it('a matched source without a matching destination shows the proxy with no places', () => {
    const far = timeout('far', 4, [{ 'kuma.io/service': 'edge' }], [{ 'kuma.io/service': 'elsewhere' }]);
    const status = policyStatus('Timeout', far, { Timeout: [...POLICIES.Timeout!, far] }, [GATEWAY]);
    expect(status).toEqual({ proxies: 1, matched: 1, applied: 0, details: [{ proxy: 'edge-1', type: 'gateway', applied: [], lost: [] }] });
  });
});

describe('policyStatus over replicas', () => {
  it('computes the places replicas share once, and lists every replica', () => {
    const replicas: ProxyPlaces[] = ['edge-3', 'edge-1', 'edge-2'].map((proxy) => ({ ...GATEWAY, proxy }));
    let reads = 0;
    const counted: ConnectionPolicies = {
      get Timeout() {
        reads += 1;
        return POLICIES.Timeout;
      },
    };
    const status = policyStatus('Timeout', SHOP, counted, replicas);
    expect(status.details.map((d) => d.proxy)).toEqual(['edge-1', 'edge-2', 'edge-3']);
    expect(new Set(status.details.map((d) => JSON.stringify([d.applied, d.lost]))).size).toBe(1);
    // One SourcePolicies for the one listener of the shared places.
    expect(reads).toBe(1);
  });
});
