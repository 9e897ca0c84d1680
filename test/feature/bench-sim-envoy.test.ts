// Keeps the scale benchmark's simulated Envoy (bench/sim-envoy.ts) honest: against a real control
// plane in this process (memory store, TLS on the dataplane port, the benchmark's fixture with 3
// gateway proxies), delta and SotW clients must subscribe exactly the EDS, RDS and RTDS names the
// proxy's snapshot has, ACK every type at its snapshot version, follow a route change, and come
// back to a restarted control plane with identical config. No timing is asserted (that is the
// benchmark's job).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_CONFIG, startControlPlane, type ControlPlane } from '../../src/runtime/control-plane.js';
import { TypeUrl } from '../../src/xds/cache/resource-types.js';
import { GATEWAY_RUNTIME_LAYER } from '../../src/xds/server/bootstrap.js';
import { gatewayNodeId, gatewayRoute, scaleWriteOps } from '../../bench/scale-fixtures.js';
import { SimEnvoy, type SimMode } from '../../bench/sim-envoy.js';
import { parseResourceDocument } from '../../src/api/resource-document.js';
import { freePort } from '../support/processes.js';

const NEEDED = [TypeUrl.Cluster, TypeUrl.ClusterLoadAssignment, TypeUrl.Listener, TypeUrl.RouteConfiguration, TypeUrl.Runtime];

let cp: ControlPlane | undefined;
const clients: SimEnvoy[] = [];

afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await cp?.stop();
  cp = undefined;
});

async function start(modes: readonly SimMode[]): Promise<{ cp: ControlPlane; sims: SimEnvoy[] }> {
  cp = await startControlPlane({ ...DEFAULT_CONFIG, store: 'memory', dataDir: '', apiPort: 0, xdsPort: 0, debounceMs: 10, dataplaneAuth: 'none', logger: pino({ level: 'silent' }) });
  await cp.store.commit(scaleWriteOps(modes.length));
  await cp.flush();
  const ca = readFileSync(cp.caFile!, 'utf8');
  const sims = modes.map((mode, i) => new SimEnvoy({ address: `127.0.0.1:${cp!.xdsPort}`, nodeId: gatewayNodeId(i), mode, ca }));
  for (const s of sims) {
    clients.push(s);
    s.start();
  }
  return { cp, sims };
}

/** Names of a type in the node's snapshot, sorted. */
function snapshotNames(cp: ControlPlane, nodeId: string, typeUrl: string): string[] {
  return [...(cp.cache.get(nodeId)?.types.get(typeUrl)?.resources.keys() ?? [])].sort();
}

/** Throws unless the node ACKed every needed type at its snapshot version. */
function expectUpToDate(cp: ControlPlane, nodeId: string): void {
  const delivery = cp.cache.delivery.status(nodeId);
  for (const typeUrl of NEEDED) {
    const acked = delivery?.types.find((t) => t.typeUrl === typeUrl)?.ackedVersion;
    expect(acked, `${nodeId} ${typeUrl}`).toBe(cp.cache.get(nodeId)?.types.get(typeUrl)?.version);
  }
}

describe('scale benchmark simulated Envoy', () => {
  it('subscribes what its snapshot references, ACKs every type and follows a route change (delta and SotW)', async () => {
    const { cp, sims } = await start(['delta', 'delta', 'sotw']);
    await vi.waitFor(() => sims.forEach((s) => expectUpToDate(cp, s.nodeId)), { timeout: 15_000, interval: 50 });

    for (const s of sims) {
      const subs = s.subscriptions();
      expect(subs[TypeUrl.Cluster]).toEqual(['*']);
      expect(subs[TypeUrl.Listener]).toEqual(['*']);
      expect(subs[TypeUrl.Runtime]).toEqual([GATEWAY_RUNTIME_LAYER]);
      expect(subs[TypeUrl.ClusterLoadAssignment]).toEqual(snapshotNames(cp, s.nodeId, TypeUrl.ClusterLoadAssignment));
      expect(subs[TypeUrl.RouteConfiguration]).toEqual(snapshotNames(cp, s.nodeId, TypeUrl.RouteConfiguration));
      expect(subs[TypeUrl.ClusterLoadAssignment]!.length).toBeGreaterThan(0);
      expect(subs[TypeUrl.RouteConfiguration]).toHaveLength(3);
      expect(s.stats.refused + s.stats.broken).toBe(0);
      const delivery = cp.cache.delivery.status(s.nodeId)!;
      expect(delivery.types.filter((t) => t.nacks)).toEqual([]);
    }
    // Delta clients hold exactly the snapshot's resource versions.
    const snapshot = cp.cache.get(sims[0]!.nodeId)!;
    for (const typeUrl of NEEDED) {
      const want = Object.fromEntries([...snapshot.types.get(typeUrl)!.resources.values()].map((r) => [r.name, r.version]));
      expect(sims[0]!.held()[typeUrl]).toEqual(want);
    }

    const rdsBefore = snapshot.types.get(TypeUrl.RouteConfiguration)!.version;
    const parsed = parseResourceDocument(gatewayRoute(0, 1));
    if (!parsed.ok) throw new Error('route fixture invalid');
    const { kind, mesh, name, spec } = parsed.value;
    await cp.store.put({ kind, mesh, name, spec } as Parameters<typeof cp.store.put>[0]);
    await cp.flush();
    const rdsAfter = cp.cache.get(sims[0]!.nodeId)!.types.get(TypeUrl.RouteConfiguration)!.version;
    expect(rdsAfter).not.toBe(rdsBefore);
    await vi.waitFor(() => sims.forEach((s) => expectUpToDate(cp, s.nodeId)), { timeout: 15_000, interval: 50 });
  });

  it('reconnects to a restarted control plane and keeps identical config (delta re-sends nothing)', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'portico-sim-envoy-'));
    try {
      const xdsPort = await freePort();
      const config = { ...DEFAULT_CONFIG, store: 'embedded' as const, dataDir, apiPort: 0, xdsPort, debounceMs: 10, dataplaneAuth: 'none' as const, logger: pino({ level: 'silent' }) };
      cp = await startControlPlane(config);
      await cp.store.commit(scaleWriteOps(1));
      await cp.flush();
      const sim = new SimEnvoy({ address: `127.0.0.1:${xdsPort}`, nodeId: gatewayNodeId(0), mode: 'delta', ca: readFileSync(cp.caFile!, 'utf8') });
      clients.push(sim);
      sim.start();
      const first = cp;
      await vi.waitFor(() => expectUpToDate(first, sim.nodeId), { timeout: 15_000, interval: 50 });
      const digest = sim.heldDigest();
      const resources = sim.stats.resources;
      await cp.stop();
      cp = await startControlPlane(config);
      const second = cp;
      await vi.waitFor(() => expectUpToDate(second, sim.nodeId), { timeout: 20_000, interval: 50 });
      expect(sim.stats.broken).toBeGreaterThan(0);
      expect(sim.stats.streams).toBeGreaterThan(1);
      expect(sim.heldDigest()).toBe(digest);
      expect(sim.stats.resources).toBe(resources);
    } finally {
      await cp?.stop();
      cp = undefined;
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
