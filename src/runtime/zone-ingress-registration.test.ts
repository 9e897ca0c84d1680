import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../core/memory-store.js';
import { resolveZoneIngress, zoneIngressKey } from './zone-ingress-registration.js';

const silent = pino({ level: 'silent' });
const standalone = { mode: 'zone', zone: 'zone-1', federated: false } as const;
const federated = { mode: 'zone', zone: 'zone-1', federated: true } as const;

const FILE = 'type: ZoneIngress\nname: ingress-1\nnetworking:\n  address: 192.168.0.10\n  port: 10001\n  advertisedAddress: 34.1.2.3\n  advertisedPort: 10001\n';

describe('resolveZoneIngress (docs/multizone.md "Registration: running an ingress")', () => {
  it('registers the inline ZoneIngress under mesh = name = its name, and answers its bootstrap facts', async () => {
    const store = new MemoryStore({ logger: silent });
    expect(await resolveZoneIngress(store, { name: 'ingress-1', dataplaneResource: FILE }, 'zone-1', standalone)).toEqual({ ok: true, service: 'ingress', isGateway: false, address: '192.168.0.10' });
    const stored = await store.get(zoneIngressKey('ingress-1'));
    expect(stored?.spec).toEqual({ networking: { address: '192.168.0.10', port: 10001, advertisedAddress: '34.1.2.3', advertisedPort: 10001 } });
  });

  it('leaves zone empty and keeps the available services the control plane wrote; an unchanged file writes nothing', async () => {
    const store = new MemoryStore({ logger: silent });
    await resolveZoneIngress(store, { name: 'ingress-1', dataplaneResource: FILE }, 'zone-1', standalone);
    const first = (await store.get(zoneIngressKey('ingress-1')))!;
    const services = [{ mesh: 'default', instances: 2, tags: { 'kuma.io/service': 'backend' } }];
    const written = await store.put({ ...zoneIngressKey('ingress-1'), spec: { ...first.spec, availableServices: services } }, { expectedVersion: first.version });
    const file = `${FILE}zone: zone-9\navailableServices:\n- tags: {kuma.io/service: bogus}\n  instances: 7\n`;
    expect(await resolveZoneIngress(store, { name: 'ingress-1', dataplaneResource: file }, 'zone-1', standalone)).toMatchObject({ ok: true });
    const after = (await store.get(zoneIngressKey('ingress-1')))!;
    expect(after.version).toBe(written.version);
    expect(after.spec.zone).toBeUndefined();
    expect(after.spec.availableServices).toEqual(services);
    // A changed address is written, the services still kept.
    await resolveZoneIngress(store, { name: 'ingress-1', dataplaneResource: FILE.replace('192.168.0.10', '192.168.0.11') }, 'zone-1', standalone);
    const moved = (await store.get(zoneIngressKey('ingress-1')))!;
    expect([moved.spec.networking?.address, moved.spec.availableServices]).toEqual(['192.168.0.11', services]);
  });

  it('stamps origin and zone on a federated zone, as the REST API does', async () => {
    const store = new MemoryStore({ logger: silent });
    await resolveZoneIngress(store, { name: 'ingress-1', dataplaneResource: FILE }, 'zone-1', federated);
    expect((await store.get(zoneIngressKey('ingress-1')))?.labels).toEqual({ 'kuma.io/origin': 'zone', 'kuma.io/zone': 'zone-1' });
    const claimsOther = `${FILE}labels:\n  kuma.io/zone: zone-2\n`;
    expect(await resolveZoneIngress(store, { name: 'ingress-2', dataplaneResource: claimsOther.replace('ingress-1', 'ingress-2') }, 'zone-1', federated)).toEqual({
      ok: false,
      status: 422,
      message: 'labels["kuma.io/zone"]: kuma.io/zone label should have zone-1 value',
    });
  });

  it.each([
    ['invalid YAML', '{', /not valid YAML or JSON/],
    ['another kind', 'type: Dataplane\nmesh: default\nname: ingress-1\nnetworking: {address: 10.0.0.1, inbound: [{port: 1, tags: {kuma.io/service: a}}]}\n', /has kind Dataplane, expected ZoneIngress/],
    ['another name', FILE.replace('ingress-1', 'ingress-2'), /ingress-2 does not match the request ingress-1/],
    ["Kuma's validation", 'type: ZoneIngress\nname: ingress-1\nnetworking: {address: 10.0.0.1, port: 10001, advertisedPort: 10001}\n', /networking.advertisedAddress: has to be defined with advertisedPort/],
  ])('refuses %s with 422', async (_name, file, message) => {
    const store = new MemoryStore({ logger: silent });
    const resolved = await resolveZoneIngress(store, { name: 'ingress-1', dataplaneResource: file }, 'zone-1', standalone);
    expect(resolved).toMatchObject({ ok: false, status: 422, message: expect.stringMatching(message) });
    expect(await store.get(zoneIngressKey('ingress-1'))).toBeUndefined();
  });

  it('finds a stored ingress without a file (404 before it exists), and refuses to take over another zone’s copy', async () => {
    const store = new MemoryStore({ logger: silent });
    expect(await resolveZoneIngress(store, { name: 'ingress-1' }, 'zone-1', standalone)).toEqual({ ok: false, status: 404, message: 'ZoneIngress ingress-1 not found' });
    await store.put({ ...zoneIngressKey('copy'), spec: { zone: 'zone-2', networking: { address: '10.1.0.1', port: 10001 } } });
    expect(await resolveZoneIngress(store, { name: 'copy', dataplaneResource: FILE.replace('ingress-1', 'copy') }, 'zone-1', standalone)).toMatchObject({ ok: false, status: 422 });
  });
});
