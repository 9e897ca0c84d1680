// Reconnects, stale nonces and subscription changes (docs/xds-server.md §5, §11, §13 items 2, 6, 10).
import { afterEach, describe, expect, it } from 'vitest';
import { startAdsHarness } from '../support/ads-harness.js';
import type { AdsHarness } from '../support/ads-harness.js';
import { DEFAULT_SHAPE, gatewayInput } from '../support/ads-fixtures.js';
import type { AdsClient, AdsMode } from '../support/ads-client.js';
import { buildSnapshot, snapshotType } from '../../src/xds/cache/snapshot.js';
import { TypeUrl } from '../../src/xds/cache/resource-types.js';

const NODE = 'default.gw-1';
const QUIET_MS = 400;
let h: AdsHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

async function start(mode: AdsMode): Promise<AdsClient> {
  h = await startAdsHarness();
  h.cache.set(NODE, buildSnapshot(gatewayInput()));
  const client = h.connect(NODE, mode, { followReferences: true });
  client.subscribe(TypeUrl.Cluster);
  client.subscribe(TypeUrl.Listener);
  await client.waitForHeld(TypeUrl.RouteConfiguration, (held) => held.has('r'));
  await client.waitForHeld(TypeUrl.ClusterLoadAssignment, (held) => held.has('a'));
  return client;
}

describe('SotW reconnect and nonces', () => {
  it('a new stream gets the full state again even though its versions are current', async () => {
    const first = await start('sotw');
    const second = h!.adopt(first.reconnect());
    for (const typeUrl of [TypeUrl.Cluster, TypeUrl.Listener, TypeUrl.ClusterLoadAssignment, TypeUrl.RouteConfiguration]) {
      const response = await second.waitFor(typeUrl, (r) => r.resources.length > 0);
      expect(response.version).toBe(first.responsesOf(typeUrl).at(-1)!.version);
    }
  });

  it('ignores a request with a stale nonce, including the names it adds', async () => {
    h = await startAdsHarness();
    const snapshot = buildSnapshot(gatewayInput({ clusters: { a: [1], b: [2] }, listeners: {}, routes: {} }));
    h.cache.set(NODE, snapshot);
    const client = h.connect(NODE, 'sotw');
    client.subscribe(TypeUrl.ClusterLoadAssignment, ['a']);
    const first = await client.waitFor(TypeUrl.ClusterLoadAssignment);
    expect(first.resources.map((r) => r.name)).toEqual(['a']);
    client.send({ type_url: TypeUrl.ClusterLoadAssignment, resource_names: ['a', 'b'], response_nonce: 'not-issued-here', version_info: first.version });
    expect(await client.collect(QUIET_MS)).toEqual([]);
    // The same change with the current nonce is answered with the newly requested name.
    client.subscribe(TypeUrl.ClusterLoadAssignment, ['a', 'b']);
    const grown = await client.waitFor(TypeUrl.ClusterLoadAssignment, (r) => r.seq > first.seq);
    expect(grown.resources.map((r) => r.name)).toEqual(['b']);
  });
});

describe('delta reconnect and subscriptions', () => {
  it('a reconnect with unchanged config re-sends zero resources', async () => {
    const first = await start('delta');
    const second = h!.adopt(first.reconnect());
    for (const typeUrl of [TypeUrl.Cluster, TypeUrl.Listener, TypeUrl.ClusterLoadAssignment, TypeUrl.RouteConfiguration]) {
      await second.waitFor(typeUrl);
    }
    await second.collect(QUIET_MS);
    expect(second.responses.flatMap((r) => r.resources)).toEqual([]);
    expect(second.responses.flatMap((r) => r.removed)).toEqual([]);
  });

  it('a reconnect after a change sends only what changed and removes what is gone', async () => {
    const first = await start('delta');
    first.close();
    const changed = buildSnapshot(gatewayInput({ clusters: { a: [9001] }, listeners: { l2: [8081, 'r'] }, routes: { r: ['a'] } }));
    h!.cache.set(NODE, changed);
    const second = h!.adopt(first.reconnect());
    const lds = await second.waitFor(TypeUrl.Listener);
    expect(lds.resources.map((r) => r.name)).toEqual(['l2']);
    expect(lds.removed).toEqual(['l']);
    await second.collect(QUIET_MS);
    expect(second.responsesOf(TypeUrl.Cluster).flatMap((r) => r.resources)).toEqual([]);
    expect(second.responsesOf(TypeUrl.ClusterLoadAssignment).flatMap((r) => r.resources)).toEqual([]);
  });

  it('applies a subscription change carried by a request with a stale nonce', async () => {
    h = await startAdsHarness();
    h.cache.set(NODE, buildSnapshot(gatewayInput({ clusters: { a: [1], b: [2] }, listeners: {}, routes: {} })));
    const client = h.connect(NODE, 'delta');
    client.subscribe(TypeUrl.ClusterLoadAssignment, ['a']);
    await client.waitFor(TypeUrl.ClusterLoadAssignment);
    client.send({ type_url: TypeUrl.ClusterLoadAssignment, resource_names_subscribe: ['b'], response_nonce: 'not-issued-here' });
    const b = await client.waitFor(TypeUrl.ClusterLoadAssignment, (r) => r.resources.some((x) => x.name === 'b'));
    expect(b.resources.map((r) => r.name)).toEqual(['b']);
  });

  it('answers a subscription to a name that does not exist with removed_resources', async () => {
    h = await startAdsHarness();
    const snapshot = buildSnapshot(gatewayInput());
    h.cache.set(NODE, snapshot);
    const client = h.connect(NODE, 'delta');
    client.subscribe(TypeUrl.RouteConfiguration, ['r', 'nope']);
    const response = await client.waitFor(TypeUrl.RouteConfiguration);
    expect(response.resources.map((r) => [r.name, r.version])).toEqual([['r', snapshotType(snapshot, TypeUrl.RouteConfiguration).resources.get('r')!.version]]);
    expect(response.removed).toEqual(['nope']);
  });
});
