import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { DataplaneInbound, DataplaneSpec } from '../api/dataplane.js';
import type { ZoneIngressSpec } from '../api/zone-ingress.js';
import { MemoryStore } from '../core/memory-store.js';
import type { ResourceInput } from '../core/resource.js';
import { AvailableServicesWriter, zoneAvailableServices } from './zone-ingress-services.js';

const silent = pino({ level: 'silent' });

function sidecar(name: string, inbound: DataplaneInbound[], labels?: Record<string, string>, mesh = 'default'): ResourceInput<'Dataplane'> {
  const spec: DataplaneSpec = { networking: { address: '10.0.0.1', inbound } };
  return { kind: 'Dataplane', mesh, name, spec, ...(labels ? { labels } : {}) };
}

function ingress(name: string, spec: ZoneIngressSpec = { networking: { address: '10.0.0.10', port: 10001 } }): ResourceInput<'ZoneIngress'> {
  return { kind: 'ZoneIngress', mesh: name, name, spec };
}

const backend = (ready = true): DataplaneInbound => ({ port: 8080, tags: { 'kuma.io/service': 'backend', version: 'v1' }, ...(ready ? {} : { health: { ready: false } }) });

describe('zoneAvailableServices (docs/multizone.md "Available services")', () => {
  const meta = { version: '1', creationTime: '', modificationTime: '' };
  it('counts the zone’s own healthy inbounds and the cross-mesh listeners of its gateways, sorted by mesh', () => {
    const dataplanes = [
      { ...sidecar('b-1', [backend()]), ...meta },
      { ...sidecar('b-2', [backend()]), ...meta },
      { ...sidecar('b-3', [backend(false)]), ...meta },
      // A copy of another zone's Dataplane never counts.
      { ...sidecar('b-remote', [backend()], { 'kuma.io/origin': 'zone', 'kuma.io/zone': 'zone-2' }), ...meta },
      { kind: 'Dataplane' as const, mesh: 'aaa', name: 'edge-1', spec: { networking: { address: '10.0.0.2', gateway: { type: 'BUILTIN' as const, tags: { 'kuma.io/service': 'edge' } } } }, ...meta },
    ];
    const gateways = [
      {
        kind: 'MeshGateway' as const,
        mesh: 'aaa',
        name: 'edge',
        spec: { selectors: [{ match: { 'kuma.io/service': 'edge' } }], conf: { listeners: [{ port: 8080, protocol: 'HTTP', hostname: '', tags: {}, crossMesh: true }] } } as never,
        ...meta,
      },
    ];
    expect(zoneAvailableServices('zone-1', dataplanes, gateways)).toEqual([
      { mesh: 'aaa', instances: 1, tags: { 'kuma.io/mesh': 'aaa', 'kuma.io/service': 'edge' } },
      { mesh: 'default', instances: 2, tags: { 'kuma.io/service': 'backend', version: 'v1' } },
    ]);
  });
});

describe('AvailableServicesWriter', () => {
  let stop: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await stop?.();
    stop = undefined;
  });

  async function started(store: MemoryStore): Promise<AvailableServicesWriter> {
    const writer = new AvailableServicesWriter({ store, zone: 'zone-1', logger: silent, intervalMs: 60_000 });
    stop = await writer.start();
    return writer;
  }

  it('writes the list into its own ingresses, not into other zones’ copies, and only when it differs', async () => {
    const store = new MemoryStore({ logger: silent });
    await store.put(sidecar('b-1', [backend()]));
    await store.put(ingress('own'));
    await store.put(ingress('named-own', { zone: 'zone-1', networking: { address: '10.0.0.11', port: 10001 } }));
    await store.put(ingress('remote-copy', { zone: 'zone-2', networking: { address: '10.1.0.10', port: 10001 } }));
    const writer = await started(store);
    await writer.tick();
    const want = [{ mesh: 'default', instances: 1, tags: { 'kuma.io/service': 'backend', version: 'v1' } }];
    for (const name of ['own', 'named-own']) expect((await store.get({ kind: 'ZoneIngress', mesh: name, name }))?.spec.availableServices).toEqual(want);
    expect((await store.get({ kind: 'ZoneIngress', mesh: 'remote-copy', name: 'remote-copy' }))?.spec.availableServices).toBeUndefined();

    // Nothing changed: no write, the version stays.
    const before = (await store.get({ kind: 'ZoneIngress', mesh: 'own', name: 'own' }))!.version;
    await writer.tick();
    expect((await store.get({ kind: 'ZoneIngress', mesh: 'own', name: 'own' }))!.version).toBe(before);

    // An inbound turns unhealthy, another instance joins: the next tick follows.
    await store.put(sidecar('b-1', [backend(false)]));
    await store.put(sidecar('b-2', [backend(), { port: 9090, tags: { 'kuma.io/service': 'metrics' } }]));
    await writer.tick();
    expect((await store.get({ kind: 'ZoneIngress', mesh: 'own', name: 'own' }))?.spec.availableServices?.map((s) => [s.tags['kuma.io/service'], s.instances])).toEqual([
      ['backend', 1],
      ['metrics', 1],
    ]);
  });

  it('keeps the rest of the ingress (networking, labels) and corrects a list someone else wrote', async () => {
    const store = new MemoryStore({ logger: silent });
    await store.put({ ...ingress('own'), labels: { team: 'edge' } });
    await store.put(sidecar('b-1', [backend()]));
    const writer = await started(store);
    await writer.tick();
    await store.put({ ...ingress('own', { networking: { address: '10.0.0.10', port: 10001 }, availableServices: [{ tags: { 'kuma.io/service': 'bogus' }, instances: 9 }] }), labels: { team: 'edge' } });
    await writer.tick();
    const stored = await store.get({ kind: 'ZoneIngress', mesh: 'own', name: 'own' });
    expect(stored?.labels).toEqual({ team: 'edge' });
    expect(stored?.spec.networking).toEqual({ address: '10.0.0.10', port: 10001 });
    expect(stored?.spec.availableServices).toEqual([{ mesh: 'default', instances: 1, tags: { 'kuma.io/service': 'backend', version: 'v1' } }]);
  });

  it('does not clobber a write that lands between its read and its write', async () => {
    const store = new MemoryStore({ logger: silent });
    await store.put(ingress('own'));
    await store.put(sidecar('b-1', [backend()]));
    const writer = await started(store);
    // A user's write commits while the writer holds the old version: its conditional put loses.
    const realPut = store.put.bind(store);
    let raced = false;
    store.put = (async (resource: ResourceInput, options?: { expectedVersion?: string }) => {
      if (!raced && resource.kind === 'ZoneIngress') {
        raced = true;
        await realPut(ingress('own', { networking: { address: '192.168.1.1', port: 10002 } }));
      }
      return realPut(resource as never, options);
    }) as typeof store.put;
    await writer.tick();
    const afterRace = await store.get({ kind: 'ZoneIngress', mesh: 'own', name: 'own' });
    expect(afterRace?.spec.networking).toEqual({ address: '192.168.1.1', port: 10002 });
    expect(afterRace?.spec.availableServices).toBeUndefined();
    // The next tick writes the list on top of the user's version.
    await writer.tick();
    const settled = await store.get({ kind: 'ZoneIngress', mesh: 'own', name: 'own' });
    expect(settled?.spec.networking).toEqual({ address: '192.168.1.1', port: 10002 });
    expect(settled?.spec.availableServices).toHaveLength(1);
  });

  it('follows changes made while it loads, and a new ingress gets the list on the next tick', async () => {
    const store = new MemoryStore({ logger: silent });
    const writer = new AvailableServicesWriter({ store, zone: 'zone-1', logger: silent, intervalMs: 60_000 });
    const starting = writer.start();
    await store.put(sidecar('b-1', [backend()]));
    stop = await starting;
    await store.put(ingress('late'));
    await writer.tick();
    expect((await store.get({ kind: 'ZoneIngress', mesh: 'late', name: 'late' }))?.spec.availableServices).toHaveLength(1);
  });

  it('ticks by itself every interval', async () => {
    const store = new MemoryStore({ logger: silent });
    await store.put(ingress('own'));
    const writer = new AvailableServicesWriter({ store, zone: 'zone-1', logger: silent, intervalMs: 20 });
    stop = await writer.start();
    await store.put(sidecar('b-1', [backend()]));
    await expect.poll(async () => (await store.get({ kind: 'ZoneIngress', mesh: 'own', name: 'own' }))?.spec.availableServices?.length, { timeout: 2_000 }).toBe(1);
  });
});
