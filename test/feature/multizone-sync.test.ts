// Multi-zone sync over real gRPC on loopback (docs/multizone.md §3): a global's sync services and
// zone clients with in-memory stores. Shows: global resources reach a zone under their synced
// names and labels; zone Dataplanes reach global pinned to the zone; the first response per kind
// replaces what the zone held (stale copies deleted, local objects kept); zone tokens are required
// and bound to the zone; invalid resources are NACKed without blocking the rest; a dropped stream
// deletes nothing; the Zone and ZoneInsight are written.
import { afterEach, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import * as grpc from '@grpc/grpc-js';
import { MemoryStore } from '../../src/core/memory-store.js';
import type { ResourceStore } from '../../src/core/store.js';
import { ZoneTokens, publicKeyPem } from '../../src/tokens/zone-token.js';
import { GlobalSync } from '../../src/kds/global-sync.js';
import { startSyncPort, type SyncPort } from '../../src/kds/sync-port.js';
import { ZoneSync, nextBackoff, type ZoneSyncOptions } from '../../src/kds/zone-sync.js';
import { hashSuffix } from '../../src/multizone/hash-suffix.js';
import type { WriteOp } from '../../src/core/store.js';
import { syncClientDefinition } from '../../src/kds/kds-protocol.js';
import type { ZoneInsightSpec } from '../../src/api/zone-insight.js';
import { parseSpec, type SpecByKind } from '../../src/api/resource-kinds.js';

const logger = pino({ level: process.env.SYNC_LOG ?? 'silent' });
const derivePublicKey = (data: string): string => Buffer.from(publicKeyPem(Buffer.from(data, 'base64'))).toString('base64');

interface Global {
  store: ResourceStore;
  sync: GlobalSync;
  port: SyncPort;
  tokens: ZoneTokens;
}

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.reverse()) await c();
  cleanups.length = 0;
});

async function startGlobal(store: ResourceStore = new MemoryStore()): Promise<Global> {
  const tokens = new ZoneTokens(store);
  const sync = new GlobalSync({ store, zoneTokens: tokens, derivePublicKey, logger, instanceId: 'global-1', debounceMs: 10, nackBackoffMs: 300, insightFlushIntervalMs: 100 });
  await sync.start();
  const port = await startSyncPort({ host: '127.0.0.1', port: 0, sync });
  cleanups.push(async () => {
    await sync.close();
    await port.close();
  });
  return { store, sync, port, tokens };
}

async function zoneToken(global: Global, zone: string, scope: Array<'cp' | 'ingress'> = ['cp']): Promise<string> {
  return global.tokens.issue({ zone, scope, validForSeconds: 3600 }, Date.now());
}

function startZone(
  global: Global,
  zone: string,
  token: string,
  store: ResourceStore = new MemoryStore(),
  extra: Pick<ZoneSyncOptions, 'objectNameOf'> = {},
): { store: ResourceStore; sync: ZoneSync } {
  const sync = new ZoneSync({
    ...extra,
    store,
    zone,
    globalAddress: `grpc://127.0.0.1:${global.port.port}`,
    token: async () => token,
    logger,
    instanceId: `${zone}-cp`,
    debounceMs: 10,
    baseBackoffMs: 50,
    maxBackoffMs: 200,
  });
  sync.start();
  cleanups.push(() => sync.stop());
  return { store, sync };
}

async function eventually<T>(read: () => Promise<T>, ok: (value: T) => boolean, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (ok(value)) return value;
    if (Date.now() > deadline) throw new Error(`condition not met in ${timeoutMs} ms; last value: ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const names = async (store: ResourceStore, kind: 'Mesh' | 'MeshGateway' | 'MeshGatewayRoute' | 'Dataplane' | 'TrafficPermission'): Promise<string[]> =>
  (await store.list(kind)).map((r) => r.name).sort();

/** A spec as the store holds it: decoded and validated like a REST write. */
function spec<K extends 'MeshGateway' | 'Dataplane'>(kind: K, raw: unknown): SpecByKind[K] {
  const parsed = parseSpec(kind, raw);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.violations));
  return parsed.value;
}

const GATEWAY_RAW = { selectors: [{ match: { 'kuma.io/service': 'edge' } }], conf: { listeners: [{ port: 8080, protocol: 'HTTP' }] } };
const GATEWAY = spec('MeshGateway', GATEWAY_RAW);
const DATAPLANE = spec('Dataplane', { networking: { address: '10.0.0.1', gateway: { type: 'BUILTIN', tags: { 'kuma.io/service': 'edge' } } } });

describe('multi-zone sync over gRPC', () => {
  it('sends global resources to a zone under synced names, and zone Dataplanes to global pinned to the zone', async () => {
    const global = await startGlobal();
    await global.store.put({ kind: 'Mesh', mesh: 'default', name: 'default', spec: {} });
    await global.store.put({ kind: 'MeshGateway', mesh: 'default', name: 'edge', spec: GATEWAY });
    const zone = startZone(global, 'zone-1', await zoneToken(global, 'zone-1'));
    await zone.store.put({ kind: 'Dataplane', mesh: 'default', name: 'edge-1', spec: DATAPLANE });

    const meshes = await eventually(() => names(zone.store, 'Mesh'), (n) => n.length === 1);
    expect(meshes).toEqual(['default']);
    const gateways = await eventually(() => zone.store.list('MeshGateway'), (l) => l.length === 1);
    expect(gateways[0]!.name).toMatch(/^edge-[a-z0-9]{16}$/);
    expect(gateways[0]!.labels).toMatchObject({ 'kuma.io/origin': 'global', 'kuma.io/display-name': 'edge' });
    expect(gateways[0]!.spec).toEqual(GATEWAY);

    const dataplanes = await eventually(() => global.store.list('Dataplane'), (l) => l.length === 1);
    expect(dataplanes[0]!.name).toMatch(/^edge-1-[a-z0-9]{16}$/);
    expect(dataplanes[0]!.labels).toMatchObject({ 'kuma.io/origin': 'zone', 'kuma.io/zone': 'zone-1', 'kuma.io/display-name': 'edge-1' });
    // The zone's copy from global is never sent back, and the zone's own objects never come back to it.
    expect(await names(global.store, 'MeshGateway')).toEqual(['edge']);

    const zones = await eventually(() => global.store.list('Zone'), (l) => l.length === 1);
    expect(zones[0]).toMatchObject({ name: 'zone-1', spec: { enabled: true } });
    const insight = await eventually(
      () => global.store.get({ kind: 'ZoneInsight', mesh: 'zone-1', name: 'zone-1' }),
      (i) => ((i?.spec as ZoneInsightSpec | undefined)?.subscriptions?.[0]?.status?.total?.responsesAcknowledged ?? 0) > 0,
    );
    const spec = insight!.spec as ZoneInsightSpec;
    expect(spec.subscriptions).toHaveLength(1);
    expect(spec.subscriptions![0]).toMatchObject({ globalInstanceId: 'global-1', zoneInstanceId: 'zone-1-cp', authTokenProvided: true });
    expect(spec.subscriptions![0]!.disconnectTime).toBeUndefined();
    expect(spec.healthCheck?.time).toBeDefined();
  });

  it('follows changes and deletions in both directions', async () => {
    const global = await startGlobal();
    await global.store.put({ kind: 'Mesh', mesh: 'default', name: 'default', spec: {} });
    const zone = startZone(global, 'zone-1', await zoneToken(global, 'zone-1'));
    await eventually(() => names(zone.store, 'Mesh'), (n) => n.length === 1);

    await global.store.put({ kind: 'MeshGateway', mesh: 'default', name: 'edge', spec: GATEWAY });
    await eventually(() => names(zone.store, 'MeshGateway'), (n) => n.length === 1);
    const changed = spec('MeshGateway', { ...GATEWAY_RAW, conf: { listeners: [{ port: 9090, protocol: 'HTTP' }] } });
    await global.store.put({ kind: 'MeshGateway', mesh: 'default', name: 'edge', spec: changed });
    await eventually(() => zone.store.list('MeshGateway'), (l) => JSON.stringify(l[0]?.spec) === JSON.stringify(changed));
    await global.store.delete({ kind: 'MeshGateway', mesh: 'default', name: 'edge' });
    await eventually(() => names(zone.store, 'MeshGateway'), (n) => n.length === 0);

    await zone.store.put({ kind: 'Dataplane', mesh: 'default', name: 'edge-1', spec: DATAPLANE });
    await eventually(() => names(global.store, 'Dataplane'), (n) => n.length === 1);
    await zone.store.delete({ kind: 'Dataplane', mesh: 'default', name: 'edge-1' });
    await eventually(() => names(global.store, 'Dataplane'), (n) => n.length === 0);
  });

  it('replaces a reconnecting zone\'s stale copies with the complete set and keeps its local objects', async () => {
    const global = await startGlobal();
    await global.store.put({ kind: 'Mesh', mesh: 'default', name: 'default', spec: {} });
    await global.store.put({ kind: 'MeshGateway', mesh: 'default', name: 'edge', spec: GATEWAY });
    const zoneStore = new MemoryStore();
    // A copy global no longer has (deleted while the zone was away), and a gateway made in the zone.
    await zoneStore.put({ kind: 'MeshGateway', mesh: 'default', name: 'gone-4d5b6f7c8d9f4b5c', labels: { 'kuma.io/origin': 'global', 'kuma.io/display-name': 'gone' }, spec: GATEWAY });
    await zoneStore.put({ kind: 'MeshGateway', mesh: 'default', name: 'local', spec: GATEWAY });
    startZone(global, 'zone-1', await zoneToken(global, 'zone-1'), zoneStore);
    const after = await eventually(() => names(zoneStore, 'MeshGateway'), (n) => n.length === 2 && !n.includes('gone-4d5b6f7c8d9f4b5c'));
    expect(after).toContain('local');
    expect(after.find((n) => n.startsWith('edge-'))).toBeDefined();
    // The local gateway travels to global (zone-provided), under a hashed name with the zone.
    const onGlobal = await eventually(() => global.store.list('MeshGateway'), (l) => l.length === 2);
    expect(onGlobal.find((r) => r.labels?.['kuma.io/display-name'] === 'local')?.labels).toMatchObject({ 'kuma.io/zone': 'zone-1', 'kuma.io/origin': 'zone' });
  });

  it('refuses a stream without a token, with another zone\'s token or without scope cp, before anything is exchanged', async () => {
    const global = await startGlobal();
    await global.store.put({ kind: 'Mesh', mesh: 'default', name: 'default', spec: {} });
    const Client = grpc.makeGenericClientConstructor(syncClientDefinition() as grpc.ServiceDefinition<grpc.UntypedServiceImplementation>, 'KdsSync');
    const client = new Client(`127.0.0.1:${global.port.port}`, grpc.credentials.createInsecure()) as unknown as {
      GlobalToZoneSync(md: grpc.Metadata): grpc.ClientDuplexStream<object, unknown>;
      close(): void;
    };
    cleanups.push(async () => client.close());
    const attempt = async (token: string | undefined, zone: string): Promise<{ code: number; details: string; received: number }> => {
      const md = new grpc.Metadata();
      md.set('client-id', zone);
      if (token !== undefined) md.set('authorization', `Bearer ${token}`);
      const call = client.GlobalToZoneSync(md);
      let received = 0;
      call.on('data', () => (received += 1));
      call.write({ type_url: 'Mesh', resource_names_subscribe: ['*'], node: { id: zone } });
      return new Promise((resolve) => call.on('error', (err: grpc.ServiceError) => resolve({ code: err.code, details: err.details, received })));
    };
    const none = await attempt(undefined, 'zone-1');
    expect(none).toMatchObject({ code: grpc.status.UNAUTHENTICATED, details: 'zone token is missing', received: 0 });
    const other = await attempt(await zoneToken(global, 'zone-2'), 'zone-1');
    expect(other).toMatchObject({ code: grpc.status.PERMISSION_DENIED, details: 'zone from requestor: zone-1 is different than in token: zone-2', received: 0 });
    const ingress = await attempt(await zoneToken(global, 'zone-1', ['ingress']), 'zone-1');
    expect(ingress.code).toBe(grpc.status.PERMISSION_DENIED);
    expect(ingress.details).toContain('scope "cp"');
    const garbage = await attempt('not-a-token', 'zone-1');
    expect(garbage.code).toBe(grpc.status.UNAUTHENTICATED);
    // Nothing was recorded for refused streams.
    expect(await global.store.list('Zone')).toEqual([]);
  });

  it('a Kubernetes zone: its store without multi-object commits receives op by op; a namespaced Dataplane reaches global named from its object', async () => {
    const global = await startGlobal();
    await global.store.put({ kind: 'Mesh', mesh: 'default', name: 'default', spec: {} });
    await global.store.put({ kind: 'MeshGateway', mesh: 'default', name: 'edge', spec: GATEWAY });
    await global.store.put({ kind: 'MeshGateway', mesh: 'default', name: 'edge-2', spec: GATEWAY });
    // Like the Kubernetes store: commit() refuses more than one op.
    const commits: number[] = [];
    const store = new (class extends MemoryStore {
      override readonly atomicCommit: boolean = false;
      override async commit(ops: readonly WriteOp[]) {
        if (ops.length > 1) throw new Error('no multi-object transactions');
        commits.push(ops.length);
        return super.commit(ops);
      }
    })();
    // Store names `<name>.<namespace>` for Dataplanes, as the Kubernetes store keeps namespaced objects.
    const objectNameOf: ZoneSyncOptions['objectNameOf'] = (s) => (s.kind === 'Dataplane' ? { name: s.name.split('.')[0]!, namespace: s.name.split('.')[1]! } : undefined);
    const zone = startZone(global, 'zone-1', await zoneToken(global, 'zone-1'), store, { objectNameOf });
    await eventually(() => names(zone.store, 'MeshGateway'), (n) => n.length === 2);
    expect(commits.length).toBeGreaterThanOrEqual(3);

    await zone.store.put({ kind: 'Dataplane', mesh: 'default', name: 'backend-1.shop', labels: { 'k8s.kuma.io/namespace': 'shop' }, spec: DATAPLANE });
    const [dp] = await eventually(() => global.store.list('Dataplane'), (l) => l.length === 1);
    // Kuma's hash input for a Kubernetes zone: mesh, object name, zone, namespace.
    expect(dp!.name).toBe(`backend-1-${hashSuffix('defaultbackend-1zone-1shop')}`);
    expect(dp!.labels).toMatchObject({ 'kuma.io/origin': 'zone', 'kuma.io/zone': 'zone-1', 'kuma.io/display-name': 'backend-1', 'k8s.kuma.io/namespace': 'shop' });
  });

  it('after a NACK naming one resource, the others of that response count as held: deleting one on global reaches the zone', async () => {
    const global = await startGlobal();
    await global.store.put({ kind: 'Mesh', mesh: 'default', name: 'default', spec: {} });
    const zone = startZone(global, 'zone-1', await zoneToken(global, 'zone-1'));
    await eventually(() => names(zone.store, 'Mesh'), (n) => n.length === 1);
    // `other` is taken by a local Mesh: rejected; `third` in the same response is stored.
    await zone.store.put({ kind: 'Mesh', mesh: 'other', name: 'other', spec: {} });
    await global.store.commit([
      { op: 'put', resource: { kind: 'Mesh', mesh: 'other', name: 'other', spec: {} } },
      { op: 'put', resource: { kind: 'Mesh', mesh: 'third', name: 'third', spec: {} } },
    ]);
    await eventually(() => names(zone.store, 'Mesh'), (n) => n.includes('third'));
    await eventually(
      () => global.store.get({ kind: 'ZoneInsight', mesh: 'zone-1', name: 'zone-1' }),
      (i) => ((i?.spec as ZoneInsightSpec | undefined)?.subscriptions?.[0]?.status?.stat?.['Mesh']?.responsesRejected ?? 0) > 0,
    );
    await global.store.delete({ kind: 'Mesh', mesh: 'third', name: 'third' });
    // Sent once the NACK backoff (300 ms here) has passed.
    expect(await eventually(() => names(zone.store, 'Mesh'), (n) => !n.includes('third'))).toEqual(['default', 'other']);
  });

  it('pins zone attribution to the authenticated zone: a Dataplane claiming another zone is stored as the stream\'s', async () => {
    const global = await startGlobal();
    await global.store.put({ kind: 'Mesh', mesh: 'default', name: 'default', spec: {} });
    const zone = startZone(global, 'zone-1', await zoneToken(global, 'zone-1'));
    const spoofed = spec('Dataplane', { networking: { address: '10.0.0.2', inbound: [{ port: 8080, tags: { 'kuma.io/service': 'web', 'kuma.io/zone': 'zone-2' } }] } });
    await zone.store.put({ kind: 'Dataplane', mesh: 'default', name: 'web-1', labels: { 'kuma.io/zone': 'zone-2' }, spec: spoofed });
    const [dp] = await eventually(() => global.store.list('Dataplane'), (l) => l.length === 1);
    expect(dp!.labels?.['kuma.io/zone']).toBe('zone-1');
    expect((dp!.spec as typeof spoofed).networking.inbound?.[0]?.tags['kuma.io/zone']).toBe('zone-1');
  });

  it('NACKs an invalid resource with its field path, stores the rest, and a dropped stream deletes nothing', async () => {
    const global = await startGlobal();
    await global.store.put({ kind: 'Mesh', mesh: 'default', name: 'default', spec: {} });
    const zone = startZone(global, 'zone-1', await zoneToken(global, 'zone-1'));
    await eventually(() => names(zone.store, 'Mesh'), (n) => n.length === 1);
    // A zone-side object already holds a name global sends (created locally before federation).
    await zone.store.put({ kind: 'Mesh', mesh: 'other', name: 'other', spec: {} });
    await global.store.put({ kind: 'Mesh', mesh: 'other', name: 'other', spec: { mtls: { enabledBackend: 'ca-1', backends: [{ name: 'ca-1', type: 'builtin' }] } } });
    await global.store.put({ kind: 'Mesh', mesh: 'third', name: 'third', spec: {} });
    const meshes = await eventually(() => names(zone.store, 'Mesh'), (n) => n.includes('third'));
    expect(meshes).toEqual(['default', 'other', 'third']);
    // The local Mesh was not overwritten.
    expect((await zone.store.get({ kind: 'Mesh', mesh: 'other', name: 'other' }))!.spec).toEqual({});
    const insight = await eventually(
      () => global.store.get({ kind: 'ZoneInsight', mesh: 'zone-1', name: 'zone-1' }),
      (i) => ((i?.spec as ZoneInsightSpec | undefined)?.subscriptions?.[0]?.status?.stat?.['Mesh']?.responsesRejected ?? 0) > 0,
    );
    expect((insight!.spec as ZoneInsightSpec).subscriptions![0]!.status!.stat!['Mesh']!.responsesRejected).toBe(1);

    // The zone goes away: global keeps its Dataplanes, the zone keeps what it received.
    await zone.store.put({ kind: 'Dataplane', mesh: 'default', name: 'edge-1', spec: DATAPLANE });
    await eventually(() => names(global.store, 'Dataplane'), (n) => n.length === 1);
    await zone.sync.stop();
    await eventually(
      () => global.store.get({ kind: 'ZoneInsight', mesh: 'zone-1', name: 'zone-1' }),
      (i) => (i?.spec as ZoneInsightSpec | undefined)?.subscriptions?.[0]?.disconnectTime !== undefined,
    );
    expect(await names(global.store, 'Dataplane')).toHaveLength(1);
    expect(await names(zone.store, 'Mesh')).toEqual(['default', 'other', 'third']);
  });

  it("deleting an offline zone's Zone deletes the copies it sent and its ZoneInsight, and nothing of other zones", async () => {
    const global = await startGlobal();
    await global.store.put({ kind: 'Mesh', mesh: 'default', name: 'default', spec: {} });
    const one = startZone(global, 'zone-1', await zoneToken(global, 'zone-1'));
    const two = startZone(global, 'zone-2', await zoneToken(global, 'zone-2'));
    await one.store.put({ kind: 'Dataplane', mesh: 'default', name: 'edge-1', spec: DATAPLANE });
    await two.store.put({ kind: 'Dataplane', mesh: 'default', name: 'edge-1', spec: DATAPLANE });
    await eventually(() => global.store.list('Dataplane'), (l) => l.length === 2);
    await one.sync.stop();
    await eventually(
      () => global.store.get({ kind: 'ZoneInsight', mesh: 'zone-1', name: 'zone-1' }),
      (i) => (i?.spec as ZoneInsightSpec | undefined)?.subscriptions?.[0]?.disconnectTime !== undefined,
    );
    await global.store.delete({ kind: 'Zone', mesh: 'zone-1', name: 'zone-1' });
    const left = await eventually(() => global.store.list('Dataplane'), (l) => l.length === 1);
    expect(left[0]!.labels?.['kuma.io/zone']).toBe('zone-2');
    await eventually(() => global.store.get({ kind: 'ZoneInsight', mesh: 'zone-1', name: 'zone-1' }), (i) => i === undefined);
    expect(global.sync.connectedZones()).toEqual(['zone-2']);
  });

  it('reconnects with growing delays after the global goes away, and converges when it is back', async () => {
    const store = new MemoryStore();
    const first = await startGlobal(store);
    await store.put({ kind: 'Mesh', mesh: 'default', name: 'default', spec: {} });
    const zone = startZone(first, 'zone-1', await zoneToken(first, 'zone-1'));
    await eventually(() => names(zone.store, 'Mesh'), (n) => n.length === 1);
    await first.sync.close();
    await first.port.close();
    await store.put({ kind: 'Mesh', mesh: 'later', name: 'later', spec: {} });
    await eventually(async () => zone.sync.state(), (s) => s.attempts >= 3);
    // Same store, new port: the zone is pointed at it through a second client (addresses are fixed per client).
    const second = await startGlobal(store);
    const again = startZone(second, 'zone-1', await zoneToken(second, 'zone-1'), zone.store);
    await zone.sync.stop();
    expect(await eventually(() => names(again.store, 'Mesh'), (n) => n.length === 2)).toEqual(['default', 'later']);
  });
});

describe('backoff', () => {
  it('doubles from the base to the cap, with jitter of at most 20%', () => {
    const mid = () => 0.5;
    expect(nextBackoff(undefined, 5_000, 60_000, mid)).toBe(5_000);
    expect(nextBackoff(5_000, 5_000, 60_000, mid)).toBe(10_000);
    expect(nextBackoff(40_000, 5_000, 60_000, mid)).toBe(60_000);
    expect(nextBackoff(undefined, 5_000, 60_000, () => 0)).toBe(4_000);
    expect(nextBackoff(undefined, 5_000, 60_000, () => 1)).toBe(6_000);
    expect(nextBackoff(60_000, 5_000, 60_000, () => 1)).toBe(60_000);
  });
});

describe('control planes in their roles', () => {
  it('a global serves the sync port over TLS; a zone that trusts its CA syncs, one that does not fails with a TLS error', async () => {
    const { startTestControlPlane } = await import('../support/mesh-proxies.js');
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const os = await import('node:os');
    const path = await import('node:path');
    const global = await startTestControlPlane({ multizone: { mode: 'global', zone: 'default', kds: { port: 0, debounceMs: 10 } } });
    cleanups.push(() => global.stop());
    expect(global.sync.port?.tls).toBe(true);
    await global.store.put({ kind: 'Mesh', mesh: 'default', name: 'default', spec: { mtls: { enabledBackend: 'ca-1', backends: [{ name: 'ca-1', type: 'builtin' }] } } as never });
    await global.store.put({ kind: 'MeshGateway', mesh: 'default', name: 'edge', spec: GATEWAY });
    const globalSecrets = await eventually(() => global.store.list('Secret'), (l) => l.length >= 2);
    const tokenFile = path.join(mkdtempSync(path.join(os.tmpdir(), 'portico-zone-')), 'token');
    writeFileSync(tokenFile, await new ZoneTokens(global.store).issue({ zone: 'zone-1', scope: ['cp'], validForSeconds: 600 }, Date.now()));
    const address = `grpcs://127.0.0.1:${global.sync.port!.port}`;

    const zone = await startTestControlPlane({ multizone: { mode: 'zone', zone: 'zone-1', globalAddress: address, kds: { tokenFile, rootCaFile: global.caFile!, debounceMs: 10 } } });
    cleanups.push(() => zone.stop());
    await eventually(() => names(zone.store, 'MeshGateway'), (n) => n.length === 1);
    // A federated zone makes no CA of its own for a synced mTLS mesh: the global's arrives, same names and data.
    const zoneSecrets = await eventually(() => zone.store.list('Secret'), (l) => l.length >= globalSecrets.length);
    expect(zoneSecrets.map((x) => [x.name, x.spec])).toEqual(globalSecrets.map((x) => [x.name, x.spec]));

    const untrusting = await startTestControlPlane({ multizone: { mode: 'zone', zone: 'zone-2', globalAddress: address, kds: { tokenFile, baseBackoffMs: 50, maxBackoffMs: 100 } } });
    cleanups.push(() => untrusting.stop());
    const state = await eventually(async () => untrusting.sync.zone!.state(), (s) => s.lastError !== undefined);
    expect(state.lastError).toMatch(/certificate|self.signed|SSL|TLS/i);
    expect(await names(untrusting.store, 'MeshGateway')).toEqual([]);
  });
});
