// The generation engine alone (no gRPC, no proxies connected): store change -> every affected
// replica's snapshot in the cache. Two shapes from issue 9:
// - `generation-1gw-N`: one MeshGateway (3 HTTP listeners, 50 routes) and N replicas on distinct
//   addresses; one route change. Figures: wall time and CPU of the regeneration, the longest
//   event-loop stall during it, translations and encodes it did.
// - `generation-100gw`: 100 gateways x 100 routes, one replica each; one route change in one
//   gateway. Figures: the same, plus how many replicas got a new snapshot and which types changed.
// - `generation-100gw-100routes-{0,100,1000}timeouts` (issue 11's figures): the same 100 gateways
//   with N Timeout policies, a realistic mix (timeoutPolicy below). Figures: the cold generation;
//   a Mesh change, which regenerates every gateway, so the three cases differ only by the
//   policies' cost; and, with policies, a change of one policy (which also regenerates every
//   gateway: docs/gateway.md §2.16 choices may move anywhere). Medians of 5.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { pino } from 'pino';
import { MemoryStore } from '../src/core/memory-store.js';
import type { ResourceInput } from '../src/core/resource.js';
import { GenerationEngine } from '../src/generation/engine.js';
import { ResourceStatuses } from '../src/runtime/resource-status.js';
import { SnapshotCache } from '../src/xds/cache/snapshot-cache.js';
import type { Snapshot } from '../src/xds/cache/snapshot.js';
import { summarize, type BenchResult } from './harness.js';

const silent = pino({ level: 'silent' });

function mesh(): ResourceInput {
  return { kind: 'Mesh', mesh: 'default', name: 'default', spec: {} } as ResourceInput;
}

function gateway(name: string, service: string, ports: readonly number[]): ResourceInput {
  return {
    kind: 'MeshGateway',
    mesh: 'default',
    name,
    spec: {
      selectors: [{ match: { 'kuma.io/service': service } }],
      tags: {},
      conf: { listeners: ports.map((port) => ({ port, protocol: 'HTTP', hostname: '', tags: { port: `http-${port}` }, crossMesh: false })) },
    },
  } as ResourceInput;
}

function route(name: string, service: string, prefix: string, backend: string): ResourceInput {
  return {
    kind: 'MeshGatewayRoute',
    mesh: 'default',
    name,
    spec: {
      selectors: [{ match: { 'kuma.io/service': service } }],
      conf: {
        http: {
          hostnames: [],
          rules: [{ matches: [{ path: { match: 'PREFIX', value: prefix }, headers: [], queryParameters: [] }], filters: [], backends: [{ weight: 1, destination: { 'kuma.io/service': backend } }] }],
        },
      },
    },
  } as ResourceInput;
}

function dataplane(name: string, address: string, networking: Record<string, unknown>): ResourceInput {
  return { kind: 'Dataplane', mesh: 'default', name, spec: { networking: { address, ...networking } } } as ResourceInput;
}

function address(i: number): string {
  return `10.${Math.floor(i / 62500) % 256}.${Math.floor(i / 250) % 250}.${(i % 250) + 1}`;
}

async function setUp(statuses?: ResourceStatuses): Promise<{ store: MemoryStore; cache: SnapshotCache; engine: GenerationEngine }> {
  const store = new MemoryStore({ logger: silent });
  const cache = new SnapshotCache();
  const engine = new GenerationEngine({ store, cache, logger: silent, readFiles: async () => new Map(), ...(statuses ? { statuses } : {}) });
  store.watch((e) => engine.onChange(e));
  await store.put(mesh());
  return { store, cache, engine };
}

/** One regeneration, measured: wall, CPU, longest loop stall. */
async function measured(engine: GenerationEngine): Promise<{ wall: number; cpu: number; stall: number }> {
  const h = monitorEventLoopDelay({ resolution: 1 });
  h.enable();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await engine.regenerate();
  const wall = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  await new Promise((r) => setImmediate(r));
  h.disable();
  return { wall, cpu: (cpu.user + cpu.system) / 1000, stall: h.max / 1e6 };
}

function changedTypes(a: Snapshot | undefined, b: Snapshot | undefined): string[] {
  if (!a || !b) return ['(all)'];
  return [...b.types.keys()].filter((t) => a.types.get(t)?.version !== b.types.get(t)?.version).map((t) => t.slice(t.lastIndexOf('.') + 1));
}

/** One gateway with `routes` routes, `replicas` replicas on distinct addresses, 5 route changes. */
export async function benchGenerationOneGateway(replicas: number, routes = 50, listeners = 3): Promise<BenchResult> {
  const { store, cache, engine } = await setUp();
  await store.put(gateway('edge', 'edge', [8080, 8081, 8082].slice(0, listeners)));
  for (let s = 0; s < 10; s++) await store.put(dataplane(`backend-${s}`, `10.200.0.${s + 1}`, { inbound: [{ port: 8080, tags: { 'kuma.io/service': `svc-${s}` } }] }));
  for (let r = 0; r < routes; r++) await store.put(route(`route-${String(r).padStart(5, '0')}`, 'edge', `/r${r}`, `svc-${r % 10}`));
  for (let i = 0; i < replicas; i++) {
    await store.put(dataplane(`edge-${i}`, address(i), { gateway: { type: 'BUILTIN', tags: { 'kuma.io/service': 'edge' } } }));
    // As if each replica had a stream open: watched snapshots are built at once, not on demand.
    cache.watch(`default.edge-${i}`, () => undefined);
  }
  const cold = await measured(engine);
  const walls: number[] = [];
  const cpus: number[] = [];
  const stalls: number[] = [];
  let changed = '';
  for (let c = 0; c < 5; c++) {
    const before = cache.get('default.edge-0');
    await store.put(route('route-00007', 'edge', `/changed-${c}`, 'svc-7'));
    const m = await measured(engine);
    walls.push(m.wall);
    cpus.push(m.cpu);
    stalls.push(m.stall);
    changed = changedTypes(before, cache.get('default.edge-0')).join(',');
  }
  const result: BenchResult = {
    id: `generation-1gw-${listeners}listeners-${routes}routes-${replicas}replicas`,
    description: `generation engine only: 1 MeshGateway (${listeners} listeners, ${routes} routes), ${replicas} replicas on distinct addresses, one route change${engine.workerRunning ? ' (generated in the worker thread)' : ''}`,
    metrics: {
      coldWallMs: Math.round(cold.wall),
      coldStallMs: Math.round(cold.stall),
      changeWall: summarize(walls),
      changeCpu: summarize(cpus),
      changeLongestStall: summarize(stalls),
      changedTypes: changed,
      snapshotsComposedPerChange: engine.stats.lastSnapshots,
    },
  };
  await engine.close();
  return result;
}

/**
 * The i-th of a mesh's Timeout policies: a quarter from every service to one backend service, a
 * quarter from one gateway to every service, a quarter from one gateway to one service, and a
 * quarter whose destination also names a tag no backend has (they are candidates but never win).
 * One in 250 goes from every service to every service, as `timeout-all-<mesh>` does.
 */
function timeoutPolicy(i: number, gateways: number, services: number, generation = 0): ResourceInput {
  const shape = i % 4;
  const all = i % 250 === 0;
  const source = all || shape === 0 ? '*' : `edge-${(i * 7) % gateways}`;
  const destination: Record<string, string> = { 'kuma.io/service': all || shape === 1 ? '*' : `svc-${i % services}` };
  if (shape === 3 && !all) destination['version'] = 'v2';
  return {
    kind: 'Timeout',
    mesh: 'default',
    name: `timeout-${String(i).padStart(4, '0')}`,
    spec: {
      sources: [{ match: { 'kuma.io/service': source } }],
      destinations: [{ match: destination }],
      conf: { connectTimeout: `${1 + ((i + generation) % 10)}s`, http: { requestTimeout: `${5 + (i % 30)}s`, idleTimeout: '1h' }, tcp: { idleTimeout: '1h' } },
    },
  } as ResourceInput;
}

/** 100 gateways x 100 routes and `policies` Timeouts: cold generation, a Mesh change, a policy change. */
export async function benchGenerationWithPolicies(policies: number, gateways = 100, routes = 100): Promise<BenchResult> {
  const services = 10;
  // Statuses are computed when read: the policy status requests below are timed on their own.
  const statuses = new ResourceStatuses({ delivery: () => ({ connected: false, acked: false }) });
  const { store, cache, engine } = await setUp(statuses);
  for (let s = 0; s < services; s++) await store.put(dataplane(`backend-${s}`, `10.200.0.${s + 1}`, { inbound: [{ port: 8080, tags: { 'kuma.io/service': `svc-${s}` } }] }));
  for (let i = 0; i < policies; i++) await store.put(timeoutPolicy(i, gateways, services));
  for (let g = 0; g < gateways; g++) {
    await store.put(gateway(`gw-${g}`, `edge-${g}`, [8080]));
    for (let r = 0; r < routes; r++) await store.put(route(`gw-${g}-route-${r}`, `edge-${g}`, `/r${r}`, `svc-${r % services}`));
    await store.put(dataplane(`edge-${g}`, address(g), { gateway: { type: 'BUILTIN', tags: { 'kuma.io/service': `edge-${g}` } } }));
    cache.watch(`default.edge-${g}`, () => undefined);
  }
  const cold = await measured(engine);
  const meshChange = { walls: [] as number[], cpus: [] as number[], stalls: [] as number[] };
  let meshTranslations = 0;
  for (let c = 0; c < 5; c++) {
    const t0 = engine.stats.translations;
    // Any Mesh change reaches every identity of the mesh; `logging` changes nothing in the output.
    await store.put({ kind: 'Mesh', mesh: 'default', name: 'default', spec: c % 2 === 0 ? { logging: {} } : {} } as ResourceInput);
    const m = await measured(engine);
    meshChange.walls.push(m.wall);
    meshChange.cpus.push(m.cpu);
    meshChange.stalls.push(m.stall);
    meshTranslations = engine.stats.translations - t0;
  }
  const policyChange = { walls: [] as number[], cpus: [] as number[] };
  let policyTranslations = 0;
  let republished = 0;
  for (let c = 0; policies > 0 && c < 5; c++) {
    const before = new Map(cache.nodeIds().map((n) => [n, cache.get(n)]));
    const t0 = engine.stats.translations;
    // The every-service-to-every-service policy: its connect timeout moves.
    await store.put(timeoutPolicy(0, gateways, services, c + 1));
    const m = await measured(engine);
    policyChange.walls.push(m.wall);
    policyChange.cpus.push(m.cpu);
    policyTranslations = engine.stats.translations - t0;
    republished = cache.nodeIds().filter((n) => cache.get(n) !== before.get(n)).length;
  }
  // What `GET .../timeouts/{name}/status` computes: the every-service policy (matched everywhere)
  // and a per-gateway one.
  const statusMs: number[] = [];
  for (let c = 0; policies > 0 && c < 5; c++) {
    const t0 = performance.now();
    statuses.policy('Timeout', 'default', timeoutPolicy(0, gateways, services).name);
    statuses.policy('Timeout', 'default', timeoutPolicy(Math.min(2, policies - 1), gateways, services).name);
    statusMs.push(performance.now() - t0);
  }
  const result: BenchResult = {
    id: `generation-${gateways}gw-${routes}routes-${policies}timeouts`,
    description: `generation engine only: ${gateways} gateways x ${routes} routes, one replica each, ${policies} Timeout policies (mixed wildcard and per-service)${engine.workerRunning ? ' (generated in the worker thread)' : ''}`,
    metrics: {
      coldWallMs: Math.round(cold.wall),
      coldCpuMs: Math.round(cold.cpu),
      meshChangeWall: summarize(meshChange.walls),
      meshChangeCpu: summarize(meshChange.cpus),
      meshChangeLongestStall: summarize(meshChange.stalls),
      translationsPerMeshChange: meshTranslations,
      ...(policies > 0
        ? {
            policyChangeWall: summarize(policyChange.walls),
            policyChangeCpu: summarize(policyChange.cpus),
            translationsPerPolicyChange: policyTranslations,
            replicasWithNewSnapshot: republished,
            twoPolicyStatuses: summarize(statusMs),
          }
        : {}),
    },
  };
  await engine.close();
  return result;
}

/** 100 gateways x 100 routes, one replica each, one route change in one gateway. */
export async function benchGenerationManyGateways(gateways = 100, routes = 100): Promise<BenchResult> {
  const { store, cache, engine } = await setUp();
  for (let s = 0; s < 10; s++) await store.put(dataplane(`backend-${s}`, `10.200.0.${s + 1}`, { inbound: [{ port: 8080, tags: { 'kuma.io/service': `svc-${s}` } }] }));
  for (let g = 0; g < gateways; g++) {
    await store.put(gateway(`gw-${g}`, `edge-${g}`, [8080]));
    for (let r = 0; r < routes; r++) await store.put(route(`gw-${g}-route-${r}`, `edge-${g}`, `/r${r}`, `svc-${r % 10}`));
    await store.put(dataplane(`edge-${g}`, address(g), { gateway: { type: 'BUILTIN', tags: { 'kuma.io/service': `edge-${g}` } } }));
    cache.watch(`default.edge-${g}`, () => undefined);
  }
  const cold = await measured(engine);
  const walls: number[] = [];
  const cpus: number[] = [];
  const stalls: number[] = [];
  let translations = 0;
  let republished = 0;
  let changed = '';
  for (let c = 0; c < 5; c++) {
    const before = new Map(cache.nodeIds().map((n) => [n, cache.get(n)]));
    const t0 = engine.stats.translations;
    await store.put(route('gw-42-route-7', 'edge-42', `/changed-${c}`, 'svc-7'));
    const m = await measured(engine);
    walls.push(m.wall);
    cpus.push(m.cpu);
    stalls.push(m.stall);
    translations = engine.stats.translations - t0;
    const moved = cache.nodeIds().filter((n) => cache.get(n) !== before.get(n));
    republished = moved.length;
    changed = moved.map((n) => `${n}:${changedTypes(before.get(n), cache.get(n)).join('+')}`).join(',');
  }
  const result: BenchResult = {
    id: `generation-${gateways}gw-${routes}routes`,
    description: `generation engine only: ${gateways} gateways x ${routes} routes, one replica each, one route change in one gateway`,
    metrics: {
      coldWallMs: Math.round(cold.wall),
      coldStallMs: Math.round(cold.stall),
      changeWall: summarize(walls),
      changeCpu: summarize(cpus),
      changeLongestStall: summarize(stalls),
      translationsPerChange: translations,
      replicasWithNewSnapshot: republished,
      changed,
    },
  };
  await engine.close();
  return result;
}
