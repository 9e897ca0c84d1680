// A sync receiver writing into the Kubernetes store (fake API server, Portico's CRDs): responses are
// written object by object, since the store has no multi-object commit; global's copies become
// cluster-scoped objects under their hashed names with their labels; a namespaced kind received
// (Dataplanes on a global that runs on Kubernetes) goes into the system namespace and keeps its
// wire name on the way back; and a zone's namespaced objects are named by object name for global.
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { desiredCrds } from '../../src/k8s/crds.js';
import { KubernetesStore } from '../../src/k8s/kubernetes-store.js';
import { SyncReceiver } from '../../src/kds/sync-receiver.js';
import { encodedCopy } from '../../src/kds/sync-types.js';
import { syncResourceOf } from '../../src/kds/sync-apply.js';
import type { SyncResource } from '../../src/multizone/sync-resource.js';
import type { DeltaDiscoveryRequest } from '../../src/xds/server/ads-service.js';
import { startFakeKubeApi, type FakeKubeApi, type Obj } from '../support/fake-kube-api/index.js';

const logger = pino({ level: 'silent' });
const KUMA = 'kuma.io/v1alpha1';
const GATEWAY_SPEC = { selectors: [{ match: { 'kuma.io/service': 'edge' } }], conf: { listeners: [{ port: 8080, protocol: 'HTTP' }] } };
const DATAPLANE_SPEC = { networking: { address: '10.0.0.7', gateway: { type: 'BUILTIN', tags: { 'kuma.io/service': 'edge' } } } };

let api: FakeKubeApi;
let store: KubernetesStore;

beforeEach(async () => {
  api = await startFakeKubeApi({ namespaces: ['default', 'kuma-system', 'shop'], customResources: desiredCrds() as unknown as Obj[] });
  api.seed([{ apiVersion: KUMA, kind: 'Mesh', metadata: { name: 'default' } }]);
  store = new KubernetesStore({ kubeConfig: api.kubeConfig(), logger, watchBackoff: { initialMs: 10, maxMs: 40 } });
  await store.open();
});

afterEach(async () => {
  await store.close();
  await api.close();
});

function response(kind: string, resources: readonly SyncResource[], nonce = 'n1') {
  return {
    system_version_info: '',
    type_url: kind,
    nonce,
    removed_resources: [],
    resources: resources.map((r) => {
      const copy = encodedCopy(kind, r);
      return { name: copy.name, version: copy.version, resource: copy.any };
    }) as never,
  };
}

function receiver(kind: string, inScope: (labels: Readonly<Record<string, string>> | undefined) => boolean) {
  const sent: DeltaDiscoveryRequest[] = [];
  const failures: string[] = [];
  const r = new SyncReceiver({
    store,
    kinds: [kind],
    node: { id: 'zone-1' },
    send: (req) => sent.push(req),
    inScope: (s) => inScope(s.labels),
    naming: store.syncNaming(),
    onFailure: (reason) => failures.push(reason),
  });
  r.start();
  sent.length = 0;
  return { r, sent, failures };
}

describe('sync into the Kubernetes store', () => {
  it("writes global's copies as cluster-scoped objects, one by one, and replaces them with the next complete set", async () => {
    expect(store.atomicCommit).toBe(false);
    const labels = (display: string) => ({ 'kuma.io/origin': 'global', 'kuma.io/display-name': display });
    const zone = receiver('MeshGateway', (l) => l?.['kuma.io/origin'] === 'global');
    zone.r.handleResponse(response('MeshGateway', [
      { kind: 'MeshGateway', mesh: 'default', name: 'edge-5c75xw87847wvc4c', labels: labels('edge'), spec: GATEWAY_SPEC },
      { kind: 'MeshGateway', mesh: 'default', name: 'edge-2-4bz8hw2dw5d2x5f8', labels: labels('edge-2'), spec: GATEWAY_SPEC },
    ]));
    await zone.r.settle();
    expect(zone.failures).toEqual([]);
    expect(zone.sent).toEqual([{ type_url: 'MeshGateway', response_nonce: 'n1', node: { id: 'zone-1' } }]);
    const object = api.get({ apiVersion: KUMA, kind: 'MeshGateway', name: 'edge-5c75xw87847wvc4c' }) as { mesh: string; metadata: { namespace?: string; labels: Record<string, string> } };
    expect(object.mesh).toBe('default');
    expect(object.metadata.namespace).toBeUndefined();
    expect(object.metadata.labels).toEqual(labels('edge'));
    expect(api.list(KUMA, 'MeshGateway').map((o) => (o as { metadata: { name: string } }).metadata.name).sort()).toEqual(['edge-2-4bz8hw2dw5d2x5f8', 'edge-5c75xw87847wvc4c']);

    // A new stream's complete set without edge-2: deleted, edge untouched.
    const next = receiver('MeshGateway', (l) => l?.['kuma.io/origin'] === 'global');
    next.r.handleResponse(response('MeshGateway', [{ kind: 'MeshGateway', mesh: 'default', name: 'edge-5c75xw87847wvc4c', labels: labels('edge'), spec: GATEWAY_SPEC }], 'n2'));
    await next.r.settle();
    expect(next.sent).toEqual([{ type_url: 'MeshGateway', response_nonce: 'n2', node: { id: 'zone-1' } }]);
    expect(api.list(KUMA, 'MeshGateway').map((o) => (o as { metadata: { name: string } }).metadata.name)).toEqual(['edge-5c75xw87847wvc4c']);
  });

  it('stores a received namespaced kind in the system namespace and gives it back under its wire name', async () => {
    const labels = { 'kuma.io/origin': 'zone', 'kuma.io/zone': 'zone-1', 'kuma.io/display-name': 'backend-1', 'k8s.kuma.io/namespace': 'shop' };
    const global = receiver('Dataplane', (l) => l?.['kuma.io/zone'] === 'zone-1');
    global.r.handleResponse(response('Dataplane', [{ kind: 'Dataplane', mesh: 'default', name: 'backend-1-6b2x', labels, spec: DATAPLANE_SPEC }]));
    await global.r.settle();
    expect(global.failures).toEqual([]);
    expect(global.sent[0]?.error_detail).toBeUndefined();
    expect(api.get({ apiVersion: KUMA, kind: 'Dataplane', namespace: 'kuma-system', name: 'backend-1-6b2x' })).toBeDefined();
    const [stored] = await store.list('Dataplane');
    expect(stored?.name).toBe('backend-1-6b2x.kuma-system');
    expect(syncResourceOf(stored!, store.syncNaming()).name).toBe('backend-1-6b2x');
    // The same complete set again writes nothing: the stored copy is matched under its wire name.
    const again = receiver('Dataplane', (l) => l?.['kuma.io/zone'] === 'zone-1');
    again.r.handleResponse(response('Dataplane', [{ kind: 'Dataplane', mesh: 'default', name: 'backend-1-6b2x', labels, spec: DATAPLANE_SPEC }], 'n2'));
    await again.r.settle();
    expect((await store.list('Dataplane')).map((d) => d.version)).toEqual([stored!.version]);
  });

  it("names a zone's namespaced objects by object and namespace, cluster-scoped ones not at all", async () => {
    expect(store.objectNameOf({ kind: 'Dataplane', mesh: 'default', name: 'backend-1.shop' })).toEqual({ name: 'backend-1', namespace: 'shop' });
    expect(store.objectNameOf({ kind: 'MeshGateway', mesh: 'default', name: 'edge' })).toBeUndefined();
    expect(store.objectNameOf({ kind: 'Secret', mesh: 'default', name: 'edge-cert' })).toBeUndefined();
  });
});
