import { describe, expect, it } from 'vitest';
import type { DataplaneInbound } from '../api/dataplane.js';
import type { AvailableService } from '../api/zone-ingress.js';
import type { StoredResource } from '../core/resource.js';
import {
  availableServicesOf,
  healthyInboundTags,
  isHealthyInbound,
  isLocalDataplane,
  isOwnZoneIngress,
  sameAvailableServices,
  serialiseTags,
  type OfferedTags,
} from './available-services.js';

function dataplane(name: string, mesh: string, inbound: DataplaneInbound[], labels?: Record<string, string>): StoredResource<'Dataplane'> {
  return {
    kind: 'Dataplane',
    mesh,
    name,
    ...(labels ? { labels } : {}),
    spec: { networking: { address: '10.0.0.1', inbound } },
    version: '1',
    creationTime: '2026-01-01T00:00:00.000Z',
    modificationTime: '2026-01-01T00:00:00.000Z',
  };
}

const backend = (extra: Partial<DataplaneInbound> = {}): DataplaneInbound => ({ port: 8080, tags: { 'kuma.io/service': 'backend', version: 'v1', 'kuma.io/zone': 'zone-1' }, ...extra });

describe('availableServicesOf (docs/multizone.md "Available services")', () => {
  const cases: Array<{ name: string; offered: OfferedTags[]; want: AvailableService[] }> = [
    { name: 'nothing offered: an empty list', offered: [], want: [] },
    {
      name: 'equal tag sets in one mesh merge and count',
      offered: [
        { mesh: 'default', tags: { 'kuma.io/service': 'a', v: '1' } },
        { mesh: 'default', tags: { v: '1', 'kuma.io/service': 'a' } },
      ],
      want: [{ mesh: 'default', instances: 2, tags: { 'kuma.io/service': 'a', v: '1' } }],
    },
    {
      name: 'the same tags in two meshes are two entries, sorted by mesh',
      offered: [
        { mesh: 'b', tags: { 'kuma.io/service': 'a' } },
        { mesh: 'a', tags: { 'kuma.io/service': 'a' } },
      ],
      want: [
        { mesh: 'a', instances: 1, tags: { 'kuma.io/service': 'a' } },
        { mesh: 'b', instances: 1, tags: { 'kuma.io/service': 'a' } },
      ],
    },
    {
      name: 'within a mesh, sorted by the serialised tags (a subset before its superset)',
      offered: [
        { mesh: 'm', tags: { 'kuma.io/service': 'web', version: 'v2' } },
        { mesh: 'm', tags: { 'kuma.io/service': 'web' } },
        { mesh: 'm', tags: { 'kuma.io/service': 'api' } },
        { mesh: 'm', tags: { 'kuma.io/service': 'web', version: 'v1' } },
      ],
      want: [
        { mesh: 'm', instances: 1, tags: { 'kuma.io/service': 'api' } },
        { mesh: 'm', instances: 1, tags: { 'kuma.io/service': 'web' } },
        { mesh: 'm', instances: 1, tags: { 'kuma.io/service': 'web', version: 'v1' } },
        { mesh: 'm', instances: 1, tags: { 'kuma.io/service': 'web', version: 'v2' } },
      ],
    },
    {
      name: 'a key sorting before kuma.io/service decides the order',
      offered: [
        { mesh: 'm', tags: { 'kuma.io/service': 'b' } },
        { mesh: 'm', tags: { 'kuma.io/service': 'z', app: 'x' } },
      ],
      want: [
        { mesh: 'm', instances: 1, tags: { app: 'x', 'kuma.io/service': 'z' } },
        { mesh: 'm', instances: 1, tags: { 'kuma.io/service': 'b' } },
      ],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const got = availableServicesOf(c.offered);
      expect(got).toEqual(c.want);
      // Tag keys are stored in byte order, so equal lists also print equally.
      expect(got.map((s) => Object.keys(s.tags))).toEqual(c.want.map((s) => Object.keys(s.tags).sort()));
    });
  }

  it('serialises tags as k1=v1,k2=v2 with sorted keys', () => {
    expect(serialiseTags({ version: 'v1', 'kuma.io/service': 'backend', app: 'x' })).toBe('app=x,kuma.io/service=backend,version=v1');
    expect(serialiseTags({})).toBe('');
  });
});

describe('healthy inbounds (docs/multizone.md "Available services")', () => {
  it.each([
    ['no health and no state', backend(), true],
    ['health.ready true', backend({ health: { ready: true } }), true],
    ['health.ready false', backend({ health: { ready: false } }), false],
    ['state Ready', backend({ state: 'Ready' }), true],
    ['state NotReady', backend({ state: 'NotReady' }), false],
    ['state Ignored', backend({ state: 'Ignored' }), false],
  ] as const)('%s: healthy %s', (_name, inbound, healthy) => {
    expect(isHealthyInbound(inbound)).toBe(healthy);
  });

  it('backend with 2 healthy instances gives instances 2; one unhealthy gives 1', () => {
    const two = [dataplane('backend-1', 'default', [backend()]), dataplane('backend-2', 'default', [backend()])];
    const want = { mesh: 'default', tags: { 'kuma.io/service': 'backend', 'kuma.io/zone': 'zone-1', version: 'v1' } };
    expect(availableServicesOf(healthyInboundTags(two))).toEqual([{ ...want, instances: 2 }]);
    const oneDown = [dataplane('backend-1', 'default', [backend()]), dataplane('backend-2', 'default', [backend({ health: { ready: false } })])];
    expect(availableServicesOf(healthyInboundTags(oneDown))).toEqual([{ ...want, instances: 1 }]);
    const allDown = [dataplane('backend-1', 'default', [backend({ state: 'NotReady' })])];
    expect(availableServicesOf(healthyInboundTags(allDown))).toEqual([]);
  });

  it('counts every inbound of a Dataplane with several', () => {
    const dp = dataplane('multi', 'default', [backend(), { port: 9090, tags: { 'kuma.io/service': 'metrics' } }, backend({ port: 8081 })]);
    expect(availableServicesOf(healthyInboundTags([dp])).map((s) => [s.tags['kuma.io/service'], s.instances])).toEqual([
      ['backend', 2],
      ['metrics', 1],
    ]);
  });
});

describe('which Dataplanes and ZoneIngresses are the zone’s own', () => {
  it.each([
    ['no labels (made here, or before labelling)', undefined, true],
    ['origin zone, this zone', { 'kuma.io/origin': 'zone', 'kuma.io/zone': 'zone-1' }, true],
    ['origin zone, no zone label', { 'kuma.io/origin': 'zone' }, true],
    ['another zone', { 'kuma.io/origin': 'zone', 'kuma.io/zone': 'zone-2' }, false],
    ['a copy from global', { 'kuma.io/origin': 'global' }, false],
  ] as const)('Dataplane with %s: local %s', (_name, labels, local) => {
    expect(isLocalDataplane({ ...(labels ? { labels } : {}) }, 'zone-1')).toBe(local);
  });

  it.each([
    [undefined, true],
    ['', true],
    ['zone-1', true],
    ['zone-2', false],
  ] as const)('ZoneIngress with zone %s: own %s', (zone, own) => {
    expect(isOwnZoneIngress(zone === undefined ? {} : { zone }, 'zone-1')).toBe(own);
  });
});

describe('sameAvailableServices: entry by entry, in order', () => {
  const a: AvailableService = { mesh: 'm', instances: 1, tags: { 'kuma.io/service': 'a', v: '1' } };
  it.each([
    ['identical', [a], [a], true],
    ['tags in another key order', [a], [{ ...a, tags: { v: '1', 'kuma.io/service': 'a' } }], true],
    ['another count', [a], [{ ...a, instances: 2 }], false],
    ['another mesh', [a], [{ ...a, mesh: 'n' }], false],
    ['a tag more', [a], [{ ...a, tags: { ...a.tags, x: 'y' } }], false],
    ['a tag value differs', [a], [{ ...a, tags: { ...a.tags, v: '2' } }], false],
    ['another length', [a], [a, a], false],
    ['the same entries in another order', [a, { ...a, mesh: 'n' }], [{ ...a, mesh: 'n' }, a], false],
    ['absent fields equal zero values', [{ tags: { 'kuma.io/service': 'a' } }], [{ tags: { 'kuma.io/service': 'a' }, instances: 0, mesh: '', externalService: false }], true],
  ] as const)('%s: %s', (_name, x, y, same) => {
    expect(sameAvailableServices(x, y)).toBe(same);
  });
});
