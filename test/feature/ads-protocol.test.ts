// ADS behaviour shared by SotW and delta, over real gRPC on 127.0.0.1 (docs/xds-server.md §4-§10).
import { afterEach, describe, expect, it } from 'vitest';
import { startAdsHarness } from '../support/ads-harness.js';
import type { AdsHarness } from '../support/ads-harness.js';
import { DEFAULT_SHAPE, gatewayInput } from '../support/ads-fixtures.js';
import type { GatewayShape } from '../support/ads-fixtures.js';
import type { AdsClient, AdsMode } from '../support/ads-client.js';
import { buildSnapshot, snapshotType } from '../../src/xds/cache/snapshot.js';
import type { Snapshot } from '../../src/xds/cache/snapshot.js';
import { TypeUrl, shortTypeName } from '../../src/xds/cache/resource-types.js';

const NODE = 'default.gw-1';
const QUIET_MS = 400;
let h: AdsHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const snapshotOf = (shape: GatewayShape): Snapshot => buildSnapshot(gatewayInput(shape));

/** Connects an Envoy-like client (follows EDS/RDS references) and waits for its full config. */
async function connected(mode: AdsMode, snapshot: Snapshot): Promise<AdsClient> {
  h = await startAdsHarness();
  h.cache.set(NODE, snapshot);
  const client = h.connect(NODE, mode, { followReferences: true });
  client.subscribe(TypeUrl.Cluster);
  client.subscribe(TypeUrl.Listener);
  await settled(client, snapshot);
  return client;
}

/** Waits until the client holds every resource of the snapshot at its current version. */
async function settled(client: AdsClient, snapshot: Snapshot): Promise<void> {
  for (const typeUrl of [TypeUrl.Cluster, TypeUrl.ClusterLoadAssignment, TypeUrl.Listener, TypeUrl.RouteConfiguration]) {
    const names = [...snapshotType(snapshot, typeUrl).resources.keys()].sort().join(',');
    await client.waitForHeld(typeUrl, (held) => [...held.keys()].sort().join(',') === names);
  }
  if (client.mode === 'delta') {
    for (const [typeUrl, type] of snapshot.types) {
      for (const [name, r] of type.resources) await client.waitForHeld(typeUrl, (held) => held.get(name)?.version === r.version);
    }
  } else {
    for (const typeUrl of [TypeUrl.Cluster, TypeUrl.Listener]) {
      const version = snapshotType(snapshot, typeUrl).version;
      await client.waitFor(typeUrl, (r) => r.version === version && r.answer === 'ack');
    }
  }
}

const order = (client: AdsClient, since: number): string[] => client.responses.slice(since).map((r) => shortTypeName(r.typeUrl));

/** Types in the order of their first response after `since` (later answers to new subscriptions excluded). */
const pushOrder = (client: AdsClient, since: number): string[] => [...new Set(order(client, since))];

describe.each(['sotw', 'delta'] as const)('ADS %s', (mode) => {
  it('sends the full state on a new stream, with resources byte-identical to the snapshot', async () => {
    const snapshot = snapshotOf(DEFAULT_SHAPE);
    const client = await connected(mode, snapshot);
    for (const [typeUrl, type] of snapshot.types) {
      for (const [name, resource] of type.resources) expect(client.held(typeUrl).get(name)?.bytes).toEqual(resource.bytes);
    }
    expect(order(client, 0)).toEqual(['CDS', 'LDS', 'EDS', 'RDS']);
  });

  it('does not answer an ACK', async () => {
    const client = await connected(mode, snapshotOf(DEFAULT_SHAPE));
    expect(client.responses.every((r) => r.answer === 'ack')).toBe(true);
    expect(await client.collect(QUIET_MS)).toEqual([]);
  });

  it('pushes a change in make-before-break order CDS → EDS → LDS → RDS', async () => {
    const client = await connected(mode, snapshotOf(DEFAULT_SHAPE));
    const since = client.mark();
    const next = snapshotOf({ clusters: { a: [9002], b: [9003] }, listeners: { l: [8081, 'r'] }, routes: { r: ['a', 'b'] } });
    h!.cache.set(NODE, next);
    await settled(client, next);
    expect(pushOrder(client, since)).toEqual(['CDS', 'EDS', 'LDS', 'RDS']);
    // The new cluster's endpoints follow once the client subscribes to them (after applying CDS).
    const edsB = client.responsesOf(TypeUrl.ClusterLoadAssignment).find((r) => r.seq >= since && r.resources.some((x) => x.name === 'b'));
    expect(edsB?.answer).toBe('ack');
  });

  it('re-sends EDS after a CDS change even when the endpoints did not change', async () => {
    const client = await connected(mode, snapshotOf(DEFAULT_SHAPE));
    const since = client.mark();
    const next = snapshotOf({ ...DEFAULT_SHAPE, connectTimeoutSeconds: 7 });
    h!.cache.set(NODE, next);
    const eds = await client.waitFor(TypeUrl.ClusterLoadAssignment, () => true, { since });
    expect(eds.resources.map((r) => r.name)).toEqual(['a']);
    expect(eds.resources[0]!.bytes).toEqual(snapshotType(snapshotOf(DEFAULT_SHAPE), TypeUrl.ClusterLoadAssignment).resources.get('a')!.bytes);
    expect(order(client, since)).toEqual(['CDS', 'EDS']);
  });

  it('NACK: the rejected version is not re-sent; changed content is sent after the backoff', async () => {
    const client = await connected(mode, snapshotOf(DEFAULT_SHAPE));
    client.nackNext(TypeUrl.Cluster, 'cluster a: bad connect_timeout');
    const rejected = snapshotOf({ ...DEFAULT_SHAPE, connectTimeoutSeconds: 8 });
    const since = client.mark();
    h!.cache.set(NODE, rejected);
    const nacked = await client.waitFor(TypeUrl.Cluster, (r) => r.answer === 'nack', { since });
    expect((await client.collect(QUIET_MS, TypeUrl.Cluster)).length).toBe(0);
    const status = h!.cache.delivery.status(NODE)!.types.find((t) => t.typeUrl === TypeUrl.Cluster)!;
    expect(status.lastNack).toMatchObject({ version: nacked.version, nonce: nacked.nonce, resources: ['a'], message: 'cluster a: bad connect_timeout', count: 1 });

    // Re-setting identical content (a new but equal snapshot) does not resend it either.
    h!.cache.set(NODE, snapshotOf({ ...DEFAULT_SHAPE, connectTimeoutSeconds: 8 }));
    expect((await client.collect(QUIET_MS, TypeUrl.Cluster)).length).toBe(0);

    const fixed = snapshotOf({ ...DEFAULT_SHAPE, connectTimeoutSeconds: 9 });
    h!.cache.set(NODE, fixed);
    const resent = await client.waitFor(TypeUrl.Cluster, (r) => r.answer === 'ack', { since: nacked.seq + 1 });
    expect(resent.version).not.toBe(nacked.version);
    expect(client.responsesOf(TypeUrl.Cluster).filter((r) => r.version === nacked.version)).toHaveLength(1);
    await settled(client, fixed);
    // The ACK of the fixed version clears the NACK.
    await expect.poll(() => h!.cache.delivery.status(NODE)!.types.find((t) => t.typeUrl === TypeUrl.Cluster)!.lastNack).toBeUndefined();
  });

  it('removes a cluster only after the routes that used it are ACKed, and never sends EDS for it afterwards', async () => {
    const two = snapshotOf({ clusters: { a: [9001], b: [9002] }, listeners: { l: [8080, 'r'] }, routes: { r: ['a', 'b'] } });
    const client = await connected(mode, two);
    const since = client.mark();
    const one = snapshotOf({ clusters: { a: [9001] }, listeners: { l: [8080, 'r'] }, routes: { r: ['a'] } });
    h!.cache.set(NODE, one);
    await settled(client, one);
    const after = client.responses.slice(since);
    const routeUpdate = after.find((r) => r.typeUrl === TypeUrl.RouteConfiguration)!;
    const clusterRemoval = after.find((r) => r.typeUrl === TypeUrl.Cluster)!;
    expect(routeUpdate.answer).toBe('ack');
    expect(clusterRemoval.seq).toBeGreaterThan(routeUpdate.seq);
    if (mode === 'delta') expect(clusterRemoval.removed).toEqual(['b']);
    else expect(clusterRemoval.resources.map((r) => r.name)).toEqual(['a']);
    const edsAfterRemoval = after.filter((r) => r.typeUrl === TypeUrl.ClusterLoadAssignment && r.seq > clusterRemoval.seq);
    expect(edsAfterRemoval.filter((r) => r.resources.some((x) => x.name === 'b') || r.removed.includes('b'))).toEqual([]);
    expect(client.held(TypeUrl.Cluster).has('b')).toBe(false);
  });

  it('records ACKed versions per type for observability', async () => {
    const acks: string[] = [];
    h = await startAdsHarness();
    h.cache.delivery.onAck((e) => acks.push(`${shortTypeName(e.typeUrl)}:${e.version}`));
    const snapshot = snapshotOf(DEFAULT_SHAPE);
    h.cache.set(NODE, snapshot);
    const client = h.connect(NODE, mode, { followReferences: true });
    client.subscribe(TypeUrl.Cluster);
    client.subscribe(TypeUrl.Listener);
    await settled(client, snapshot);
    const rdsVersion = snapshotType(snapshot, TypeUrl.RouteConfiguration).version;
    await client.waitFor(TypeUrl.RouteConfiguration, (r) => r.answer === 'ack');
    await expect.poll(() => acks).toContain(`RDS:${rdsVersion}`);
    const status = h.cache.delivery.status(NODE)!;
    expect(status.connectedStreams).toBe(1);
    expect(status.types.find((t) => t.typeUrl === TypeUrl.RouteConfiguration)?.ackedVersion).toBe(rdsVersion);
  });
});
