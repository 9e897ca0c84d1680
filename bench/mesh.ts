// Issue 10's figures (bench/README.md, "Mesh"):
// - `ca-issue`: workload certificate issuance (RSA 2048 key on the thread pool + native signing):
//   ms per certificate one at a time, and certificates per second eight at a time (the engine's
//   concurrency), i.e. how many proxies per second the control plane can bring up with fresh
//   certificates; CPU per certificate counts the whole process (key generation runs on libuv's
//   thread pool, not the main thread).
// - `sidecar-50-outbounds`: generating one sidecar with 50 outbounds (mTLS on, 50 services x 2
//   instances): translate + build + encode + snapshot types, median ms.
// - `sidecars-1000-endpoint-change`: 1,000 sidecars in an mTLS mesh, each with 5 outbounds among
//   50 services; one backend instance moves address. Figures: the regeneration's wall time and
//   CPU, how many sidecars were re-translated and re-published, and the longest event-loop stall.
import { createPrivateKey } from 'node:crypto';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { pino } from 'pino';
import { createBuiltinCa, issueWorkloadCertificate } from '../src/ca/mesh-ca.js';
import { MemoryStore } from '../src/core/memory-store.js';
import type { ResourceInput, StoredResource } from '../src/core/resource.js';
import { EncodeCache } from '../src/generation/encode-cache.js';
import { GenerationEngine } from '../src/generation/engine.js';
import { generateSidecar } from '../src/generation/sidecar-generation.js';
import { WorkloadCertificates } from '../src/generation/workload-certificates.js';
import { resolveMeshCa } from '../src/mesh/mesh-ca-source.js';
import { SnapshotCache } from '../src/xds/cache/snapshot-cache.js';
import { summarize, type BenchResult } from './harness.js';

const silent = pino({ level: 'silent' });
const DAY = 86_400_000;

/** `ca-issue`: ms per certificate alone, and certificates per second eight at a time. */
export async function benchCertificateIssuance(count: number): Promise<BenchResult> {
  const root = await createBuiltinCa('default', { rsaBits: 2048, lifetimeMs: 10 * 365 * DAY, now: new Date() });
  const ca = { certPem: root.certPem, key: createPrivateKey(root.keyPem) };
  const uris = ['spiffe://default/backend', 'kuma://kuma.io/service/backend', 'kuma://version/v1'];
  const one: number[] = [];
  for (let i = 0; i < count; i++) {
    const started = performance.now();
    await issueWorkloadCertificate(ca, uris, { lifetimeMs: DAY, now: new Date() });
    one.push(performance.now() - started);
  }
  const certificates = new WorkloadCertificates();
  const request = { secretName: 'identity_cert:secret:default', uris, caCertPem: root.certPem, caKeyPem: root.keyPem, lifetimeMs: DAY, settings: '{}' };
  const started = performance.now();
  const cpu = process.cpuUsage();
  let next = 0;
  const worker = async () => {
    while (next < count) await certificates.ensure(`default.p${next++}`, request);
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  const wall = performance.now() - started;
  const used = process.cpuUsage(cpu);
  return {
    id: 'ca-issue',
    description: `${count} workload certificates one at a time, then ${count} through the engine's store eight at a time`,
    metrics: {
      perCertificate: summarize(one),
      concurrentPerSecond: Math.round((count / wall) * 1000 * 10) / 10,
      concurrentProcessCpuMsPerCertificate: Math.round(((used.user + used.system) / 1000 / count) * 100) / 100,
    },
  };
}

function meshResource(): StoredResource<'Mesh'> {
  return stored({ kind: 'Mesh', mesh: 'default', name: 'default', spec: { mtls: { enabledBackend: 'ca-1', backends: [{ name: 'ca-1', type: 'builtin' }] } } });
}

function stored<K extends ResourceInput['kind']>(r: ResourceInput): StoredResource<K> {
  return { ...r, version: '1', creationTime: '2026-01-01T00:00:00.000Z', modificationTime: '2026-01-01T00:00:00.000Z' } as unknown as StoredResource<K>;
}

function sidecar(name: string, address: string, service: string, outbounds: readonly string[]): ResourceInput {
  return {
    kind: 'Dataplane',
    mesh: 'default',
    name,
    spec: {
      networking: {
        address,
        inbound: [{ port: 20000, servicePort: 8080, serviceAddress: '127.0.0.1', tags: { 'kuma.io/service': service, 'kuma.io/protocol': 'http' } }],
        outbound: outbounds.map((s, i) => ({ port: 10000 + i, tags: { 'kuma.io/service': s } })),
      },
    },
  } as ResourceInput;
}

async function caSecrets(): Promise<ResourceInput[]> {
  const root = await createBuiltinCa('default', { rsaBits: 2048, lifetimeMs: 10 * 365 * DAY, now: new Date() });
  const secret = (name: string, pem: string) => ({ kind: 'Secret', mesh: 'default', name, spec: { data: Buffer.from(pem).toString('base64') } }) as ResourceInput;
  return [secret('default.ca-builtin-cert-ca-1', root.certPem), secret('default.ca-builtin-key-ca-1', root.keyPem)];
}

/** `sidecar-50-outbounds`: one sidecar's whole generation. */
export async function benchSidecarGeneration(outbounds: number, runs: number): Promise<BenchResult> {
  const services = Array.from({ length: outbounds }, (_, i) => `svc-${i}`);
  const secrets = (await caSecrets()).map((s) => stored<'Secret'>(s));
  const mesh = meshResource();
  const dataplanes = [
    stored<'Dataplane'>(sidecar('client', '10.0.0.1', 'client', services)),
    ...services.flatMap((s, i) => [stored<'Dataplane'>(sidecar(`${s}-a`, `10.1.${i}.1`, s, [])), stored<'Dataplane'>(sidecar(`${s}-b`, `10.1.${i}.2`, s, []))]),
  ];
  const ca = resolveMeshCa(mesh, secrets, new Map())!;
  const allowAll = stored<'TrafficPermission'>({
    kind: 'TrafficPermission',
    mesh: 'default',
    name: 'allow-all-default',
    spec: { sources: [{ match: { 'kuma.io/service': '*' } }], destinations: [{ match: { 'kuma.io/service': '*' } }] },
  } as ResourceInput);
  const input = { mesh, proxy: dataplanes[0]!, dataplanes, trafficPermissions: [allowAll], meshCas: new Map([['default', ca]]) };
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    // A fresh cache each run: the cost of a first generation, nothing reused.
    generateSidecar(input, new EncodeCache());
    samples.push(performance.now() - started);
  }
  return { id: `sidecar-${outbounds}-outbounds`, description: `one sidecar with ${outbounds} outbounds in an mTLS mesh, generated from scratch`, metrics: { generation: summarize(samples) } };
}

/** `sidecars-1000-endpoint-change`: which sidecars one backend's move regenerates, and at what cost. */
export async function benchSidecarsEndpointChange(count: number): Promise<BenchResult> {
  const store = new MemoryStore({ logger: silent });
  const cache = new SnapshotCache();
  // Certificates are issued once, up front; the change then costs no key generation.
  const engine = new GenerationEngine({ store, cache, logger: silent, readFiles: async () => new Map(), workerThreshold: Infinity });
  store.watch((event) => engine.onChange(event));
  await store.put({ kind: 'Mesh', mesh: 'default', name: 'default', spec: { mtls: { enabledBackend: 'ca-1', backends: [{ name: 'ca-1', type: 'builtin' }] } } } as ResourceInput);
  for (const s of await caSecrets()) await store.put(s);
  await store.put({
    kind: 'TrafficPermission',
    mesh: 'default',
    name: 'allow-all-default',
    spec: { sources: [{ match: { 'kuma.io/service': '*' } }], destinations: [{ match: { 'kuma.io/service': '*' } }] },
  } as ResourceInput);
  const services = Array.from({ length: 50 }, (_, i) => `svc-${i}`);
  for (let i = 0; i < count; i++) {
    const outbounds = Array.from({ length: 5 }, (_, k) => services[(i * 7 + k * 11) % services.length]!);
    await store.put(sidecar(`sc-${i}`, `10.${Math.floor(i / 250)}.${i % 250}.1`, services[i % services.length]!, [...new Set(outbounds)]));
  }
  for (let i = 0; i < count; i++) cache.watch(`default.sc-${i}`, () => undefined);
  const firstStarted = performance.now();
  await engine.regenerate();
  const firstMs = performance.now() - firstStarted;
  const before = new Map(Array.from({ length: count }, (_, i) => [i, cache.get(`default.sc-${i}`)]));
  const translations = engine.stats.translationsByKind.sidecar;
  const delay = monitorEventLoopDelay({ resolution: 1 });
  delay.enable();
  const cpu = process.cpuUsage();
  const started = performance.now();
  // sc-3 serves svc-3: move it.
  await store.put(sidecar('sc-3', '10.9.9.9', 'svc-3', []));
  await engine.regenerate();
  const wall = performance.now() - started;
  const used = process.cpuUsage(cpu);
  delay.disable();
  const republished = Array.from({ length: count }, (_, i) => i).filter((i) => cache.get(`default.sc-${i}`) !== before.get(i)).length;
  const callers = Array.from({ length: count }, (_, i) => i).filter((i) => Array.from({ length: 5 }, (_, k) => services[(i * 7 + k * 11) % 50]).includes('svc-3')).length;
  await engine.close();
  return {
    id: `sidecars-${count}-endpoint-change`,
    description: `${count} sidecars (mTLS, 5 outbounds each among 50 services); one instance of svc-3 moves address`,
    metrics: {
      firstGenerationMs: Math.round(firstMs),
      certificatesIssued: engine.certificates.stats.issued,
      changeWallMs: Math.round(wall),
      changeCpuMs: Math.round((used.user + used.system) / 1000),
      retranslated: engine.stats.translationsByKind.sidecar - translations,
      republished,
      callersOfTheService: callers,
      loopDelayMaxMs: Math.round(delay.max / 1e6),
    },
  };
}
