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

  it('an unanswered response is not acknowledged; a NACK of the current version is reported as rejected', () => {
    const cache = new SnapshotCache();
    const snapshot = buildSnapshot(input(1));
    cache.set('default.gw-1', snapshot);
    cache.setReady();
    cache.delivery.streamOpened('default.gw-1');
    deliver(cache, snapshot, [TypeUrl.Cluster, TypeUrl.ClusterLoadAssignment, TypeUrl.Listener]);
    const rds = version(snapshot, TypeUrl.RouteConfiguration);
    cache.delivery.recordSent('default.gw-1', TypeUrl.RouteConfiguration, rds);
    expect(cacheDelivery(cache)('default', 'gw-1')).toEqual({ connected: true, acked: false });
    cache.delivery.recordNack('default.gw-1', TypeUrl.RouteConfiguration, { version: rds, nonce: 'n1', message: 'bad route', resources: ['r'] });
    // Everything else is ACKed: the rejection alone decides, for the resources it is attributed to.
    expect(cacheDelivery(cache)('default', 'gw-1')).toEqual({
      connected: true,
      acked: true,
      rejected: [{ type: 'RouteConfiguration', resources: ['r'], detail: 'bad route' }],
    });
  });

  it('a NACK of an older version is not a rejection of the current configuration, which is pending', () => {
    const cache = new SnapshotCache();
    const bad = buildSnapshot(input(1));
    cache.set('default.gw-1', bad);
    cache.setReady();
    cache.delivery.streamOpened('default.gw-1');
    deliver(cache, bad, [TypeUrl.ClusterLoadAssignment, TypeUrl.Listener, TypeUrl.RouteConfiguration]);
    cache.delivery.recordSent('default.gw-1', TypeUrl.Cluster, version(bad, TypeUrl.Cluster));
    cache.delivery.recordNack('default.gw-1', TypeUrl.Cluster, { version: version(bad, TypeUrl.Cluster), nonce: 'n1', message: 'bad cluster', resources: ['c'] });
    expect(cacheDelivery(cache)('default', 'gw-1').rejected).toHaveLength(1);

    // The fix is published but not sent yet (the NACK backoff): pending, not rejected.
    const fixed = buildSnapshot(input(5));
    cache.set('default.gw-1', fixed);
    expect(cacheDelivery(cache)('default', 'gw-1')).toEqual({ connected: true, acked: false });
    deliver(cache, fixed, [TypeUrl.Cluster]);
    expect(cacheDelivery(cache)('default', 'gw-1')).toEqual({ connected: true, acked: true });
  });

  it('a proxy back on the content it last ACKed is acknowledged even though a rejected version is unACKed', () => {
    const cache = new SnapshotCache();
    const good = buildSnapshot(input(1));
    cache.set('default.gw-1', good);
    cache.setReady();
    cache.delivery.streamOpened('default.gw-1');
    deliver(cache, good, [TypeUrl.Cluster, TypeUrl.ClusterLoadAssignment, TypeUrl.Listener, TypeUrl.RouteConfiguration]);
    // An RDS version was sent and NACKed; then the user reverted, so the server sends nothing new.
    cache.delivery.recordSent('default.gw-1', TypeUrl.RouteConfiguration, 'rejected-version');
    cache.delivery.recordNack('default.gw-1', TypeUrl.RouteConfiguration, { version: 'rejected-version', nonce: 'n2', message: 'bad', resources: ['r'] });
    expect(cacheDelivery(cache)('default', 'gw-1')).toEqual({ connected: true, acked: true });
  });

  it('nothing is acknowledged before the cache is ready (nothing was served)', () => {
    const cache = new SnapshotCache();
    cache.set('default.gw-1', buildSnapshot(input(1)));
    expect(cacheDelivery(cache)('default', 'gw-1').acked).toBe(false);
  });
});
