// The engine in mTLS meshes (docs/mesh-mtls.md §1.6, §6): every gateway proxy gets its own workload
// certificate over SDS, issued from the mesh CA, renewed when due or when its inputs change.
import { X509Certificate } from 'node:crypto';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../core/memory-store.js';
import type { Kind, ResourceInput } from '../core/resource.js';
import { storedResource } from '../gateway/testdata/load-case.js';
import { TypeUrl } from '../xds/cache/resource-types.js';
import { SnapshotCache } from '../xds/cache/snapshot-cache.js';
import type { Snapshot } from '../xds/cache/snapshot.js';
import { decodeResource } from '../xds/envoy/encode.js';
import { GenerationEngine } from './engine.js';
import { WorkloadCertificates } from './workload-certificates.js';

const silent = pino({ level: 'silent' });
type Raw = Record<string, unknown> & { type: string; name: string };

function input(raw: Raw): ResourceInput {
  const r = storedResource<Kind>(raw);
  return { kind: r.kind, mesh: r.mesh, name: r.name, spec: r.spec };
}

const mesh = (mode = 'STRICT', expiration = '1d'): Raw => ({
  type: 'Mesh',
  name: 'default',
  mtls: { enabledBackend: 'ca-1', backends: [{ name: 'ca-1', type: 'builtin', mode, dpCert: { rotation: { expiration } } }] },
});
const caSecrets: Raw[] = [
  { type: 'Secret', name: 'default.ca-builtin-cert-ca-1', data: { pem: 'mesh-ca-default.crt' } },
  { type: 'Secret', name: 'default.ca-builtin-key-ca-1', data: { pem: 'mesh-ca-default.key' } },
];
const gateway: Raw = { type: 'MeshGateway', name: 'edge', selectors: [{ match: { 'kuma.io/service': 'edge' } }], conf: { listeners: [{ port: 8080, protocol: 'HTTP' }] } };
const route: Raw = {
  type: 'MeshGatewayRoute',
  name: 'web',
  selectors: [{ match: { 'kuma.io/service': 'edge' } }],
  conf: { http: { rules: [{ matches: [{ path: { match: 'PREFIX', value: '/' } }], backends: [{ destination: { 'kuma.io/service': 'web' } }] }] } },
};
const proxy = (name: string, address: string): Raw => ({ type: 'Dataplane', name, networking: { address, gateway: { type: 'BUILTIN', tags: { 'kuma.io/service': 'edge', zone: 'east' } } } });

async function setUp(clock: { now: number }, resources: Raw[]) {
  const store = new MemoryStore();
  for (const r of resources) await store.put(input(r));
  const cache = new SnapshotCache();
  const certificates = new WorkloadCertificates(() => clock.now);
  let wakeUps = 0;
  const engine = new GenerationEngine({ store, cache, logger: silent, readFiles: async () => new Map(), workerThreshold: Infinity, certificates, onRenewalDue: () => (wakeUps += 1) });
  store.watch((event) => engine.onChange(event));
  // Streams watching the proxies, as connected Envoys do.
  for (const id of ['default.gw-1', 'default.gw-2']) cache.watch(id, () => undefined);
  await engine.regenerate();
  return { store, cache, engine, certificates, wakeUps: () => wakeUps };
}

function identityCertificate(snapshot: Snapshot | undefined): X509Certificate {
  const resource = snapshot?.types.get(TypeUrl.Secret)?.resources.get('identity_cert:secret:default');
  expect(resource, 'identity secret').toBeDefined();
  const secret = decodeResource(TypeUrl.Secret, resource!.bytes) as { tls_certificate: { certificate_chain: { inline_string: string } } };
  return new X509Certificate(secret.tls_certificate.certificate_chain.inline_string);
}

describe('GenerationEngine in an mTLS mesh', () => {
  it('gives every gateway proxy its own certificate, issued by the mesh CA for its tags', async () => {
    const clock = { now: Date.parse('2026-12-03T12:00:00Z') };
    const { cache } = await setUp(clock, [mesh(), ...caSecrets, gateway, route, proxy('gw-1', '10.0.0.1'), proxy('gw-2', '10.0.0.2')]);
    const one = identityCertificate(cache.get('default.gw-1'));
    const two = identityCertificate(cache.get('default.gw-2'));
    expect(one.subjectAltName).toBe('URI:spiffe://default/edge, URI:kuma://kuma.io/service/edge, URI:kuma://zone/east');
    expect(one.serialNumber).not.toBe(two.serialNumber);
    const ca = new X509Certificate(storedResource<'Secret'>(caSecrets[0]!).spec.data === '' ? '' : Buffer.from(storedResource<'Secret'>(caSecrets[0]!).spec.data, 'base64').toString());
    expect(one.verify(ca.publicKey)).toBe(true);
    expect(new Date(one.validTo).getTime() - new Date(one.validFrom).getTime()).toBe(86_400_000 + 10_000);
    // The shared parts stay shared: one CDS type for both replicas.
    expect(cache.get('default.gw-1')!.types.get(TypeUrl.Cluster)).toBe(cache.get('default.gw-2')!.types.get(TypeUrl.Cluster));
    const secrets = [...cache.get('default.gw-1')!.types.get(TypeUrl.Secret)!.resources.keys()];
    expect(secrets).toEqual(['identity_cert:secret:default', 'mesh_ca:secret:default']);
  });

  it('renews a certificate at 80 % of its lifetime, and when the mesh mTLS settings change', async () => {
    const clock = { now: Date.parse('2026-12-03T12:00:00Z') };
    const { store, cache, engine, wakeUps } = await setUp(clock, [mesh('STRICT', '1h'), ...caSecrets, gateway, route, proxy('gw-1', '10.0.0.1')]);
    const first = identityCertificate(cache.get('default.gw-1')).serialNumber;
    expect(wakeUps()).toBe(0);
    clock.now += 47 * 60_000;
    await engine.regenerate();
    expect(identityCertificate(cache.get('default.gw-1')).serialNumber).toBe(first);
    clock.now += 2 * 60_000;
    await engine.regenerate();
    const renewed = identityCertificate(cache.get('default.gw-1')).serialNumber;
    expect(renewed).not.toBe(first);
    // What the insight reports (Kuma's DataplaneInsight.mTLS).
    expect(engine.certificates.insight('default.gw-1')).toEqual({
      certificateExpirationTime: new Date(clock.now + 3_600_000).toISOString(),
      lastCertificateRegeneration: new Date(clock.now).toISOString(),
      certificateRegenerations: 2,
      issuedBackend: 'ca-1',
      supportedBackends: ['ca-1'],
    });
    await store.put(input(mesh('PERMISSIVE', '1h')));
    await engine.regenerate();
    expect(identityCertificate(cache.get('default.gw-1')).serialNumber).not.toBe(renewed);
  });

  it('keeps a proxy on its last config while its mesh CA is missing', async () => {
    const clock = { now: Date.parse('2026-12-03T12:00:00Z') };
    const { store, cache, engine } = await setUp(clock, [mesh(), ...caSecrets, gateway, route, proxy('gw-1', '10.0.0.1')]);
    const before = cache.get('default.gw-1');
    await store.delete({ kind: 'Secret', mesh: 'default', name: 'default.ca-builtin-key-ca-1' });
    await engine.regenerate();
    expect(cache.get('default.gw-1')).toBe(before);
    expect(engine.stats.errors).toBeGreaterThan(0);
  });
});

/** Polls until `probe` holds (at most 10 s). */
async function eventually(probe: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !probe(); i++) await new Promise((r) => setTimeout(r, 50));
  expect(probe()).toBe(true);
}

describe('GenerationEngine renewal wake-ups', () => {
  it('parks the due certificate of a disconnected proxy (no wake-up loop) and renews it when the proxy reconnects', async () => {
    const clock = { now: Date.now() };
    const store = new MemoryStore();
    for (const r of [mesh('STRICT', '1h'), ...caSecrets, gateway, route, proxy('gw-1', '10.0.0.1')]) await store.put(input(r));
    const cache = new SnapshotCache();
    let wakeUps = 0;
    const engine = new GenerationEngine({
      store,
      cache,
      logger: silent,
      readFiles: async () => new Map(),
      workerThreshold: Infinity,
      certificates: new WorkloadCertificates(() => clock.now),
      onRenewalDue: () => (wakeUps += 1),
    });
    store.watch((event) => engine.onChange(event));
    const unwatch = cache.watch('default.gw-1', () => undefined);
    await engine.regenerate();
    expect(engine.certificates.has('default.gw-1')).toBe(true);
    unwatch();
    // Past the renewal time, the next run parks the certificate and drops the held snapshot
    // instead of reissuing for nobody; the timer is not re-armed for it.
    clock.now += 2 * 3_600_000;
    await store.put(input({ ...route, conf: { http: { rules: [] } } }));
    await engine.regenerate();
    await engine.regenerate();
    await new Promise((r) => setTimeout(r, 50));
    expect(wakeUps).toBe(0);
    expect(engine.certificates.stats.issued).toBe(1);
    expect(cache.peek('default.gw-1')).toBeUndefined();
    // Reconnecting: the snapshot is built anew, with a new certificate.
    cache.watch('default.gw-1', () => undefined);
    expect(cache.get('default.gw-1')).toBeUndefined();
    await eventually(() => cache.get('default.gw-1') !== undefined);
    expect(engine.certificates.stats.issued).toBe(2);
    await engine.close();
  });
});
