// The fake Kubernetes API server, exercised only through the real @kubernetes/client-node, so that
// Kubernetes-mode tests can trust it (docs/robustness.md §5 "Kubernetes mode").
import { readdirSync, readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { parse } from 'yaml';
import {
  AppsV1Api, AuthenticationV1Api, CoreV1Api, CustomObjectsApi, KubernetesObjectApi, makeInformer, PatchStrategy, setHeaderOptions, Watch,
} from '@kubernetes/client-node';
import type { KubeConfig, KubernetesObject, V1Deployment, V1Service } from '@kubernetes/client-node';
import { apiFailure, InformerRecorder, startFakeKubeApi } from '../support/fake-kube-api/index.js';
import type { FakeKubeApi, Obj } from '../support/fake-kube-api/index.js';

const CRDS = readdirSync('crds').filter((f) => f.endsWith('.yaml')).map((f) => parse(readFileSync(`crds/${f}`, 'utf8')) as Obj);
const MGI = { group: 'kuma.io', version: 'v1alpha1', plural: 'meshgatewayinstances' };
const merge = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
const strategic = setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch);

let fake: FakeKubeApi;
let kc: KubeConfig;
let core: CoreV1Api;
let apps: AppsV1Api;
let custom: CustomObjectsApi;
const stops: Array<() => Promise<void>> = [];

beforeEach(async () => {
  fake = await startFakeKubeApi({ customResources: CRDS, token: 'test-token' });
  kc = fake.kubeConfig();
  core = kc.makeApiClient(CoreV1Api);
  apps = kc.makeApiClient(AppsV1Api);
  custom = kc.makeApiClient(CustomObjectsApi);
});
afterEach(async () => {
  for (const stop of stops.splice(0)) await stop();
  await fake.close();
});

const configMap = (name: string, data: Record<string, string> = {}, labels: Record<string, string> = {}) => ({ metadata: { name, labels }, data });
const deployment = (name: string, extra: Partial<V1Deployment['spec']> = {}): V1Deployment => ({
  metadata: { name },
  spec: { selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'main', image: 'kuma/kuma-dp:2.9.0', env: [{ name: 'A', value: '1' }] }] } }, ...extra },
});
const mgi = (name: string, spec: Obj = {}) => ({ apiVersion: 'kuma.io/v1alpha1', kind: 'MeshGatewayInstance', metadata: { name, namespace: 'default' }, spec });

function startInformer(path: string, list: () => Promise<{ metadata?: { resourceVersion?: string }; items: KubernetesObject[] }>) {
  const informer = makeInformer(kc, path, list as never);
  const recorder = new InformerRecorder(informer);
  stops.push(() => informer.stop());
  return { informer, recorder };
}

describe('CRUD, conflicts and errors', () => {
  it('creates, reads, updates with optimistic concurrency and answers Status errors', async () => {
    const created = await core.createNamespacedConfigMap({ namespace: 'default', body: configMap('app', { a: '1' }) });
    expect(created.metadata).toMatchObject({ name: 'app', namespace: 'default', uid: expect.any(String), resourceVersion: expect.any(String) });
    expect(created.metadata?.creationTimestamp).toBeInstanceOf(Date);
    expect(await apiFailure(core.createNamespacedConfigMap({ namespace: 'default', body: configMap('app') }))).toEqual({
      code: 409,
      status: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'configmaps "app" already exists', reason: 'AlreadyExists', details: { name: 'app', kind: 'configmaps' }, code: 409 },
    });
    const updated = await core.replaceNamespacedConfigMap({ name: 'app', namespace: 'default', body: { ...created, data: { a: '2' } } });
    expect(Number(updated.metadata?.resourceVersion)).toBeGreaterThan(Number(created.metadata?.resourceVersion));
    const stale = await apiFailure(core.replaceNamespacedConfigMap({ name: 'app', namespace: 'default', body: { ...created, data: { a: '3' } } }));
    expect(stale.code).toBe(409);
    expect(stale.status).toMatchObject({ reason: 'Conflict', message: 'Operation cannot be fulfilled on configmaps "app": the object has been modified; please apply your changes to the latest version and try again' });
    const unconditional = await core.replaceNamespacedConfigMap({ name: 'app', namespace: 'default', body: configMap('app', { a: '4' }) });
    expect(unconditional.data).toEqual({ a: '4' });
    expect(unconditional.metadata?.uid).toBe(created.metadata?.uid);
    expect((await apiFailure(apps.readNamespacedDeployment({ name: 'nope', namespace: 'default' }))).status).toMatchObject({ reason: 'NotFound', message: 'deployments.apps "nope" not found', details: { name: 'nope', group: 'apps', kind: 'deployments' }, code: 404 });
  });

  it('generates names, rejects invalid objects with 422 causes and unknown namespaces with 404', async () => {
    const generated = await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { generateName: 'cm-' } } });
    expect(generated.metadata?.name).toMatch(/^cm-[a-z0-9]{5}$/);
    const bad = await apiFailure(core.createNamespacedService({ namespace: 'default', body: { metadata: { name: 'Bad_Name' }, spec: { ports: [{ port: 0 }] } } }));
    expect(bad.code).toBe(422);
    expect(bad.status).toMatchObject({ reason: 'Invalid', details: { name: 'Bad_Name', kind: 'Service', causes: [{ reason: 'FieldValueInvalid', field: 'metadata.name' }, { reason: 'FieldValueInvalid', field: 'spec.ports[0].port' }] } });
    expect(String(bad.status['message'])).toMatch(/^Service "Bad_Name" is invalid: \[metadata.name: Invalid value: "Bad_Name": a DNS-1035 label/);
    expect((await apiFailure(core.createNamespacedConfigMap({ namespace: 'missing', body: configMap('x') }))).status).toMatchObject({ code: 404, message: 'namespaces "missing" not found' });
    const unauthorized = fake.kubeConfig({ token: 'wrong' }).makeApiClient(CoreV1Api);
    expect((await apiFailure(unauthorized.listNamespace())).code).toBe(401);
  });

  it('lists with label and field selectors; list items of built-in types carry no kind', async () => {
    await core.createNamespacedConfigMap({ namespace: 'default', body: configMap('a', {}, { tier: 'web', env: 'prod' }) });
    await core.createNamespacedConfigMap({ namespace: 'default', body: configMap('b', {}, { tier: 'db' }) });
    await core.createNamespacedConfigMap({ namespace: 'kube-system', body: configMap('c', {}, { tier: 'web' }) });
    const names = (list: { items: Array<{ metadata?: { name?: string } }> }) => list.items.map((i) => i.metadata?.name);
    expect(names(await core.listConfigMapForAllNamespaces({ labelSelector: 'tier=web' }))).toEqual(['a', 'c']);
    expect(names(await core.listNamespacedConfigMap({ namespace: 'default', labelSelector: 'tier in (web,db),env!=prod' }))).toEqual(['b']);
    expect(names(await core.listConfigMapForAllNamespaces({ fieldSelector: 'metadata.namespace=kube-system' }))).toEqual(['c']);
    const list = await core.listNamespacedConfigMap({ namespace: 'default' });
    expect(list.metadata?.resourceVersion).toBe(fake.resourceVersion());
    expect(list.items[0]?.kind).toBeUndefined();
    expect((await apiFailure(core.listNamespacedConfigMap({ namespace: 'default', fieldSelector: 'data.a=1' }))).status).toMatchObject({ code: 400, message: 'field label not supported: data.a' });
  });

  it('deletes: Services answer with the object, ConfigMaps with a Success Status', async () => {
    await core.createNamespacedService({ namespace: 'default', body: { metadata: { name: 'web' }, spec: { ports: [{ port: 80 }] } } });
    await core.createNamespacedConfigMap({ namespace: 'default', body: configMap('cm') });
    expect((await core.deleteNamespacedService({ name: 'web', namespace: 'default' })).metadata?.name).toBe('web');
    expect(await core.deleteNamespacedConfigMap({ name: 'cm', namespace: 'default' })).toMatchObject({ status: 'Success', details: { name: 'cm', kind: 'configmaps' } });
    expect((await apiFailure(core.readNamespacedService({ name: 'web', namespace: 'default' }))).code).toBe(404);
  });
});

describe('patches', () => {
  it('merge, strategic and JSON patch; client-node 1.4 sends json-patch unless told otherwise', async () => {
    await apps.createNamespacedDeployment({ namespace: 'default', body: deployment('edge') });
    const merged = await apps.patchNamespacedDeployment({ name: 'edge', namespace: 'default', body: { metadata: { labels: { a: 'b' } }, spec: { replicas: 3 } } }, merge);
    expect(merged.spec?.replicas).toBe(3);
    expect(merged.metadata?.labels).toEqual({ a: 'b' });
    const patch = { spec: { template: { spec: { containers: [{ name: 'main', env: [{ name: 'B', value: '2' }] }] } } } };
    const smp = await apps.patchNamespacedDeployment({ name: 'edge', namespace: 'default', body: patch }, strategic);
    expect(smp.spec?.template.spec?.containers[0]).toMatchObject({ image: 'kuma/kuma-dp:2.9.0', env: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }] });
    // A merge patch replaces the whole containers list, so the container loses its image.
    const replaced = await apiFailure(apps.patchNamespacedDeployment({ name: 'edge', namespace: 'default', body: patch }, merge));
    expect(replaced.status).toMatchObject({ code: 422, details: { causes: [{ field: 'spec.template.spec.containers[0].image' }] } });
    const json = await apps.patchNamespacedDeployment({ name: 'edge', namespace: 'default', body: [{ op: 'replace', path: '/spec/replicas', value: 5 }] });
    expect(json.spec?.replicas).toBe(5);
    expect((await apiFailure(apps.patchNamespacedDeployment({ name: 'edge', namespace: 'default', body: { spec: { replicas: 1 } } }))).code).toBe(400);
    expect((await apiFailure(apps.patchNamespacedDeployment({ name: 'edge', namespace: 'default', body: [{ op: 'test', path: '/spec/replicas', value: 9 }] }))).code).toBe(422);
  });

  it('custom resources reject strategic merge patch with 415, as KubernetesObjectApi.patch defaults to it', async () => {
    fake.seed([mgi('edge')]);
    const objects = KubernetesObjectApi.makeApiClient(kc);
    const read = await objects.read({ apiVersion: 'kuma.io/v1alpha1', kind: 'MeshGatewayInstance', metadata: { name: 'edge', namespace: 'default' } });
    expect(read.metadata?.name).toBe('edge');
    const spec = { apiVersion: 'kuma.io/v1alpha1', kind: 'MeshGatewayInstance', metadata: { name: 'edge', namespace: 'default' }, spec: { replicas: 2 } };
    expect((await apiFailure(objects.patch(spec))).code).toBe(415);
    const patched = await objects.patch(spec, undefined, undefined, undefined, undefined, PatchStrategy.MergePatch);
    expect((patched as Obj)['spec']).toMatchObject({ replicas: 2 });
  });
});

describe('status subresource and generation', () => {
  it('custom resources: status only through /status, generation only on spec changes, schema defaults and pruning', async () => {
    const created = (await custom.createNamespacedCustomObject({ ...MGI, namespace: 'default', body: { ...mgi('edge'), spec: { unknownField: 1 }, status: { conditions: [] } } })) as Obj;
    expect(created['spec']).toEqual({ replicas: 1, serviceType: 'LoadBalancer' });
    expect(created['status']).toBeUndefined();
    expect(created['metadata']).toMatchObject({ generation: 1 });
    const rv = (created['metadata'] as Obj)['resourceVersion'];
    const ignored = (await custom.replaceNamespacedCustomObject({ ...MGI, namespace: 'default', name: 'edge', body: { ...created, status: { conditions: [] } } })) as Obj;
    expect(ignored['status']).toBeUndefined();
    expect((ignored['metadata'] as Obj)['resourceVersion']).toBe(rv);
    const condition = { type: 'Ready', status: 'False', reason: 'NoGatewayMatched', message: 'none', lastTransitionTime: '2024-01-01T00:00:00Z', observedGeneration: 1 };
    const withStatus = (await custom.patchNamespacedCustomObjectStatus({ ...MGI, namespace: 'default', name: 'edge', body: { spec: { replicas: 7 }, status: { conditions: [condition], extra: 'pruned' } } }, merge)) as Obj;
    expect(withStatus['status']).toEqual({ conditions: [condition] });
    expect(withStatus['spec']).toMatchObject({ replicas: 1 });
    expect((withStatus['metadata'] as Obj)['generation']).toBe(1);
    const scaled = (await custom.patchNamespacedCustomObject({ ...MGI, namespace: 'default', name: 'edge', body: { spec: { replicas: 2 } } }, merge)) as Obj;
    expect(scaled['metadata']).toMatchObject({ generation: 2 });
    expect(scaled['status']).toEqual({ conditions: [condition] });
    const relabelled = (await custom.patchNamespacedCustomObject({ ...MGI, namespace: 'default', name: 'edge', body: { metadata: { labels: { x: 'y' } } } }, merge)) as Obj;
    expect(relabelled['metadata']).toMatchObject({ generation: 2 });
    const noRv = { ...mgi('edge'), spec: { replicas: 3 } };
    expect((await apiFailure(custom.replaceNamespacedCustomObject({ ...MGI, namespace: 'default', name: 'edge', body: noRv }))).status).toMatchObject({ code: 422, message: 'MeshGatewayInstance.kuma.io "edge" is invalid: metadata.resourceVersion: Invalid value: 0x0: must be specified for an update' });
    expect((await apiFailure(custom.patchNamespacedCustomObject({ ...MGI, namespace: 'default', name: 'edge', body: { spec: { replicas: 0 } } }, merge))).status).toMatchObject({ code: 422, details: { causes: [{ field: 'spec.replicas' }] } });
  });

  it('deployments: generation follows spec and annotations; status writes come from the simulated controller', async () => {
    const created = await apps.createNamespacedDeployment({ namespace: 'default', body: { ...deployment('edge'), status: { replicas: 9 } } });
    expect(created.metadata?.generation).toBe(1);
    expect(created.status).toEqual({});
    expect(created.spec).toMatchObject({ replicas: 1, revisionHistoryLimit: 10, strategy: { type: 'RollingUpdate' } });
    expect((await apps.patchNamespacedDeployment({ name: 'edge', namespace: 'default', body: { metadata: { labels: { a: 'b' } } } }, merge)).metadata?.generation).toBe(1);
    expect((await apps.patchNamespacedDeployment({ name: 'edge', namespace: 'default', body: { metadata: { annotations: { a: 'b' } } } }, merge)).metadata?.generation).toBe(2);
    fake.setDeploymentAvailable('default', 'edge', 'True');
    const read = await apps.readNamespacedDeploymentStatus({ name: 'edge', namespace: 'default' });
    expect(read.status).toMatchObject({ observedGeneration: 2, availableReplicas: 1, conditions: [{ type: 'Available', status: 'True' }] });
  });
});

describe('garbage collection through ownerReferences', () => {
  it('deleting an owner removes its dependents, cascading, unless they have another owner or the delete orphans them', async () => {
    const owner = fake.seed([mgi('edge')])[0] as Obj;
    const ownerRef = (o: { apiVersion?: string; kind?: string; metadata?: { name?: string; uid?: string } }) => ({ apiVersion: o.apiVersion ?? '', kind: o.kind ?? '', name: o.metadata?.name ?? '', uid: o.metadata?.uid ?? '', controller: true, blockOwnerDeletion: true });
    const ownerMeta = owner['metadata'] as { name: string; uid: string };
    const byMgi = ownerRef({ apiVersion: 'kuma.io/v1alpha1', kind: 'MeshGatewayInstance', metadata: ownerMeta });
    const deploy = await apps.createNamespacedDeployment({ namespace: 'default', body: { ...deployment('edge'), metadata: { name: 'edge', ownerReferences: [byMgi] } } });
    await core.createNamespacedService({ namespace: 'default', body: { metadata: { name: 'edge', ownerReferences: [byMgi] }, spec: { ports: [{ port: 80 }] } } });
    await core.createNamespacedPod({ namespace: 'default', body: { metadata: { name: 'edge-1', ownerReferences: [ownerRef({ ...deploy, apiVersion: 'apps/v1', kind: 'Deployment' })] }, spec: { containers: [{ name: 'c', image: 'x:1' }] } } });
    const keeper = await core.createNamespacedConfigMap({ namespace: 'default', body: configMap('keeper') });
    const shared = ownerRef({ ...keeper, apiVersion: 'v1', kind: 'ConfigMap' });
    await core.createNamespacedSecret({ namespace: 'default', body: { metadata: { name: 'shared', ownerReferences: [byMgi, shared] } } });

    await custom.deleteNamespacedCustomObject({ ...MGI, namespace: 'default', name: 'edge' });
    await fake.settle();
    expect((await apiFailure(core.readNamespacedService({ name: 'edge', namespace: 'default' }))).code).toBe(404);
    expect((await apiFailure(apps.readNamespacedDeployment({ name: 'edge', namespace: 'default' }))).code).toBe(404);
    expect((await apiFailure(core.readNamespacedPod({ name: 'edge-1', namespace: 'default' }))).code).toBe(404);
    expect((await core.readNamespacedSecret({ name: 'shared', namespace: 'default' })).metadata?.ownerReferences?.map((r) => r.name)).toEqual(['keeper']);

    await core.deleteNamespacedConfigMap({ name: 'keeper', namespace: 'default', propagationPolicy: 'Orphan' });
    await fake.settle();
    expect((await core.readNamespacedSecret({ name: 'shared', namespace: 'default' })).metadata?.ownerReferences).toBeUndefined();
  });

  it('deleting a namespace makes it Terminating, then removes it with its contents', async () => {
    await core.createNamespace({ body: { metadata: { name: 'ingress' } } });
    await core.createNamespacedConfigMap({ namespace: 'ingress', body: configMap('x') });
    expect((await core.deleteNamespace({ name: 'ingress' })) as Obj).toMatchObject({ status: { phase: 'Terminating' } });
    await fake.settle();
    expect((await apiFailure(core.readNamespace({ name: 'ingress' }))).code).toBe(404);
    expect(fake.list('v1', 'ConfigMap', 'ingress')).toEqual([]);
  });
});

describe('watches and informers', () => {
  const cmPath = '/api/v1/namespaces/default/configmaps';
  const listCm = () => core.listNamespacedConfigMap({ namespace: 'default' });

  it('an informer lists, then watches add, update and delete', async () => {
    await core.createNamespacedConfigMap({ namespace: 'default', body: configMap('seeded') });
    const { informer, recorder } = startInformer(cmPath, listCm);
    await informer.start();
    await core.createNamespacedConfigMap({ namespace: 'default', body: configMap('a') });
    await core.patchNamespacedConfigMap({ name: 'a', namespace: 'default', body: { data: { k: 'v' } } }, merge);
    await core.deleteNamespacedConfigMap({ name: 'a', namespace: 'default' });
    await recorder.waitForEvent('delete', 'a');
    expect(recorder.describe()).toEqual(['connect', 'add:seeded', 'add:a', 'update:a', 'delete:a']);
    expect(informer.list('default').map((o) => o.metadata?.name)).toEqual(['seeded']);
  });

  it('after a compaction the resumed watch gets 410 Expired and the informer relists, reporting what it missed', async () => {
    fake.seed(['a', 'b'].map((name) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'default' } })));
    const { informer, recorder } = startInformer(cmPath, listCm);
    await informer.start();
    fake.failNext({ verb: 'watch', hang: true });
    expect(fake.dropWatches()).toBe(1);
    await vi.waitFor(() => expect(fake.heldRequests()).toBe(1));
    await core.deleteNamespacedConfigMap({ name: 'b', namespace: 'default' });
    await core.createNamespacedConfigMap({ namespace: 'default', body: configMap('c') });
    fake.compact();
    fake.releaseHung('proceed');
    await recorder.waitForEvent('add', 'c');
    expect(recorder.describe()).toEqual(['connect', 'add:a', 'add:b', 'connect', 'connect', 'delete:b', 'add:c']);
    expect(fake.countRequests({ verb: 'list' })).toBe(2);
    expect(informer.list('default').map((o) => o.metadata?.name)).toEqual(['a', 'c']);
  });

  it('a cleanly dropped watch is resumed from the last resourceVersion without a relist', async () => {
    const { informer, recorder } = startInformer(cmPath, listCm);
    await informer.start();
    fake.failNext({ verb: 'watch', hang: true });
    fake.dropWatches('end');
    await vi.waitFor(() => expect(fake.heldRequests()).toBe(1));
    await core.createNamespacedConfigMap({ namespace: 'default', body: configMap('during-gap') });
    fake.releaseHung('proceed');
    await recorder.waitForEvent('add', 'during-gap');
    expect(recorder.describe()).toEqual(['connect', 'connect', 'add:during-gap']);
    expect(fake.countRequests({ verb: 'list' })).toBe(1);
    expect(fake.countRequests({ verb: 'watch' })).toBe(2);
  });

  it('a reset watch connection or a 5xx watch answer stops the informer with an error until start() is called again', async () => {
    const { informer, recorder } = startInformer(cmPath, listCm);
    await informer.start();
    fake.dropWatches('reset');
    await recorder.waitForEvent('error');
    fake.failNext({ verb: 'watch', status: 500 });
    await informer.start();
    expect(recorder.events.filter((e) => e.type === 'error')).toHaveLength(2);
    expect(fake.openWatches()).toBe(0);
    await core.createNamespacedConfigMap({ namespace: 'default', body: configMap('after') });
    await informer.start();
    await recorder.waitForEvent('add', 'after');
    expect(fake.openWatches()).toBe(1);
  });

  it('raw watches: replay from a resourceVersion, selector transitions, bookmarks, timeoutSeconds, and 410 as an ERROR event', async () => {
    const from = fake.resourceVersion();
    await core.createNamespacedConfigMap({ namespace: 'default', body: configMap('w', {}, { tier: 'web' }) });
    const watch = new Watch(kc);
    const all: string[] = [];
    const web: string[] = [];
    const ended = new Promise<unknown>((resolve) => {
      void watch.watch(cmPath, { resourceVersion: from, allowWatchBookmarks: true, timeoutSeconds: 1 }, (type, obj: Obj) => all.push(`${type}:${String((obj['metadata'] as Obj)['resourceVersion'])}`), resolve);
    });
    const controller = await watch.watch(cmPath, { labelSelector: 'tier=web' }, (type, obj: KubernetesObject) => web.push(`${type}:${obj.metadata?.name ?? ''}`), () => undefined);
    stops.push(async () => controller.abort());
    await fake.waitForWatches(2);
    const relabelled = await core.patchNamespacedConfigMap({ name: 'w', namespace: 'default', body: { metadata: { labels: { tier: 'db' } } } }, merge);
    fake.sendBookmarks();
    expect(await ended).toBeNull();
    const rv = relabelled.metadata?.resourceVersion ?? '';
    expect(all).toEqual([`ADDED:${Number(from) + 1}`, `MODIFIED:${rv}`, `BOOKMARK:${rv}`, `BOOKMARK:${rv}`]);
    expect(web).toEqual(['ADDED:w', 'DELETED:w']);

    fake.compact();
    const expired: Array<[string, Obj]> = [];
    await new Promise((resolve) => void watch.watch(cmPath, { resourceVersion: from }, (type, obj: Obj) => expired.push([type, obj]), resolve));
    expect(expired).toEqual([['ERROR', { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: `too old resource version: ${from} (${Number(rv) + 1})`, reason: 'Expired', code: 410 }]]);
  });
});

describe('faults, defaults and TokenReview', () => {
  it('injected 5xx answers reach the caller once; an informer whose list fails reports an error', async () => {
    fake.failNext({ verb: 'get', path: '/api/v1/namespaces/default', status: 503 });
    expect((await apiFailure(core.readNamespace({ name: 'default' }))).status).toMatchObject({ code: 503, reason: 'ServiceUnavailable' });
    expect((await core.readNamespace({ name: 'default' })).metadata?.labels).toEqual({ 'kubernetes.io/metadata.name': 'default' });
    fake.failNext({ verb: 'list', status: 500, count: 1 });
    const { informer, recorder } = startInformer('/api/v1/services', () => core.listServiceForAllNamespaces());
    await informer.start();
    expect(recorder.describe()).toEqual(['connect', 'error']);
    expect(fake.countRequests({ verb: 'list', path: '/api/v1/services' })).toBe(1);
    expect(fake.requests().map((r) => `${r.verb} ${r.status ?? ''}`).slice(-1)).toEqual(['list 500']);
  });

  it('Services get a clusterIP, nodePorts, protocol and targetPort; allocations survive an update that omits them', async () => {
    const plain = await core.createNamespacedService({ namespace: 'default', body: { metadata: { name: 'plain' }, spec: { ports: [{ port: 80 }] } } });
    expect(plain.spec).toMatchObject({ type: 'ClusterIP', clusterIP: expect.stringMatching(/^10\.96\.\d+\.\d+$/), ports: [{ port: 80, protocol: 'TCP', targetPort: 80 }] });
    expect(plain.spec?.ports?.[0]?.nodePort).toBeUndefined();
    const body: V1Service = { metadata: { name: 'lb' }, spec: { type: 'LoadBalancer', ports: [{ name: 'http', port: 80 }, { name: 'https', port: 443, nodePort: 31443 }] } };
    const lb = await core.createNamespacedService({ namespace: 'default', body });
    const [http, https] = lb.spec?.ports ?? [];
    expect(http?.nodePort).toBeGreaterThanOrEqual(30000);
    expect(http?.nodePort).toBeLessThanOrEqual(32767);
    expect(https?.nodePort).toBe(31443);
    expect(lb.spec?.clusterIP).not.toBe(plain.spec?.clusterIP);
    expect(lb.status).toEqual({ loadBalancer: {} });
    const clash = await apiFailure(core.createNamespacedService({ namespace: 'default', body: { ...body, metadata: { name: 'clash' } } }));
    expect(clash.status).toMatchObject({ code: 422, message: 'Service "clash" is invalid: spec.ports[1].nodePort: Invalid value: 31443: provided port is already allocated' });
    const again = await core.replaceNamespacedService({ name: 'lb', namespace: 'default', body });
    expect(again.spec?.clusterIP).toBe(lb.spec?.clusterIP);
    expect(again.spec?.ports?.map((p) => p.nodePort)).toEqual([http?.nodePort, 31443]);
    fake.setServiceLoadBalancer('default', 'lb', [{ ip: '203.0.113.7' }]);
    expect((await core.readNamespacedServiceStatus({ name: 'lb', namespace: 'default' })).status?.loadBalancer?.ingress?.[0]?.ip).toBe('203.0.113.7');
    const secret = await core.createNamespacedSecret({ namespace: 'default', body: { metadata: { name: 's' }, stringData: { token: 'abc' } } });
    expect({ type: secret.type, data: secret.data, stringData: secret.stringData }).toEqual({ type: 'Opaque', data: { token: 'YWJj' }, stringData: undefined });
  });

  it('TokenReview answers from the configured table, with audiences', async () => {
    const auth = kc.makeApiClient(AuthenticationV1Api);
    const user = { username: 'system:serviceaccount:ingress:edge', uid: 'u-1', groups: ['system:serviceaccounts'] };
    fake.setTokenReview('good', { authenticated: true, user, audiences: ['portico'] });
    const review = (token: string, audiences?: string[]) => auth.createTokenReview({ body: { spec: { token, ...(audiences ? { audiences } : {}) } } });
    expect((await review('good', ['portico'])).status).toEqual({ authenticated: true, user, audiences: ['portico'] });
    expect((await review('good', ['other'])).status).toEqual({ user: {}, error: '[invalid bearer token, token audiences ["portico"] is invalid for the target audiences ["other"]]' });
    const unknown = (await review('unknown')).status;
    expect(unknown).toEqual({ user: {}, error: 'invalid bearer token' });
    expect(unknown?.authenticated).toBeUndefined();
  });
});
