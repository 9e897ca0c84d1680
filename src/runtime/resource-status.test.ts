import { describe, expect, it } from 'vitest';
import type { StoredResource } from '../core/resource.js';
import type { ProxyDelivery } from '../gateway/status.js';
import { storedResource } from '../gateway/testdata/load-case.js';
import { TypeUrl } from '../xds/cache/resource-types.js';
import { buildSnapshot, type SnapshotInput } from '../xds/cache/snapshot.js';
import { SnapshotCache } from '../xds/cache/snapshot-cache.js';
import { cacheDelivery, ResourceStatuses, type StatusFacts } from './resource-status.js';

const gw = (name: string) =>
  storedResource<'Dataplane'>({ type: 'Dataplane', name, networking: { address: '10.0.0.1', gateway: { type: 'BUILTIN', tags: { 'kuma.io/service': 'edge' } } } });

const EDGE = storedResource<'MeshGateway'>({
  type: 'MeshGateway',
  name: 'edge',
  selectors: [{ match: { 'kuma.io/service': 'edge' } }],
  conf: { listeners: [{ port: 8080, protocol: 'HTTP' }] },
});

function facts(dataplanes: StoredResource<'Dataplane'>[]): StatusFacts {
  return {
    mesh: 'default',
    gateways: [EDGE],
    routes: [],
    dataplanes,
    translations: dataplanes.map((d) => ({ proxy: d.name, gateway: 'edge', translation: { problems: [] } })),
  };
}

/** A controllable clock and delivery source. */
function harness() {
  let now = new Date('2024-05-01T10:00:00.000Z');
  const delivery = new Map<string, ProxyDelivery>();
  const statuses = new ResourceStatuses({ delivery: (_mesh, proxy) => delivery.get(proxy) ?? { connected: false, acked: false }, now: () => now });
  const programmed = () => statuses.get('MeshGateway', 'default', 'edge')?.conditions.find((c) => c.type === 'Programmed');
  return { statuses, delivery, programmed, setNow: (iso: string) => (now = new Date(iso)) };
}

describe('ResourceStatuses', () => {
  it('reflects ACKs that arrive after the generation, stamping the transition when it is seen', () => {
    const h = harness();
    h.statuses.update('default', facts([gw('gw-1'), gw('gw-2')]));
    expect(h.programmed()).toMatchObject({ status: 'False', reason: 'Pending', lastTransitionTime: '2024-05-01T10:00:00.000Z' });

    h.setNow('2024-05-01T10:01:00.000Z');
    h.delivery.set('gw-1', { connected: true, acked: true });
    expect(h.programmed()).toMatchObject({ status: 'False', message: '1/2 proxies acknowledged the current configuration; 1 not connected' });
    expect(h.programmed()?.lastTransitionTime).toBe('2024-05-01T10:00:00.000Z');

    h.setNow('2024-05-01T10:02:00.000Z');
    h.delivery.set('gw-2', { connected: true, acked: true });
    h.statuses.refresh('default');
    h.setNow('2024-05-01T10:03:00.000Z');
    // Computed at refresh time; a later read with unchanged delivery does not recompute.
    expect(h.programmed()).toMatchObject({ status: 'True', lastTransitionTime: '2024-05-01T10:02:00.000Z' });
  });

  it('keeps transition times across generations and forgets removed meshes', () => {
    const h = harness();
    h.statuses.update('default', facts([gw('gw-1')]));
    h.setNow('2024-05-01T11:00:00.000Z');
    h.statuses.update('default', facts([gw('gw-1')]));
    expect(h.statuses.get('MeshGateway', 'default', 'edge')?.conditions.map((c) => c.lastTransitionTime)).toEqual([
      '2024-05-01T10:00:00.000Z',
      '2024-05-01T10:00:00.000Z',
    ]);
    expect(h.statuses.get('MeshGatewayRoute', 'default', 'edge')).toBeUndefined();
    h.statuses.remove('default');
    expect(h.statuses.get('MeshGateway', 'default', 'edge')).toBeUndefined();
  });
});

describe('cacheDelivery', () => {
  const bytes = (n: number) => new Uint8Array([n]);
  const input = (clusterByte: number): SnapshotInput => ({
    [TypeUrl.Cluster]: [{ name: 'c', bytes: bytes(clusterByte) }],
    [TypeUrl.ClusterLoadAssignment]: [{ name: 'c', bytes: bytes(2) }],
    [TypeUrl.Listener]: [{ name: 'l', bytes: bytes(3) }],
    [TypeUrl.RouteConfiguration]: [{ name: 'r', bytes: bytes(4) }],
  });
  const version = (snapshot: ReturnType<typeof buildSnapshot>, typeUrl: string) => snapshot.types.get(typeUrl)?.version ?? '';

  /** Send and ACK `types` of `snapshot` to the node, as the xDS server records them. */
  function deliver(cache: SnapshotCache, snapshot: ReturnType<typeof buildSnapshot>, types: string[]) {
    for (const t of types) {
      cache.delivery.recordSent('default.gw-1', t, version(snapshot, t));
      cache.delivery.recordAck('default.gw-1', t, version(snapshot, t));
    }
  }

  it('is acknowledged once CDS and LDS are ACKed at the current versions and nothing sent is unACKed', () => {
    const cache = new SnapshotCache();
    const lookup = cacheDelivery(cache);
    const first = buildSnapshot(input(1));
    cache.set('default.gw-1', first);
    cache.setReady();
    expect(lookup('default', 'gw-1')).toEqual({ connected: false, acked: false });

    cache.delivery.streamOpened('default.gw-1');
    deliver(cache, first, [TypeUrl.Cluster, TypeUrl.ClusterLoadAssignment]);
    expect(lookup('default', 'gw-1')).toEqual({ connected: true, acked: false });
    deliver(cache, first, [TypeUrl.Listener, TypeUrl.RouteConfiguration]);
    expect(lookup('default', 'gw-1')).toEqual({ connected: true, acked: true });

    // A new snapshot changes CDS: not acknowledged until its CDS is ACKed.
    const second = buildSnapshot(input(9));
    cache.set('default.gw-1', second);
    expect(lookup('default', 'gw-1').acked).toBe(false);
    deliver(cache, second, [TypeUrl.Cluster]);
    // EDS content is unchanged, so the server sends nothing new for it: still acknowledged.
    expect(lookup('default', 'gw-1').acked).toBe(true);

    cache.delivery.streamClosed('default.gw-1');
    expect(lookup('default', 'gw-1')).toEqual({ connected: false, acked: true });
  });

  it('a NACKed or unanswered response is not acknowledged', () => {
    const cache = new SnapshotCache();
    const snapshot = buildSnapshot(input(1));
    cache.set('default.gw-1', snapshot);
    cache.setReady();
    cache.delivery.streamOpened('default.gw-1');
    deliver(cache, snapshot, [TypeUrl.Cluster, TypeUrl.ClusterLoadAssignment, TypeUrl.Listener]);
    cache.delivery.recordSent('default.gw-1', TypeUrl.RouteConfiguration, version(snapshot, TypeUrl.RouteConfiguration));
    expect(cacheDelivery(cache)('default', 'gw-1').acked).toBe(false);
    cache.delivery.recordNack('default.gw-1', TypeUrl.RouteConfiguration, { version: version(snapshot, TypeUrl.RouteConfiguration), nonce: 'n1', message: 'bad route', resources: ['r'] });
    expect(cacheDelivery(cache)('default', 'gw-1').acked).toBe(false);
  });

  it('nothing is acknowledged before the cache is ready (nothing was served)', () => {
    const cache = new SnapshotCache();
    cache.set('default.gw-1', buildSnapshot(input(1)));
    expect(cacheDelivery(cache)('default', 'gw-1').acked).toBe(false);
  });
});
