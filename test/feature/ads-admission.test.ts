// New-stream admission over real gRPC on 127.0.0.1 (docs/xds-server.md §14 rule 6 as changed by issue
// 9): a refused stream is told when to retry and costs no authentication, and with the default
// settings a storm of 1,000 proxies opened at once is served — the proxies honour the pushback.
import { afterEach, describe, expect, it } from 'vitest';
import * as grpc from '@grpc/grpc-js';
import { pino } from 'pino';
import { SnapshotCache } from '../../src/xds/cache/snapshot-cache.js';
import { buildSnapshot } from '../../src/xds/cache/snapshot.js';
import { TypeUrl } from '../../src/xds/cache/resource-types.js';
import { createAdsServer, RETRY_PUSHBACK_KEY, type AdsServer, type AdsServerOptions } from '../../src/xds/server/ads-server.js';
import { credentialAuthentication, NO_AUTHENTICATION } from '../../src/xds/server/proxy-authentication.js';
import { gatewayInput } from '../support/ads-fixtures.js';
import { StormProxy, type StormSubscription } from '../support/storm-proxy.js';

const SHAPE = { clusters: { a: [9001], b: [9002], c: [9003] }, listeners: { l: [8080, 'r'] as const }, routes: { r: ['a', 'b', 'c'] } };
const SUBSCRIPTIONS: readonly StormSubscription[] = [
  [TypeUrl.Cluster, []],
  [TypeUrl.ClusterLoadAssignment, ['a', 'b', 'c']],
  [TypeUrl.Listener, []],
  [TypeUrl.RouteConfiguration, ['r']],
];

let server: AdsServer | undefined;
let proxies: StormProxy[] = [];
afterEach(async () => {
  for (const p of proxies) p.close();
  proxies = [];
  await server?.close();
  server = undefined;
});

/** A plain-gRPC ADS server whose cache has one shared snapshot for `count` node ids. */
async function start(options: Partial<AdsServerOptions>, count: number): Promise<{ address: string; cache: SnapshotCache }> {
  const cache = new SnapshotCache();
  const snapshot = buildSnapshot(gatewayInput(SHAPE));
  for (let i = 0; i < count; i++) cache.set(`default.gw-${i}`, snapshot);
  cache.setReady();
  server = createAdsServer({ cache, logger: pino({ level: 'silent' }), authentication: NO_AUTHENTICATION, ...options });
  const port = await server.listen('127.0.0.1', 0);
  return { address: `127.0.0.1:${port}`, cache };
}

const until = async (check: () => boolean, timeoutMs: number): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`not done within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
};

describe('ADS stream admission', () => {
  it('refuses a stream over the limit with RESOURCE_EXHAUSTED saying when to retry, before authentication; the retry is served', async () => {
    let checks = 0;
    const authentication = credentialAuthentication(async () => {
      checks += 1;
      return { ok: true };
    });
    const { address } = await start({ admission: { ratePerSecond: 1, burst: 1 }, authentication }, 2);
    const auth = { authorization: 'token' };
    const first = new StormProxy(address, 'default.gw-0', 'sotw', SUBSCRIPTIONS, undefined, auth);
    proxies.push(first);
    first.open();
    await until(() => first.served, 10_000);
    const second = new StormProxy(address, 'default.gw-1', 'delta', SUBSCRIPTIONS, undefined, auth);
    proxies.push(second);
    second.open();
    await until(() => second.refusals > 0, 10_000);
    const refusal = second.lastRefusal!;
    expect(refusal.code).toBe(grpc.status.RESOURCE_EXHAUSTED);
    const pushback = Number(refusal.metadata.get(RETRY_PUSHBACK_KEY)[0]);
    // One token per second: the next one is due within a second, plus at most 10 % / one interval of jitter.
    expect(pushback).toBeGreaterThan(0);
    expect(pushback).toBeLessThanOrEqual(2000);
    expect(refusal.details).toBe(`too many new xDS streams (admission limit 1/s, burst 1); retry in ${pushback} ms`);
    expect(checks).toBe(1);
    // Honouring the pushback, it is admitted (maybe after another refusal) and served.
    await until(() => second.served, 15_000);
    expect(checks).toBe(2);
    expect(server!.streamCount()).toBe(2);
  });

  it('with the default settings, 1,000 proxies opened at once are all served', { timeout: 120_000 }, async () => {
    const count = 1000;
    const { address } = await start({}, count);
    proxies = Array.from({ length: count }, (_, i) => new StormProxy(address, `default.gw-${i}`, i % 2 === 0 ? 'sotw' : 'delta', SUBSCRIPTIONS));
    for (const p of proxies) p.open();
    // Generous: a shared CI machine is slow; the figure itself is in bench/ads-storm.ts.
    await until(() => proxies.every((p) => p.served), 60_000);
    expect(proxies.filter((p) => p.status !== undefined)).toEqual([]);
    // Every refused proxy was told when to retry.
    for (const p of proxies) expect(p.pushbacks).toHaveLength(p.refusals);
    expect(server!.streamCount()).toBe(count);
  });
});
