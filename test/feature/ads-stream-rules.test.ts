// Stream-level rules: identity, validation, readiness gate, shared snapshots, fresh-stream ordering,
// authentication hook (docs/xds-server.md §1, §3, §10, §14 rules 2 and 10, §17).
import { afterEach, describe, expect, it } from 'vitest';
import * as grpc from '@grpc/grpc-js';
import { startAdsHarness } from '../support/ads-harness.js';
import type { AdsHarness } from '../support/ads-harness.js';
import { gatewayInput } from '../support/ads-fixtures.js';
import { buildSnapshot } from '../../src/xds/cache/snapshot.js';
import { TypeUrl, shortTypeName } from '../../src/xds/cache/resource-types.js';
import { credentialAuthentication } from '../../src/xds/server/proxy-authentication.js';

const NODE = 'default.gw-1';
const QUIET_MS = 400;
let h: AdsHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe.each(['sotw', 'delta'] as const)('ADS stream rules (%s)', (mode) => {
  it('closes the stream when a later request carries another node id', async () => {
    h = await startAdsHarness();
    h.cache.set(NODE, buildSnapshot(gatewayInput()));
    const client = h.connect(NODE, mode);
    client.subscribe(TypeUrl.Cluster);
    await client.waitFor(TypeUrl.Cluster);
    client.send({ node: { id: 'default.other' }, type_url: TypeUrl.Listener });
    const status = await client.waitForStatus();
    expect(status.details).toBe(
      'stream was authenticated for ID default.gw-1. Received request is for node with ID default.other. Node ID cannot be changed after stream is initialized',
    );
    expect(status.code).toBe(grpc.status.PERMISSION_DENIED);
  });

  it('rejects a node id that is not <mesh>.<name>', async () => {
    h = await startAdsHarness();
    const client = h.connect('no-dot', mode);
    client.subscribe(TypeUrl.Cluster);
    const status = await client.waitForStatus();
    expect([status.code, status.details]).toEqual([grpc.status.INVALID_ARGUMENT, 'request must have a valid Proxy ID']);
  });

  it('rejects a request without a type URL', async () => {
    h = await startAdsHarness();
    h.cache.set(NODE, buildSnapshot(gatewayInput()));
    const client = h.connect(NODE, mode);
    client.send({ type_url: '' });
    const status = await client.waitForStatus();
    expect([status.code, status.details]).toEqual([grpc.status.INVALID_ARGUMENT, 'type URL is required for ADS']);
  });

  it('answers nothing before the cache is ready, then the full state in push order', async () => {
    h = await startAdsHarness({ ready: false });
    h.cache.set(NODE, buildSnapshot(gatewayInput()));
    const client = h.connect(NODE, mode);
    client.subscribe(TypeUrl.Listener);
    client.subscribe(TypeUrl.RouteConfiguration, ['r']);
    client.subscribe(TypeUrl.Cluster);
    client.subscribe(TypeUrl.ClusterLoadAssignment, ['a']);
    expect(await client.collect(QUIET_MS)).toEqual([]);
    h.cache.setReady();
    await client.waitFor(TypeUrl.RouteConfiguration);
    expect(client.responses.map((r) => shortTypeName(r.typeUrl))).toEqual(['CDS', 'EDS', 'LDS', 'RDS']);
  });

  it('holds a node without a snapshot until one is set', async () => {
    h = await startAdsHarness();
    const client = h.connect(NODE, mode);
    client.subscribe(TypeUrl.Cluster);
    expect(await client.collect(QUIET_MS)).toEqual([]);
    h.cache.set(NODE, buildSnapshot(gatewayInput()));
    const cds = await client.waitFor(TypeUrl.Cluster);
    expect(cds.resources.map((r) => r.name)).toEqual(['a']);
  });

  it('gives two nodes sharing one snapshot identical bytes', async () => {
    h = await startAdsHarness();
    const shared = buildSnapshot(gatewayInput());
    h.cache.set('default.replica-1', shared);
    h.cache.set('default.replica-2', shared);
    const one = h.connect('default.replica-1', mode, { followReferences: true });
    const two = h.connect('default.replica-2', mode, { followReferences: true });
    for (const c of [one, two]) {
      c.subscribe(TypeUrl.Cluster);
      c.subscribe(TypeUrl.Listener);
      await c.waitForHeld(TypeUrl.RouteConfiguration, (held) => held.has('r'));
      await c.waitForHeld(TypeUrl.ClusterLoadAssignment, (held) => held.has('a'));
    }
    for (const typeUrl of [TypeUrl.Cluster, TypeUrl.ClusterLoadAssignment, TypeUrl.Listener, TypeUrl.RouteConfiguration]) {
      const a = one.responsesOf(typeUrl)[0]!;
      const b = two.responsesOf(typeUrl)[0]!;
      expect(b.version).toBe(a.version);
      expect(b.resources.map((r) => Buffer.from(r.bytes).toString('hex'))).toEqual(a.resources.map((r) => Buffer.from(r.bytes).toString('hex')));
    }
  });

  it('ignores types it does not serve and limits distinct type URLs per stream', async () => {
    h = await startAdsHarness({ maxTypeUrlsPerStream: 3 });
    h.cache.set(NODE, buildSnapshot(gatewayInput()));
    const client = h.connect(NODE, mode);
    client.subscribe('type.googleapis.com/envoy.config.core.v3.TypedExtensionConfig');
    client.subscribe(TypeUrl.Cluster);
    const cds = await client.waitFor(TypeUrl.Cluster);
    expect(client.responses).toEqual([cds]);
    client.subscribe('type.googleapis.com/unknown.One');
    client.subscribe('type.googleapis.com/unknown.Two');
    const status = await client.waitForStatus();
    expect([status.code, status.details]).toEqual([grpc.status.RESOURCE_EXHAUSTED, 'a stream may use at most 3 type URLs']);
  });

  it('runs the authenticator on the first message with the credential and the claimed proxy', async () => {
    const seen: Array<[string, string]> = [];
    h = await startAdsHarness({
      authentication: credentialAuthentication(async ({ credential, proxy }) => {
        seen.push([`${proxy.mesh}.${proxy.name}`, credential]);
        return credential === 'good' ? { ok: true } : { ok: false, code: 'UNAUTHENTICATED', message: 'invalid token' };
      }),
    });
    h.cache.set(NODE, buildSnapshot(gatewayInput()));
    const good = h.connect(NODE, mode, { metadata: { authorization: 'Bearer good' } });
    good.subscribe(TypeUrl.Cluster);
    await good.waitFor(TypeUrl.Cluster);
    const bad = h.connect(NODE, mode, { metadata: { authorization: 'bad' } });
    bad.subscribe(TypeUrl.Cluster);
    const status = await bad.waitForStatus();
    expect([status.code, status.details]).toEqual([grpc.status.UNAUTHENTICATED, 'invalid token']);
    expect(bad.responses).toEqual([]);
    expect(seen).toEqual([
      [NODE, 'good'],
      [NODE, 'bad'],
    ]);
  });
});

describe('ADS server lifecycle', () => {
  it('closes open streams with UNAVAILABLE on shutdown', async () => {
    h = await startAdsHarness();
    h.cache.set(NODE, buildSnapshot(gatewayInput()));
    const client = h.connect(NODE, 'delta');
    client.subscribe(TypeUrl.Cluster);
    await client.waitFor(TypeUrl.Cluster);
    expect(h.ads.streamCount()).toBe(1);
    const closing = h.ads.close();
    const status = await client.waitForStatus();
    await closing;
    expect(status.code).toBe(grpc.status.UNAVAILABLE);
    expect(h.cache.delivery.status(NODE)?.connectedStreams).toBe(0);
  });
});
