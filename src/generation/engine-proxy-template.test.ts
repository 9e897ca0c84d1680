// The engine with ProxyTemplates (docs/policies.md "ProxyTemplate"): after random changes to
// templates, gateways, routes and Dataplanes, every proxy is served exactly what a fresh engine
// computes from the store (a template change regenerates every proxy it may concern, and no
// other), and a template that cannot apply keeps the proxy on its last good configuration.
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { parseSpec } from '../api/resource-kinds.js';
import { MemoryStore } from '../core/memory-store.js';
import type { Kind, ResourceInput } from '../core/resource.js';
import type { ResourceStore } from '../core/store.js';
import { storedResource } from '../gateway/testdata/load-case.js';
import { SnapshotCache } from '../xds/cache/snapshot-cache.js';
import { GenerationEngine } from './engine.js';
import { random, served } from '../../test/support/engine-comparison.js';

const silent = pino({ level: 'silent' });
type Raw = Record<string, unknown> & { type: string; name: string };

function input(raw: Raw): ResourceInput {
  if (raw.type === 'ProxyTemplate') {
    const { type: _t, name, ...spec } = raw;
    const parsed = parseSpec('ProxyTemplate', spec);
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.violations));
    return { kind: 'ProxyTemplate', mesh: 'default', name, spec: parsed.value };
  }
  const r = storedResource<Kind>(raw);
  return { kind: r.kind, mesh: r.mesh, name: r.name, spec: r.spec };
}

function engineOn(store: ResourceStore, workerThreshold = Infinity): { engine: GenerationEngine; cache: SnapshotCache } {
  const cache = new SnapshotCache();
  const engine = new GenerationEngine({ store, cache, logger: silent, readFiles: async () => new Map(), workerThreshold });
  store.watch((event) => engine.onChange(event));
  return { engine, cache };
}

const MESH: Raw = { type: 'Mesh', name: 'default' };
const gateway = (service: string): Raw => ({ type: 'MeshGateway', name: 'gw', selectors: [{ match: { 'kuma.io/service': service } }], conf: { listeners: [{ port: 8080, protocol: 'HTTP' }] } });
const route = (service: string, backend: string): Raw => ({
  type: 'MeshGatewayRoute',
  name: 'r',
  selectors: [{ match: { 'kuma.io/service': service } }],
  conf: { http: { rules: [{ matches: [{ path: { match: 'PREFIX', value: '/' } }], backends: [{ destination: { 'kuma.io/service': backend } }] }] } },
});
const gatewayProxy = (name: string, service: string): Raw => ({ type: 'Dataplane', name, networking: { address: '10.1.0.1', gateway: { type: 'BUILTIN', tags: { 'kuma.io/service': service } } } });
const sidecar = (name: string, service: string, outbound: string): Raw => ({
  type: 'Dataplane',
  name,
  networking: { address: '10.2.0.1', inbound: [{ port: 8080, tags: { 'kuma.io/service': service, 'kuma.io/protocol': 'http' } }], outbound: [{ port: 10001, tags: { 'kuma.io/service': outbound } }] },
});
const template = (name: string, service: string, seconds: number, extra: object[] = []): Raw => ({
  type: 'ProxyTemplate',
  name,
  selectors: [{ match: { 'kuma.io/service': service } }],
  conf: { imports: ['default-proxy'], modifications: [{ cluster: { operation: 'patch', value: `connectTimeout: ${seconds}s` } }, ...extra] },
});

describe('GenerationEngine with ProxyTemplates', () => {
  it.each([
    ['inline', Infinity],
    ['in a worker thread', 0],
  ])('generating %s, after any sequence of changes serves exactly what a fresh engine computes from the store', async (_where, threshold) => {
    const store = new MemoryStore({ logger: silent });
    const { engine, cache } = engineOn(store, threshold);
    await store.put(input(MESH));
    const rnd = random(20261204);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
    const services = ['edge-a', 'edge-b', 'svc-1', 'svc-2', '*'];
    const variants: (() => Raw)[] = [
      () => template(pick(['t1', 't2', 't3']), pick(services), pick([1, 2, 3])),
      () => gateway(pick(['edge-a', 'edge-b'])),
      () => route(pick(['edge-a', 'edge-b']), pick(['svc-1', 'svc-2'])),
      () => gatewayProxy(pick(['g1', 'g2']), pick(['edge-a', 'edge-b'])),
      () => sidecar(pick(['s1', 's2', 's3']), pick(['svc-1', 'svc-2']), pick(['svc-1', 'svc-2'])),
    ];
    for (let step = 0; step < 120; step++) {
      for (let op = Math.floor(rnd() * 3); op >= 0; op--) {
        const raw = pick(variants)();
        if (rnd() < 0.25) await store.delete({ kind: raw.type as Kind, mesh: 'default', name: raw.name });
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

  it('a template change regenerates the proxies it selects and no other', async () => {
    const store = new MemoryStore({ logger: silent });
    const { engine } = engineOn(store);
    for (const raw of [MESH, gateway('edge-a'), route('edge-a', 'svc-1'), gatewayProxy('g1', 'edge-a'), sidecar('s1', 'svc-1', 'svc-2'), sidecar('s2', 'svc-2', 'svc-1')]) await store.put(input(raw));
    await engine.regenerate();
    const count = () => ({ ...engine.stats.translationsByKind });
    const before = count();
    await store.put(input(template('t1', 'svc-2', 4)));
    await engine.regenerate();
    const after = count();
    expect(after.sidecar).toBe((before.sidecar ?? 0) + 1);
    expect(after.gateway).toBe(before.gateway);
  });

  it('a template that cannot apply keeps the proxy on its last good configuration', async () => {
    const store = new MemoryStore({ logger: silent });
    const { engine, cache } = engineOn(store);
    for (const raw of [MESH, gateway('edge-a'), route('edge-a', 'svc-1'), gatewayProxy('g1', 'edge-a')]) await store.put(input(raw));
    await store.put(input(template('t1', 'edge-a', 4)));
    await engine.regenerate();
    const good = cache.get('default.g1')!;
    const wrongType = {
      networkFilter: {
        operation: 'patch',
        match: { name: 'envoy.filters.network.http_connection_manager' },
        value: "name: x\ntypedConfig:\n  '@type': type.googleapis.com/envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy\n  statPrefix: x",
      },
    };
    await store.put(input(template('t1', 'edge-a', 6, [wrongType])));
    await engine.regenerate();
    expect(engine.stats.errors).toBe(1);
    expect(cache.get('default.g1')!.version).toBe(good.version);
    await store.put(input(template('t1', 'edge-a', 6)));
    await engine.regenerate();
    expect(cache.get('default.g1')!.version).not.toBe(good.version);
  });
});
