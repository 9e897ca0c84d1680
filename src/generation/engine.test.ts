import { readFileSync } from 'node:fs';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../core/memory-store.js';
import type { Kind, ResourceInput } from '../core/resource.js';
import type { ResourceStore } from '../core/store.js';
import { storedResource } from '../gateway/testdata/load-case.js';
import { TypeUrl } from '../xds/cache/resource-types.js';
import { SnapshotCache } from '../xds/cache/snapshot-cache.js';
import type { Snapshot } from '../xds/cache/snapshot.js';
import { GenerationEngine } from './engine.js';
import { random, served } from '../../test/support/engine-comparison.js';

const silent = pino({ level: 'silent' });
const noFiles = async () => new Map();

type Raw = Record<string, unknown> & { type: string; name: string };

/** A store write of a universal-form resource, normalised as the API would. */
function input(raw: Raw): ResourceInput {
  const r = storedResource<Kind>(raw);
  return { kind: r.kind, mesh: r.mesh, name: r.name, spec: r.spec };
}

function engineOn(store: ResourceStore, workerThreshold = Infinity): { engine: GenerationEngine; cache: SnapshotCache } {
  const cache = new SnapshotCache();
  const engine = new GenerationEngine({ store, cache, logger: silent, readFiles: noFiles, workerThreshold });
  store.watch((event) => engine.onChange(event));
  return { engine, cache };
}

const MESH: Raw = { type: 'Mesh', name: 'default' };

function gateway(name: string, service: string, ports: number[]): Raw {
  return {
    type: 'MeshGateway',
    name,
    selectors: [{ match: { 'kuma.io/service': service } }],
    conf: { listeners: ports.map((port) => ({ port, protocol: 'HTTP', tags: { port: `p${port}` } })) },
  };
}

function route(name: string, service: string, prefix: string, backend: string): Raw {
  return {
    type: 'MeshGatewayRoute',
    name,
    selectors: [{ match: { 'kuma.io/service': service } }],
    conf: { http: { rules: [{ matches: [{ path: { match: 'PREFIX', value: prefix } }], backends: [{ destination: { 'kuma.io/service': backend } }] }] } },
  };
}

function proxy(name: string, service: string, address: string): Raw {
  return { type: 'Dataplane', name, networking: { address, gateway: { type: 'BUILTIN', tags: { 'kuma.io/service': service } } } };
}

function backend(name: string, service: string, address: string, ready = true): Raw {
  return { type: 'Dataplane', name, networking: { address, inbound: [{ port: 8080, tags: { 'kuma.io/service': service }, ...(ready ? {} : { health: { ready: false } }) }] } };
}

/** An ExternalService of `service`, with TLS trusting the CA in Secret `ca-x` when `tls`. */
function externalService(name: string, service: string, address: string, tls: boolean): Raw {
  return { type: 'ExternalService', name, networking: { address, ...(tls ? { tls: { enabled: true, caCert: { secret: 'ca-x' } } } : {}) }, tags: { 'kuma.io/service': service } };
}

/** A TrafficPermission from `source` to `destination` (services, `*` allowed). */
function permission(name: string, source: string, destination: string): Raw {
  return { type: 'TrafficPermission', name, sources: [{ match: { 'kuma.io/service': source } }], destinations: [{ match: { 'kuma.io/service': destination } }] };
}

describe('GenerationEngine', () => {
  it.each([
    ['inline', Infinity],
    ['in a worker thread', 0],
  ])('generating %s, after any sequence of changes serves exactly what a fresh engine computes from the store', async (_where, threshold) => {
    const store = new MemoryStore({ logger: silent });
    const { engine, cache } = engineOn(store, threshold);
    await store.put(input(MESH));
    await engine.regenerate();
    const rnd = random(20261203);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
    const services = ['edge-a', 'edge-b', 'edge-c'];
    const addresses = ['10.1.0.1', '10.1.0.2', '10.1.0.3'];
    const variants: (() => Raw)[] = [
      () => gateway(pick(['gw-a', 'gw-b']), pick(services), pick([[8080], [8080, 8081], [9090]])),
      () => route(pick(['r1', 'r2', 'r3', 'r4', 'r5']), pick(services), pick(['/a', '/b', '/c']), pick(['svc-1', 'svc-2', 'svc-3', 'svc-ext'])),
      // ExternalServices, the TrafficPermissions that gate them and the Secret their TLS reads.
      () => externalService(pick(['es1', 'es2', 'es3']), pick(['svc-1', 'svc-ext']), pick(['ext.example:80', '192.0.2.1:443']), rnd() < 0.5),
      () => permission(pick(['tp1', 'tp2']), pick([...services, '*']), pick(['svc-1', 'svc-ext', '*'])),
      () => ({ type: 'Secret', name: 'ca-x', data: { pem: pick(['mesh-ca-default.crt', 'mesh-ca-other.crt']) } }),
      () => proxy(pick(['p1', 'p2', 'p3', 'p4', 'p5', 'p6']), pick(services), pick(addresses)),
      () => backend(pick(['b1', 'b2', 'b3', 'b4']), pick(['svc-1', 'svc-2', 'svc-3']), pick(['10.2.0.1', '10.2.0.2']), rnd() < 0.8),
      () => ({ ...MESH, ...(rnd() < 0.5 ? { logging: { defaultBackend: 'x', backends: [{ name: 'x', type: 'file', conf: { path: '/dev/null' } }] } } : {}) }),
    ];
    for (let step = 0; step < 200; step++) {
      for (let op = Math.floor(rnd() * 4); op >= 0; op--) {
        const raw = pick(variants)();
        if (raw.type !== 'Mesh' && rnd() < 0.2) await store.delete({ kind: raw.type as Kind, mesh: 'default', name: raw.name });
        else await store.put(input(raw));
      }
      await engine.regenerate();
      const fresh = engineOn(store);
      await fresh.engine.regenerate();
      expect(served(engine, cache), `step ${step}`).toEqual(served(fresh.engine, fresh.cache));
    }
    expect(engine.stats.errors).toBe(0);
    expect(engine.workerRunning).toBe(threshold === 0);
    await engine.close();
  });

  it('translates one identity for many replicas on distinct addresses, and a route change re-encodes only RouteConfigurations', async () => {
    const store = new MemoryStore({ logger: silent });
    const { engine, cache } = engineOn(store);
    await store.put(input(MESH));
    await store.put(input(gateway('edge', 'edge', [8080, 8081, 8082])));
    for (let i = 0; i < 20; i++) await store.put(input(route(`r${i}`, 'edge', `/p${i}`, `svc-${i % 4}`)));
    for (let i = 0; i < 4; i++) await store.put(input(backend(`b${i}`, `svc-${i}`, `10.2.0.${i}`)));
    for (let i = 0; i < 200; i++) await store.put(input(proxy(`gw-${i}`, 'edge', `10.3.${Math.floor(i / 250)}.${i % 250}`)));
    await engine.regenerate();
    expect(engine.stats.translationsByKind.gateway).toBe(1);
    const before = cache.get('default.gw-7')!;
    const { misses } = engine.encodeCache.stats;
    await store.put(input(route('r3', 'edge', '/changed', 'svc-3')));
    await engine.regenerate();
    expect(engine.stats.translationsByKind.gateway).toBe(2);
    // Only the RouteConfigurations that changed (one per listener: each binds the route) were
    // encoded; clusters, endpoints and listener templates came from the cache.
    expect(engine.encodeCache.stats.misses - misses).toBe(3);
    const after = cache.get('default.gw-7')!;
    expect(changedTypes(before, after)).toEqual([TypeUrl.RouteConfiguration]);
    // Replicas differ in their listeners only, bound to their own address.
    expect(cache.get('default.gw-8')!.types.get(TypeUrl.Listener)!.version).not.toBe(after.types.get(TypeUrl.Listener)!.version);
    expect(cache.get('default.gw-8')!.types.get(TypeUrl.RouteConfiguration)).toBe(after.types.get(TypeUrl.RouteConfiguration));
  });

  it('with 20 gateways, a route change re-translates only the gateway it binds to', async () => {
    const store = new MemoryStore({ logger: silent });
    const { engine, cache } = engineOn(store);
    await store.put(input(MESH));
    for (let g = 0; g < 20; g++) {
      await store.put(input(gateway(`gw-${g}`, `edge-${g}`, [8080])));
      for (let r = 0; r < 5; r++) await store.put(input(route(`g${g}-r${r}`, `edge-${g}`, `/p${r}`, 'svc')));
      await store.put(input(proxy(`proxy-${g}`, `edge-${g}`, '10.0.0.1')));
    }
    await store.put(input(backend('b', 'svc', '10.2.0.1')));
    await engine.regenerate();
    expect(engine.stats.translationsByKind.gateway).toBe(20);
    const before = new Map(engine.nodeIds().map((n) => [n, cache.get(n)!]));
    await store.put(input(route('g7-r2', 'edge-7', '/moved', 'svc')));
    await engine.regenerate();
    expect(engine.stats.translationsByKind.gateway).toBe(21);
    const changed = engine.nodeIds().filter((n) => cache.get(n) !== before.get(n));
    expect(changed).toEqual(['default.proxy-7']);
    expect(changedTypes(before.get('default.proxy-7')!, cache.get('default.proxy-7')!)).toEqual([TypeUrl.RouteConfiguration]);
    // An endpoint change reaches every gateway routing to the service, and only its EDS.
    await store.put(input(backend('b', 'svc', '10.2.0.9')));
    await engine.regenerate();
    expect(engine.stats.translationsByKind.gateway).toBe(41);
    expect(changedTypes(before.get('default.proxy-3')!, cache.get('default.proxy-3')!)).toEqual([TypeUrl.ClusterLoadAssignment]);
  });

  it('a replica that moves address gets new listeners without a translation; a removed one is dropped', async () => {
    const store = new MemoryStore({ logger: silent });
    const { engine, cache } = engineOn(store);
    await store.put(input(MESH));
    await store.put(input(gateway('edge', 'edge', [8080])));
    await store.put(input(proxy('gw-1', 'edge', '10.0.0.1')));
    await store.put(input(proxy('gw-2', 'edge', '10.0.0.1')));
    await engine.regenerate();
    expect(cache.get('default.gw-1')).toBe(cache.get('default.gw-2'));
    await store.put(input(proxy('gw-2', 'edge', '10.0.0.2')));
    await engine.regenerate();
    expect(engine.stats.translationsByKind.gateway).toBe(1);
    expect(changedTypes(cache.get('default.gw-1')!, cache.get('default.gw-2')!)).toEqual([TypeUrl.Listener]);
    await store.delete({ kind: 'Dataplane', mesh: 'default', name: 'gw-2' });
    await engine.regenerate();
    expect(engine.nodeIds()).toEqual(['default.gw-1']);
    expect(cache.get('default.gw-2')).toBeUndefined();
  });
});

describe('GenerationEngine and certificate files', () => {
  it('regenerates the identities that read a file when it changes, and names the files to watch', async () => {
    const pem = (name: string) => readFileSync(new URL(`../gateway/testdata/pem/${name}`, import.meta.url), 'utf8');
    const files = new Map([['/etc/tls/edge.pem', { content: pem('example-rsa.pem') }]]);
    const store = new MemoryStore({ logger: silent });
    const cache = new SnapshotCache();
    const engine = new GenerationEngine({ store, cache, logger: silent, readFiles: async (paths) => new Map(paths.map((p) => [p, files.get(p) ?? { error: 'ENOENT' }])) });
    store.watch((event) => engine.onChange(event));
    await store.put(input(MESH));
    await store.put(input({ type: 'MeshGateway', name: 'edge', selectors: [{ match: { 'kuma.io/service': 'edge' } }], conf: { listeners: [{ port: 443, protocol: 'HTTPS', hostname: 'example.com', tls: { mode: 'TERMINATE', certificates: [{ file: '/etc/tls/edge.pem' }] } }] } }));
    await store.put(input(gateway('other', 'other', [8080])));
    await store.put(input(proxy('gw-1', 'edge', '10.0.0.1')));
    await store.put(input(proxy('gw-2', 'other', '10.0.0.2')));
    await engine.regenerate();
    expect(engine.watchedFiles()).toEqual(['/etc/tls/edge.pem']);
    const before = cache.get('default.gw-1')!;
    const untouched = cache.get('default.gw-2')!;
    files.set('/etc/tls/edge.pem', { content: pem('example-ecdsa.pem') });
    engine.onFileChange('/etc/tls/edge.pem');
    await engine.regenerate();
    expect(changedTypes(before, cache.get('default.gw-1')!)).toContain(TypeUrl.Secret);
    expect(cache.get('default.gw-2')).toBe(untouched);
    expect(engine.stats.translationsByKind.gateway).toBe(3);
  });
});

describe('GenerationEngine with a worker thread', () => {
  it('when the worker dies, generates inline from then on and serves the same snapshots', async () => {
    const store = new MemoryStore({ logger: silent });
    const { engine, cache } = engineOn(store, 0);
    await store.put(input(MESH));
    await store.put(input(gateway('edge', 'edge', [8080])));
    await store.put(input(route('r1', 'edge', '/a', 'svc')));
    await store.put(input(proxy('gw-1', 'edge', '10.0.0.1')));
    await engine.regenerate();
    expect(engine.workerRunning).toBe(true);
    await (engine as unknown as { worker: { close(): Promise<void> } }).worker.close();
    await store.put(input(route('r1', 'edge', '/b', 'svc')));
    await engine.regenerate();
    expect(engine.workerRunning).toBe(false);
    const fresh = engineOn(store, Infinity);
    await fresh.engine.regenerate();
    expect(served(engine, cache)).toEqual(served(fresh.engine, fresh.cache));
    expect(engine.stats.errors).toBe(0);
    await engine.close();
  });
});

function changedTypes(a: Snapshot, b: Snapshot): string[] {
  return [...b.types.keys()].filter((t) => a.types.get(t)?.version !== b.types.get(t)?.version).sort();
}
