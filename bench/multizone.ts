// Multi-zone figures (issue 12), all in this process over real gRPC on loopback:
//
// `multizone-route-change`: a global and two federated zone control planes (memory stores, the
//   sync port over TLS with zone tokens, dataplane ports over TLS), each zone with `proxiesPerZone`
//   simulated gateway Envoys (bench/sim-envoy.ts, delta ADS) served by the MeshGateway and route
//   written on the global. Each change rewrites the route's path prefix in the global's store;
//   its latency is the time from that write until the last of all proxies in both zones ACKs the
//   new route configuration (the zones' delivery-status ACK events, on this process's clock).
//   Reported: median and p99 over changes of that last-proxy time, and the per-proxy median.
//
// `multizone-resync-10000`: a global holding one Mesh and `resources` TrafficPermissions; a zone
//   with an empty store connects and receives everything (time until the zone's store holds them
//   all), then a second zone client reconnects with that store already in sync (time until every
//   kind's complete set was applied). Bytes are the resource envelopes the global sent (payload
//   bytes: gRPC framing and gzip not counted).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { MemoryStore } from '../src/core/memory-store.js';
import type { WriteOp } from '../src/core/store.js';
import { GlobalSync } from '../src/kds/global-sync.js';
import { globalToZoneKinds } from '../src/kds/sync-kinds.js';
import { startSyncPort } from '../src/kds/sync-port.js';
import { ZoneSync } from '../src/kds/zone-sync.js';
import { DEFAULT_CONFIG, startControlPlane, type ControlPlane } from '../src/runtime/control-plane.js';
import { ZoneTokens, publicKeyPem } from '../src/tokens/zone-token.js';
import { TypeUrl } from '../src/xds/cache/resource-types.js';
import { summarize, type BenchResult } from './harness.js';
import { SimEnvoy } from './sim-envoy.js';

const logger = pino({ level: 'silent' });

function route(version: number): Record<string, unknown> {
  return {
    selectors: [{ match: { 'kuma.io/service': 'edge-gateway' } }],
    conf: { http: { rules: [{ matches: [{ path: { match: 'PREFIX', value: `/v${version}` } }], backends: [{ destination: { 'kuma.io/service': 'echo' } }] }] } },
  };
}

async function waitFor(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

function p99(samples: readonly number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return Math.round(sorted[Math.min(sorted.length - 1, Math.ceil(0.99 * sorted.length) - 1)]! * 10) / 10;
}

/** Route change on the global -> last simulated Envoy in any zone ACKs it. */
export async function benchMultizoneRouteChange(proxiesPerZone = 100, changes = 20): Promise<BenchResult> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'portico-bench-mz-'));
  const base = { ...DEFAULT_CONFIG, store: 'memory' as const, dataDir: '', apiPort: 0, xdsPort: 0, dataplaneAuth: 'none' as const, logger };
  const cps: ControlPlane[] = [];
  const sims: SimEnvoy[] = [];
  try {
    const global = await startControlPlane({ ...base, multizone: { mode: 'global', zone: 'default', kds: { port: 0 } } });
    cps.push(global);
    await global.store.put({ kind: 'Mesh', mesh: 'default', name: 'default', spec: {} });
    await global.store.put({ kind: 'MeshGateway', mesh: 'default', name: 'edge', spec: { selectors: [{ match: { 'kuma.io/service': 'edge-gateway' } }], tags: {}, conf: { listeners: [{ port: 8080, protocol: 'HTTP', hostname: '', tags: {}, crossMesh: false }] } } as never });
    await global.store.put({ kind: 'MeshGatewayRoute', mesh: 'default', name: 'route', spec: route(0) as never });
    const zones: ControlPlane[] = [];
    for (const zone of ['zone-1', 'zone-2']) {
      const tokenFile = path.join(dir, `${zone}.token`);
      writeFileSync(tokenFile, await new ZoneTokens(global.store).issue({ zone, scope: ['cp'], validForSeconds: 3600 }, Date.now()));
      const cp = await startControlPlane({ ...base, multizone: { mode: 'zone', zone, globalAddress: `grpcs://127.0.0.1:${global.sync.port!.port}`, kds: { tokenFile, rootCaFile: global.caFile! } } });
      cps.push(cp);
      zones.push(cp);
      const ops: WriteOp[] = [{ op: 'put', resource: { kind: 'Dataplane', mesh: 'default', name: 'echo', spec: { networking: { address: '127.0.0.1', inbound: [{ port: 9, tags: { 'kuma.io/service': 'echo' } }] } } as never } }];
      for (let i = 0; i < proxiesPerZone; i++) {
        ops.push({ op: 'put', resource: { kind: 'Dataplane', mesh: 'default', name: `gw-${i}`, spec: { networking: { address: '127.0.0.1', gateway: { type: 'BUILTIN', tags: { 'kuma.io/service': 'edge-gateway' } } } } as never } });
      }
      await cp.store.commit(ops);
    }
    // The zones have the global's resources once their gateways' snapshots carry the route.
    await waitFor('the route in both zones', async () => (await Promise.all(zones.map((z) => z.store.list('MeshGatewayRoute')))).every((l) => l.length === 1));
    const acked = new Map<string, number>();
    let watching = false;
    for (const [z, cp] of zones.entries()) {
      cp.cache.delivery.onAck((event) => {
        if (watching && event.typeUrl === TypeUrl.RouteConfiguration && !acked.has(`${z}/${event.nodeId}`)) acked.set(`${z}/${event.nodeId}`, performance.now());
      });
      const ca = readFileSync(cp.caFile!, 'utf8');
      for (let i = 0; i < proxiesPerZone; i++) {
        const sim = new SimEnvoy({ address: `127.0.0.1:${cp.xdsPort!}`, nodeId: `default.gw-${i}`, mode: 'delta', ca, runtime: true });
        sims.push(sim);
        sim.start();
      }
    }
    await waitFor('every proxy connected with its routes', () => sims.every((s) => s.connected && Object.keys(s.held()[TypeUrl.RouteConfiguration] ?? {}).length > 0), 300_000);
    const last: number[] = [];
    const perProxy: number[] = [];
    for (let c = 1; c <= changes; c++) {
      acked.clear();
      watching = true;
      const t0 = performance.now();
      await global.store.put({ kind: 'MeshGatewayRoute', mesh: 'default', name: 'route', spec: route(c) as never });
      await waitFor(`change ${c} in every proxy`, () => acked.size === sims.length, 60_000);
      watching = false;
      const times = [...acked.values()].map((t) => t - t0);
      last.push(Math.max(...times));
      perProxy.push(...times);
      await new Promise((r) => setTimeout(r, 200));
    }
    return {
      id: `multizone-route-change`,
      description: `route change on a global -> last of ${2 * proxiesPerZone} simulated Envoys in 2 zones ACKs it (${changes} changes; debounce 100 ms on the global's sync and on each zone's generation)`,
      metrics: {
        lastProxy: summarize(last),
        lastProxyP99: p99(last),
        perProxy: summarize(perProxy),
        perProxyP99: p99(perProxy),
        loadAverage: os.loadavg().map((l) => l.toFixed(2)).join(' '),
      },
    };
  } finally {
    for (const s of sims) s.close();
    for (const cp of cps.reverse()) await cp.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A zone receiving `resources` resources from the global: first sync, then a reconnect. */
export async function benchMultizoneResync(resources = 10_000): Promise<BenchResult> {
  const store = new MemoryStore();
  const tokens = new ZoneTokens(store);
  const global = new GlobalSync({ store, zoneTokens: tokens, derivePublicKey: (d) => Buffer.from(publicKeyPem(Buffer.from(d, 'base64'))).toString('base64'), logger, instanceId: 'bench' });
  await store.put({ kind: 'Mesh', mesh: 'default', name: 'default', spec: {} });
  const ops: WriteOp[] = [];
  for (let i = 0; i < resources; i++) {
    ops.push({
      op: 'put',
      resource: { kind: 'TrafficPermission', mesh: 'default', name: `tp-${i}`, spec: { sources: [{ match: { 'kuma.io/service': `client-${i}` } }], destinations: [{ match: { 'kuma.io/service': `backend-${i % 100}` } }] } as never },
    });
  }
  await store.commit(ops);
  await global.start();
  const port = await startSyncPort({ host: '127.0.0.1', port: 0, sync: global });
  const token = await tokens.issue({ zone: 'zone-1', scope: ['cp'], validForSeconds: 3600 }, Date.now());
  const zoneStore = new MemoryStore();
  const kinds = globalToZoneKinds();
  const connect = (): ZoneSync => {
    const zone = new ZoneSync({ store: zoneStore, zone: 'zone-1', globalAddress: `grpc://127.0.0.1:${port.port}`, token: async () => token, logger, instanceId: 'zone-1' });
    zone.start();
    return zone;
  };
  try {
    const bytes0 = global.bytesSent;
    const t0 = performance.now();
    const first = connect();
    await waitFor('the first sync', () => first.state().synced.length === kinds.length);
    const firstMs = performance.now() - t0;
    const firstBytes = global.bytesSent - bytes0;
    const stored = (await zoneStore.list('TrafficPermission')).length;
    await first.stop();
    const bytes1 = global.bytesSent;
    const t1 = performance.now();
    const again = connect();
    await waitFor('the resync', () => again.state().synced.length === kinds.length);
    const resyncMs = performance.now() - t1;
    const resyncBytes = global.bytesSent - bytes1;
    await again.stop();
    return {
      id: `multizone-resync-${resources}`,
      description: `a zone receives ${resources} TrafficPermissions and a Mesh: into an empty store, then again after a reconnect with its store in sync`,
      metrics: {
        storedInZone: stored,
        firstSyncMs: Math.round(firstMs),
        firstSyncBytes: firstBytes,
        resyncMs: Math.round(resyncMs),
        resyncBytes,
        loadAverage: os.loadavg().map((l) => l.toFixed(2)).join(' '),
      },
    };
  } finally {
    await global.close();
    await port.close();
  }
}
