// KubernetesStore against the fake API server with Portico's generated CRDs: reads across kinds,
// naming, Secret filtering, readiness, change events, writes with their preconditions, the commit
// rule, an API outage, and objects that fail validation.
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { startFakeKubeApi, type FakeKubeApi, type Obj } from '../../test/support/fake-kube-api/index.js';
import { parseResourceDocument } from '../api/resource-document.js';
import type { ResourceInput } from '../core/resource.js';
import { ConflictError, StoreUnavailableError, type ChangeEvent } from '../core/store.js';
import { desiredCrds } from './crds.js';
import { KubernetesStore } from './kubernetes-store.js';
import { kubeRequest } from './watch/kube-request.js';

const logger = pino({ level: 'silent' });
const settle = { timeout: 10_000, interval: 10 };
const KUMA = 'kuma.io/v1alpha1';
const watchBackoff = { initialMs: 10, maxMs: 40 };
const GATEWAY_SPEC = { selectors: [{ match: { 'kuma.io/service': 'edge' } }], conf: { listeners: [{ port: 8080, protocol: 'HTTP' }] } };
const DATAPLANE_SPEC = { networking: { address: '10.0.0.7', gateway: { type: 'BUILTIN', tags: { 'kuma.io/service': 'edge' } } } };

let api: FakeKubeApi;
let store: KubernetesStore;
let events: string[];

function kuma(kind: string, name: string, extra: Obj = {}): Obj {
  return { apiVersion: KUMA, kind, metadata: { name }, ...extra };
}

function secret(name: string, namespace: string, type: string, mesh = 'default'): Obj {
  return { apiVersion: 'v1', kind: 'Secret', type, metadata: { name, namespace, labels: { 'kuma.io/mesh': mesh } }, data: { value: Buffer.from(`pem of ${name}`).toString('base64') } };
}

/** A store input parsed from a universal document, as the REST API would build it. */
function input(doc: Obj): ResourceInput {
  const parsed = parseResourceDocument(doc);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.violations));
  const { kind, mesh, name, spec } = parsed.value;
  return { kind, mesh, name, spec } as ResourceInput;
}

function seedWorld(): void {
  api.seed([
    kuma('Mesh', 'default'),
    kuma('Mesh', 'other'),
    kuma('MeshGateway', 'edge', { mesh: 'default', spec: GATEWAY_SPEC }),
    kuma('Dataplane', 'gw-1', { metadata: { name: 'gw-1', namespace: 'apps' }, mesh: 'default', spec: DATAPLANE_SPEC }),
    secret('edge-cert', 'kuma-system', 'system.kuma.io/secret'),
    secret('opaque', 'kuma-system', 'Opaque'),
    secret('elsewhere', 'apps', 'system.kuma.io/secret'),
  ]);
}

async function openStore(): Promise<KubernetesStore> {
  store = new KubernetesStore({ kubeConfig: api.kubeConfig(), logger, watchBackoff });
  store.watch((e: ChangeEvent) => events.push(`${e.type} ${e.key.kind} ${e.key.mesh}/${e.key.name}`));
  await store.open();
  return store;
}

beforeEach(async () => {
  api = await startFakeKubeApi({ namespaces: ['default', 'kuma-system', 'apps'], customResources: desiredCrds() as unknown as Obj[] });
  events = [];
});

afterEach(async () => {
  await store?.close();
  await api.close();
});

describe('KubernetesStore reads', () => {
  it('serves every kind from the watchers, with Kuma naming and Kubernetes versions and times', async () => {
    seedWorld();
    await openStore();
    expect((await store.list('Mesh')).map((m) => m.name)).toEqual(['default', 'other']);
    const gateway = await store.get({ kind: 'MeshGateway', mesh: 'default', name: 'edge' });
    const object = api.get({ apiVersion: KUMA, kind: 'MeshGateway', name: 'edge' });
    expect(gateway?.spec).toMatchObject(GATEWAY_SPEC);
    expect(gateway?.version).toBe((object?.['metadata'] as Obj)['resourceVersion']);
    expect(gateway?.creationTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(await store.list('Dataplane', { mesh: 'default' })).toMatchObject([{ name: 'gw-1.apps', mesh: 'default', spec: DATAPLANE_SPEC }]);
    expect(await store.list('Dataplane', { mesh: 'other' })).toEqual([]);
  });

  it('reads only Secrets of type system.kuma.io/secret in the system namespace, under their plain name', async () => {
    seedWorld();
    await openStore();
    const secrets = await store.list('Secret');
    expect(secrets.map((s) => `${s.mesh}/${s.name}`)).toEqual(['default/edge-cert']);
    expect(Buffer.from((secrets[0]?.spec as { data: string }).data, 'base64').toString()).toBe('pem of edge-cert');
  });

  it('becomes ready only after every watcher listed, and refuses partial reads before', async () => {
    seedWorld();
    api.failNext({ verb: 'list', path: '/apis/kuma.io/v1alpha1/meshgateways', status: 500, count: Infinity });
    store = new KubernetesStore({ kubeConfig: api.kubeConfig(), logger, watchBackoff });
    let ready = false;
    const opening = store.open().then(() => (ready = true));
    await vi.waitFor(() => expect(api.countRequests({ verb: 'list', path: '/apis/kuma.io/v1alpha1/meshgateways' })).toBeGreaterThanOrEqual(2), settle);
    expect(ready).toBe(false);
    await expect(store.list('Mesh')).rejects.toBeInstanceOf(StoreUnavailableError);
    api.clearFaults();
    await opening;
    expect(await store.list('MeshGateway')).toHaveLength(1);
  });

  it('emits change events for objects changed through the API, and skips objects that fail validation', async () => {
    seedWorld();
    await openStore();
    events.length = 0;
    api.seed([kuma('MeshGatewayRoute', 'r', { mesh: 'default', spec: { selectors: [{ match: { 'kuma.io/service': 'edge' } }], conf: { http: { rules: [{ matches: [{ path: { match: 'PREFIX', value: '/' } }], backends: [{ destination: { 'kuma.io/service': 'echo' } }] }] } } } })]);
    // Same port, two protocols: the CRD schema accepts it, Portico's validator does not.
    const conflicting = { ...GATEWAY_SPEC, conf: { listeners: [{ port: 9090, protocol: 'HTTP' }, { port: 9090, protocol: 'TCP' }] } };
    api.seed([kuma('MeshGateway', 'bad', { mesh: 'default', spec: conflicting })]);
    await kubeRequest(api.kubeConfig(), { method: 'DELETE', path: '/apis/kuma.io/v1alpha1/namespaces/apps/dataplanes/gw-1' });
    await vi.waitFor(() => expect(events).toEqual(['put MeshGatewayRoute default/r', 'delete Dataplane default/gw-1.apps']), settle);
    expect(await store.get({ kind: 'MeshGateway', mesh: 'default', name: 'bad' })).toBeUndefined();
  });
});

describe('KubernetesStore writes', () => {
  it('creates, replaces and deletes objects, and a write is readable and announced when it resolves', async () => {
    seedWorld();
    await openStore();
    events.length = 0;
    const route = input({ type: 'MeshGatewayRoute', mesh: 'default', name: 'api', selectors: [{ match: { 'kuma.io/service': 'edge' } }], conf: { http: { rules: [{ matches: [{ path: { match: 'PREFIX', value: '/' } }], backends: [{ destination: { 'kuma.io/service': 'echo' } }] }] } } });
    const created = await store.put(route, { mustCreate: true });
    expect(await store.get({ kind: 'MeshGatewayRoute', mesh: 'default', name: 'api' })).toEqual(created);
    expect(events).toEqual(['put MeshGatewayRoute default/api']);
    expect(api.get({ apiVersion: KUMA, kind: 'MeshGatewayRoute', name: 'api' })).toMatchObject({ mesh: 'default', spec: route.spec });
    const updated = await store.put({ ...route, labels: { team: 'a' } }, { expectedVersion: created.version });
    expect(updated.version).not.toBe(created.version);
    expect(updated.labels).toEqual({ team: 'a' });
    expect(await store.delete(route, { expectedVersion: updated.version })).toBe(true);
    expect(await store.get(route)).toBeUndefined();
    expect(api.get({ apiVersion: KUMA, kind: 'MeshGatewayRoute', name: 'api' })).toBeUndefined();
    expect(await store.delete(route)).toBe(false);
  });

  it('maps preconditions to ConflictError: stale version, existing on mustCreate, another mesh', async () => {
    seedWorld();
    await openStore();
    const gateway = input({ type: 'MeshGateway', mesh: 'default', name: 'edge', ...GATEWAY_SPEC });
    const current = await store.get({ kind: 'MeshGateway', mesh: 'default', name: 'edge' });
    await expect(store.put(gateway, { mustCreate: true })).rejects.toThrow(/already exists/);
    await expect(store.put(gateway, { expectedVersion: '1' })).rejects.toBeInstanceOf(ConflictError);
    await expect(store.put({ ...gateway, mesh: 'other' })).rejects.toThrow(/belongs to mesh "default"/);
    await expect(store.delete(gateway, { expectedVersion: '1' })).rejects.toBeInstanceOf(ConflictError);
    expect(await store.delete({ ...gateway, mesh: 'other' })).toBe(false);
    const rewritten = await store.put(gateway, { expectedVersion: current?.version ?? '' });
    expect(rewritten.version).not.toBe(current?.version);
  });

  it('writes a Dataplane into its namespace and a Secret into the system namespace with Kuma type and mesh label', async () => {
    seedWorld();
    await openStore();
    const dataplane = input({ type: 'Dataplane', mesh: 'default', name: 'gw-2.apps', ...DATAPLANE_SPEC });
    expect((await store.put(dataplane)).name).toBe('gw-2.apps');
    expect(api.get({ apiVersion: KUMA, kind: 'Dataplane', namespace: 'apps', name: 'gw-2' })).toMatchObject({ mesh: 'default' });
    await expect(store.put({ ...dataplane, name: 'no-namespace' })).rejects.toThrow(/"<name>.<namespace>"/);
    const data = Buffer.from('new pem').toString('base64');
    const written = await store.put(input({ type: 'Secret', mesh: 'other', name: 'tls', data }));
    expect(written).toMatchObject({ kind: 'Secret', mesh: 'other', name: 'tls', spec: { data } });
    await expect(store.put(input({ type: 'Secret', mesh: 'default', name: 'opaque', data }))).rejects.toThrow(/has type "Opaque"/);
    expect(await store.delete({ kind: 'Secret', mesh: 'default', name: 'opaque' })).toBe(false);
    expect(api.get({ apiVersion: 'v1', kind: 'Secret', namespace: 'kuma-system', name: 'opaque' })).toMatchObject({ type: 'Opaque' });
    expect(api.get({ apiVersion: 'v1', kind: 'Secret', namespace: 'kuma-system', name: 'tls' })).toMatchObject({
      type: 'system.kuma.io/secret',
      metadata: { labels: { 'kuma.io/mesh': 'other' } },
      data: { value: data },
    });
  });

  it('commits one op, and refuses several (no multi-object transactions)', async () => {
    seedWorld();
    await openStore();
    const mesh = input({ type: 'Mesh', name: 'third' });
    await expect(store.commit([{ op: 'put', resource: mesh }, { op: 'delete', key: { kind: 'Mesh', mesh: 'other', name: 'other' } }])).rejects.toThrow(/no multi-object transactions/);
    expect(api.get({ apiVersion: KUMA, kind: 'Mesh', name: 'third' })).toBeUndefined();
    expect(await store.commit([{ op: 'put', resource: mesh }])).toMatchObject([{ kind: 'Mesh', name: 'third' }]);
  });

  it('keeps serving reads during an API outage while writes fail as unavailable', async () => {
    seedWorld();
    await openStore();
    api.failNext({ status: 503, count: Infinity });
    api.dropWatches('reset');
    await expect(store.put(input({ type: 'Mesh', name: 'third' }))).rejects.toBeInstanceOf(StoreUnavailableError);
    expect((await store.list('Mesh')).map((m) => m.name)).toEqual(['default', 'other']);
    expect(await store.list('Secret')).toHaveLength(1);
    api.clearFaults();
    await store.put(input({ type: 'Mesh', name: 'third' }));
    expect((await store.list('Mesh')).map((m) => m.name)).toEqual(['default', 'other', 'third']);
  });
});
