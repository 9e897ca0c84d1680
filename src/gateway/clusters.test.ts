import { describe, expect, it } from 'vitest';
import { clusterName, UNRESOLVED_BACKEND } from '../ir/names.js';
import { ClusterRegistry, upstreamProtocol } from './clusters.js';
import { indexEndpoints } from '../mesh/endpoints.js';
import { tagsKey } from '../mesh/tag-maps.js';
import { storedResource } from './testdata/load-case.js';

const LISTENER = { 'kuma.io/service': 'gw', port: 'http/80' };
const KEY = tagsKey(LISTENER);

describe('upstreamProtocol (docs/gateway.md §2.15)', () => {
  it.each([
    ['http', 'tcp', 'http'],
    ['http2', 'http', 'http2'],
    ['grpc', 'http', 'grpc'],
    ['tcp', 'http', 'tcp'],
    ['kafka', 'http', 'tcp'],
    ['unknown', 'http', 'http'],
    [undefined, 'http', 'http'],
    [undefined, 'tcp', 'tcp'],
  ] as const)('kuma.io/protocol %s with route protocol %s -> %s', (tag, route, expected) => {
    const destination: Record<string, string> = { 'kuma.io/service': 's' };
    if (tag !== undefined) destination['kuma.io/protocol'] = tag;
    expect(upstreamProtocol(destination, route)).toBe(expected);
  });
});

describe('ClusterRegistry', () => {
  it('shares one cluster between destinations giving the same name, and names the unresolved backend literally', () => {
    const registry = new ClusterRegistry();
    const a = registry.nameFor({ version: 'v1', 'kuma.io/service': 'shop' }, LISTENER, KEY, 'http');
    const b = registry.nameFor({ 'kuma.io/service': 'shop', version: 'v1' }, LISTENER, KEY, 'http');
    const u = registry.nameFor({ 'kuma.io/service': UNRESOLVED_BACKEND }, LISTENER, KEY, 'http');
    expect(a).toBe(b);
    expect(a).toBe(clusterName({ 'kuma.io/service': 'shop', version: 'v1' }, LISTENER));
    expect(u).toBe(UNRESOLVED_BACKEND);
    const clusters = registry.clusters(new Map());
    expect(clusters.map((c) => [c.name, c.service, c.protocol, Object.keys(c.destination)])).toEqual([
      [a, 'shop', 'http', ['kuma.io/service', 'version']],
    ]);
  });
});

describe('endpoints (docs/gateway.md §2.15)', () => {
  const dp = (name: string, networking: Record<string, unknown>) => storedResource<'Dataplane'>({ type: 'Dataplane', name, networking });
  const dataplanes = [
    dp('b', { address: '10.0.0.2', advertisedAddress: '1.1.1.1', inbound: [{ port: 80, servicePort: 8080, tags: { 'kuma.io/service': 'shop', version: 'v2' } }] }),
    dp('a', { address: '10.0.0.1', inbound: [{ port: 81, address: '10.5.5.5', tags: { 'kuma.io/service': 'shop', version: 'v1' } }] }),
    dp('c', { address: '10.0.0.3', inbound: [{ port: 80, tags: { 'kuma.io/service': 'other' } }] }),
    dp('gw', { address: '10.0.0.9', gateway: { type: 'BUILTIN', tags: { 'kuma.io/service': 'shop' } } }),
    storedResource<'Dataplane'>({ type: 'Dataplane', mesh: 'm2', name: 'x', networking: { address: '10.0.0.7', inbound: [{ port: 1, tags: { 'kuma.io/service': 'shop' } }] } }),
  ];

  it('indexes only the requested services of the mesh, sorted, without the service tag', () => {
    const index = indexEndpoints(dataplanes, 'default', new Set(['shop']));
    expect([...index.keys()]).toEqual(['shop']);
    expect(index.get('shop')?.map((e) => e.endpoint)).toEqual([
      { address: '1.1.1.1', port: 80, tags: { version: 'v2' } },
      { address: '10.5.5.5', port: 81, tags: { version: 'v1' } },
    ]);
  });

  it('gives each cluster the endpoints whose tags contain every destination tag', () => {
    const registry = new ClusterRegistry();
    const v1 = registry.nameFor({ 'kuma.io/service': 'shop', version: 'v1' }, LISTENER, KEY, 'http');
    registry.nameFor({ 'kuma.io/service': 'shop', version: 'v3' }, LISTENER, KEY, 'http');
    const index = indexEndpoints(dataplanes, 'default', registry.services());
    const byName = Object.fromEntries(registry.clusters(index).map((c) => [c.name, c.endpoints.map((e) => e.address)]));
    expect(byName[v1]).toEqual(['10.5.5.5']);
    expect(Object.values(byName)).toContainEqual([]);
  });
});
