import { describe, expect, it } from 'vitest';
import type { StoredResource } from '../core/resource.js';
import { gatewayIdentity, selectGateway } from './select-gateway.js';
import { storedResource, type RawResource } from './testdata/load-case.js';

function proxy(tags: Record<string, string>, extra: Record<string, unknown> = {}): StoredResource<'Dataplane'> {
  return storedResource({ type: 'Dataplane', name: 'gw-1', networking: { address: '10.0.0.1', gateway: { type: 'BUILTIN', tags }, ...extra } });
}

function gateway(name: string, selectors: Record<string, string>[], more: Partial<RawResource> = {}): StoredResource<'MeshGateway'> {
  return storedResource({
    type: 'MeshGateway',
    name,
    selectors: selectors.map((match) => ({ match })),
    conf: { listeners: [{ port: 80, protocol: 'HTTP' }] },
    ...more,
  });
}

const TAGS = { 'kuma.io/service': 'edge', zone: 'east', team: 'a' };

describe('selectGateway (docs/gateway.md §2.2)', () => {
  it('requires every selector tag, with * accepting any value', () => {
    expect(selectGateway(proxy(TAGS), [gateway('g', [{ 'kuma.io/service': 'edge', zone: 'west' }])])).toBeUndefined();
    expect(selectGateway(proxy(TAGS), [gateway('g', [{ 'kuma.io/service': 'edge', missing: '*' }])])).toBeUndefined();
    expect(selectGateway(proxy(TAGS), [gateway('g', [{ 'kuma.io/service': 'edge', zone: '*' }])])?.name).toBe('g');
  });

  it('ranks by total tag count first, then exact count', () => {
    const more = gateway('a-more', [{ 'kuma.io/service': 'edge', zone: '*', team: '*' }]);
    const exact = gateway('b-exact', [{ 'kuma.io/service': 'edge', zone: 'east' }]);
    const wild = gateway('c-wild', [{ 'kuma.io/service': 'edge', zone: '*' }]);
    expect(selectGateway(proxy(TAGS), [exact, wild, more])?.name).toBe('a-more');
    expect(selectGateway(proxy(TAGS), [wild, exact])?.name).toBe('b-exact');
  });

  it("uses a gateway's best matching selector", () => {
    const twoSelectors = gateway('a', [{ 'kuma.io/service': 'other' }, { 'kuma.io/service': 'edge', zone: 'east', team: 'a' }]);
    const one = gateway('b', [{ 'kuma.io/service': 'edge', zone: 'east' }]);
    expect(selectGateway(proxy(TAGS), [one, twoSelectors])?.name).toBe('a');
  });

  it('breaks rank ties by most recent creation, then by smaller name', () => {
    const old = gateway('a-old', [{ 'kuma.io/service': 'edge' }], { creationTime: '2024-01-01T00:00:00.000Z' });
    const recent = gateway('z-recent', [{ 'kuma.io/service': 'edge' }], { creationTime: '2024-02-01T00:00:00.000Z' });
    expect(selectGateway(proxy(TAGS), [old, recent])?.name).toBe('z-recent');
    expect(selectGateway(proxy(TAGS), [recent, old])?.name).toBe('z-recent');
    const twinB = gateway('b', [{ 'kuma.io/service': 'edge' }]);
    const twinA = gateway('a', [{ 'kuma.io/service': 'edge' }]);
    expect(selectGateway(proxy(TAGS), [twinB, twinA])?.name).toBe('a');
  });

  it('tries inbound tags before gateway tags', () => {
    const dp = proxy(TAGS, { inbound: [{ port: 1, tags: { 'kuma.io/service': 'legacy' } }] });
    expect(selectGateway(dp, [gateway('g', [{ 'kuma.io/service': 'legacy' }])])?.name).toBe('g');
  });

  it('selects nothing for DELEGATED dataplanes or gateways of another mesh', () => {
    const delegated = storedResource<'Dataplane'>({
      type: 'Dataplane',
      name: 'd',
      networking: { address: '10.0.0.1', gateway: { type: 'DELEGATED', tags: TAGS } },
    });
    expect(selectGateway(delegated, [gateway('g', [{ 'kuma.io/service': 'edge' }])])).toBeUndefined();
    expect(selectGateway(proxy(TAGS), [gateway('g', [{ 'kuma.io/service': 'edge' }], { mesh: 'other' })])).toBeUndefined();
  });
});

describe('gatewayIdentity', () => {
  const mesh = storedResource<'Mesh'>({ type: 'Mesh', name: 'default' });
  const gws = [gateway('edge', [{ 'kuma.io/service': 'edge' }])];
  const input = (p: StoredResource<'Dataplane'>) => ({ mesh, proxy: p, gateways: gws, routes: [], dataplanes: [], secrets: [], files: new Map() });

  it('is equal for equal tag sets whatever their key order, and differs otherwise', () => {
    const a = gatewayIdentity(input(proxy({ 'kuma.io/service': 'edge', zone: 'east' })));
    const b = gatewayIdentity(input(proxy({ zone: 'east', 'kuma.io/service': 'edge' }, { address: '10.9.9.9' })));
    const c = gatewayIdentity(input(proxy({ 'kuma.io/service': 'edge', zone: 'west' })));
    expect(a).toBeDefined();
    expect(a).toBe(b);
    expect(c).not.toBe(a);
  });

  it('is undefined when no gateway is selected', () => {
    expect(gatewayIdentity(input(proxy({ 'kuma.io/service': 'nobody' })))).toBeUndefined();
  });
});
