import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { startFakeKubeApi, type FakeKubeApi, type Obj } from '../../../test/support/fake-kube-api/index.js';
import { CRD_KINDS, desiredCrd } from '../crds.js';
import { kubeRequest } from '../watch/kube-request.js';
import { PodController, podKeysForNamespace, podKeysForService } from './pod-controller.js';

const logger = pino({ level: 'silent' });
const DATAPLANE_CRD = CRD_KINDS.find((k) => k.kind === 'Dataplane');
const TAGS = '{"kuma.io/service":"edge_demo_svc"}';

let api: FakeKubeApi;
let controller: PodController;

beforeEach(async () => {
  if (!DATAPLANE_CRD) throw new Error('no Dataplane CRD kind');
  api = await startFakeKubeApi({ customResources: [desiredCrd(DATAPLANE_CRD) as unknown as Obj] });
  api.seed([{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'demo', labels: { 'kuma.io/mesh': 'prod' } } }]);
  controller = new PodController({ kubeConfig: api.kubeConfig(), logger, zone: 'east' });
});

afterEach(async () => {
  await api.close();
});

function seedPod(name: string, annotations: Record<string, string>, options: { labels?: Record<string, string>; podIP?: string; owner?: Obj } = {}): Obj {
  const [pod] = api.seed([{
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'demo', labels: options.labels ?? { app: 'edge' }, annotations, ...(options.owner ? { ownerReferences: [options.owner] } : {}) },
    spec: { containers: [{ name: 'gw', image: 'kuma/kuma-dp:2.14.3', ports: [{ name: 'proxy', containerPort: 8000 }] }] },
  }]);
  if (options.podIP !== '') setPodIP(name, options.podIP ?? '10.0.0.7');
  return pod as Obj;
}

function setPodIP(name: string, podIP: string): void {
  api.setStatus({ apiVersion: 'v1', kind: 'Pod', namespace: 'demo', name }, { phase: 'Running', podIP, podIPs: [{ ip: podIP }] });
}

const dataplane = (name: string): Obj | undefined => api.get({ apiVersion: 'kuma.io/v1alpha1', kind: 'Dataplane', namespace: 'demo', name });
const meta = (obj: Obj | undefined): Obj => (obj?.['metadata'] ?? {}) as Obj;
const events = (): Obj[] => api.list('v1', 'Event', 'demo');
const eventSummary = (): string[] => events().map((e) => `${String(e['type'])} ${String(e['reason'])} ${String(e['message'])} x${String(e['count'])}`);
const dataplaneWrites = (): number =>
  api.countRequests({ method: 'POST', path: '/apis/kuma.io/v1alpha1/namespaces/demo/dataplanes' }) + api.countRequests({ method: 'PUT', path: '/apis/kuma.io/v1alpha1/namespaces/demo/dataplanes' });

describe('PodController against the fake API server', () => {
  it('turns a builtin gateway pod into a Dataplane owned by the pod, with a Normal event', async () => {
    const pod = seedPod('edge-1', { 'kuma.io/gateway': 'builtin', 'kuma.io/tags': TAGS });
    await controller.reconcile('demo', 'edge-1');

    const dp = dataplane('edge-1');
    expect(dp?.['mesh']).toBe('prod');
    expect(dp?.['spec']).toEqual({
      networking: { address: '10.0.0.7', gateway: { type: 'BUILTIN', tags: { 'kuma.io/service': 'edge_demo_svc', 'kuma.io/zone': 'east' } } },
    });
    expect(meta(dp)['labels']).toMatchObject({ 'kuma.io/mesh': 'prod', 'k8s.kuma.io/namespace': 'demo', 'kuma.io/zone': 'east', 'kuma.io/proxy-type': 'gateway' });
    expect(meta(dp)['ownerReferences']).toEqual([
      { apiVersion: 'v1', kind: 'Pod', name: 'edge-1', uid: meta(pod)['uid'], controller: true, blockOwnerDeletion: true },
    ]);
    expect(eventSummary()).toEqual(['Normal CreatedKumaDataplane Created Kuma Dataplane: edge-1 x1']);
    expect(events()[0]?.['involvedObject']).toMatchObject({ apiVersion: 'v1', kind: 'Pod', name: 'edge-1', namespace: 'demo', uid: meta(pod)['uid'] });
  });

  it('updates the Dataplane when the pod IP changes, and does not rewrite an unchanged one', async () => {
    seedPod('edge-1', { 'kuma.io/gateway': 'builtin', 'kuma.io/tags': TAGS });
    await controller.reconcile('demo', 'edge-1');
    const created = meta(dataplane('edge-1'))['resourceVersion'];

    await controller.reconcile('demo', 'edge-1');
    expect(meta(dataplane('edge-1'))['resourceVersion']).toBe(created);
    expect(dataplaneWrites()).toBe(1);

    setPodIP('edge-1', '10.0.0.8');
    await controller.reconcile('demo', 'edge-1');
    const updated = dataplane('edge-1');
    expect((updated?.['spec'] as { networking: { address: string } }).networking.address).toBe('10.0.0.8');
    expect(meta(updated)['resourceVersion']).not.toBe(created);
    expect(eventSummary()).toEqual([
      'Normal CreatedKumaDataplane Created Kuma Dataplane: edge-1 x1',
      'Normal UpdatedKumaDataplane Updated Kuma Dataplane: edge-1 x1',
    ]);
  });

  it('keeps labels written by others and restores a removed computed label', async () => {
    seedPod('edge-1', { 'kuma.io/gateway': 'builtin', 'kuma.io/tags': TAGS });
    await controller.reconcile('demo', 'edge-1');
    const dp = dataplane('edge-1') as Obj;
    const labels: Obj = { ...(meta(dp)['labels'] as Obj), team: 'a' };
    delete labels['kuma.io/proxy-type'];
    await kubeRequest(api.kubeConfig(), { method: 'PUT', path: '/apis/kuma.io/v1alpha1/namespaces/demo/dataplanes/edge-1', body: { ...dp, metadata: { ...meta(dp), labels } } });

    await controller.reconcile('demo', 'edge-1');
    expect(meta(dataplane('edge-1'))['labels']).toMatchObject({ team: 'a', 'kuma.io/proxy-type': 'gateway' });
  });

  it('waits for a pod IP before creating anything', async () => {
    seedPod('edge-1', { 'kuma.io/gateway': 'builtin', 'kuma.io/tags': TAGS }, { podIP: '' });
    await controller.reconcile('demo', 'edge-1');
    expect(dataplane('edge-1')).toBeUndefined();
    expect(events()).toEqual([]);
  });

  it.each([
    ['missing', undefined, 'Missing kuma.io/tags annotation on Pod serving a builtin Gateway'],
    ['invalid', '{not json', 'Invalid kuma.io/tags annotation on Pod serving a builtin Gateway'],
  ])('emits a Warning and writes no Dataplane when kuma.io/tags is %s; a repeat bumps the count', async (_name, tags, message) => {
    seedPod('edge-1', { 'kuma.io/gateway': 'builtin', ...(tags === undefined ? {} : { 'kuma.io/tags': tags }) });
    await controller.reconcile('demo', 'edge-1');
    await controller.reconcile('demo', 'edge-1');
    expect(dataplane('edge-1')).toBeUndefined();
    expect(eventSummary()).toEqual([`Warning FailedToGenerateKumaDataplane ${message} x2`]);
  });

  it('ignores pods that are not gateways and pods that are gone', async () => {
    seedPod('app-1', {});
    await controller.reconcile('demo', 'app-1');
    await controller.reconcile('demo', 'nope');
    expect(api.list('kuma.io/v1alpha1', 'Dataplane')).toEqual([]);
    expect(events()).toEqual([]);
  });

  it('gives a delegated gateway pod the tags of the Service selecting it, and the fallback without one', async () => {
    // The fake serves no ReplicaSets and collects pods whose owner does not exist: serve one.
    api.registerCustomResource({ group: 'apps', version: 'v1', kind: 'ReplicaSet', plural: 'replicasets', scope: 'Namespaced' });
    const [rs] = api.seed([{ apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'kong-5c6d', namespace: 'demo' }, spec: {} }]);
    const owner = { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'kong-5c6d', uid: meta(rs)['uid'], controller: true };
    seedPod('kong-5c6d-x1', { 'kuma.io/gateway': 'enabled' }, { labels: { app: 'kong', 'pod-template-hash': '5c6d' }, owner });
    await controller.reconcile('demo', 'kong-5c6d-x1');
    expect((dataplane('kong-5c6d-x1')?.['spec'] as Obj)['networking']).toEqual({
      address: '10.0.0.7',
      gateway: { type: 'DELEGATED', tags: {
        app: 'kong', 'pod-template-hash': '5c6d', 'k8s.kuma.io/namespace': 'demo', 'kuma.io/service': 'kong_demo_svc',
        'kuma.io/protocol': 'tcp', 'kuma.io/instance': 'kong-5c6d-x1', 'kuma.io/zone': 'east',
      } },
    });

    const [svc] = api.seed([{ apiVersion: 'v1', kind: 'Service', metadata: { name: 'kong-proxy', namespace: 'demo' }, spec: { selector: { app: 'kong' }, ports: [{ name: 'proxy', port: 80, targetPort: 'proxy' }] } }]);
    const pods = api.list('v1', 'Pod', 'demo');
    expect(podKeysForService(svc as never, pods as never)).toEqual(['demo/kong-5c6d-x1']);
    for (const key of podKeysForService(svc as never, pods as never)) await controller.reconcile('demo', key.split('/')[1] ?? '');
    expect((dataplane('kong-5c6d-x1')?.['spec'] as { networking: { gateway: unknown } }).networking.gateway).toEqual({
      type: 'DELEGATED',
      tags: {
        app: 'kong', 'pod-template-hash': '5c6d', 'k8s.kuma.io/namespace': 'demo', 'k8s.kuma.io/service-name': 'kong-proxy',
        'k8s.kuma.io/service-port': '80', 'kuma.io/service': 'kong-proxy_demo_svc_80', 'kuma.io/zone': 'east', 'kuma.io/protocol': 'tcp',
      },
    });
    expect(eventSummary()).toEqual([
      'Normal CreatedKumaDataplane Created Kuma Dataplane: kong-5c6d-x1 x1',
      'Normal UpdatedKumaDataplane Updated Kuma Dataplane: kong-5c6d-x1 x1',
    ]);
  });

  it('leaves the Dataplane of a deleted pod to the garbage collector', async () => {
    seedPod('edge-1', { 'kuma.io/gateway': 'builtin', 'kuma.io/tags': TAGS });
    await controller.reconcile('demo', 'edge-1');
    expect(dataplane('edge-1')).toBeDefined();

    await kubeRequest(api.kubeConfig(), { method: 'DELETE', path: '/api/v1/namespaces/demo/pods/edge-1' });
    await api.settle();
    await controller.reconcile('demo', 'edge-1');
    expect(dataplane('edge-1')).toBeUndefined();
  });

  it('replaces a controller reference to another uid (an earlier pod of the same name), keeping other owners', async () => {
    seedPod('edge-1', { 'kuma.io/gateway': 'builtin', 'kuma.io/tags': TAGS });
    const other = seedPod('other', {});
    await controller.reconcile('demo', 'edge-1');
    const dp = dataplane('edge-1') as Obj;
    // An owner that exists, so the garbage collector keeps the Dataplane while the controller runs.
    const earlier = { apiVersion: 'v1', kind: 'Pod', name: 'edge-1', uid: meta(other)['uid'], controller: true, blockOwnerDeletion: true };
    const extra = { apiVersion: 'v1', kind: 'ConfigMap', name: 'keep', uid: meta(other)['uid'] };
    await kubeRequest(api.kubeConfig(), { method: 'PUT', path: '/apis/kuma.io/v1alpha1/namespaces/demo/dataplanes/edge-1', body: { ...dp, metadata: { ...meta(dp), ownerReferences: [earlier, extra] } } });

    await controller.reconcile('demo', 'edge-1');
    const pod = api.get({ apiVersion: 'v1', kind: 'Pod', namespace: 'demo', name: 'edge-1' });
    expect(meta(dataplane('edge-1'))['ownerReferences']).toEqual([
      extra,
      { apiVersion: 'v1', kind: 'Pod', name: 'edge-1', uid: meta(pod)['uid'], controller: true, blockOwnerDeletion: true },
    ]);
    expect(eventSummary()).toContain('Normal UpdatedKumaDataplane Updated Kuma Dataplane: edge-1 x1');
  });
});

describe('event mappings', () => {
  const pod = (name: string, namespace: string, labels: Record<string, string>, gateway?: string): never =>
    ({ metadata: { name, namespace, labels, annotations: gateway ? { 'kuma.io/gateway': gateway } : {} } }) as never;
  const pods = [
    pod('kong', 'demo', { app: 'kong' }, 'enabled'),
    pod('nginx', 'demo', { app: 'kong' }, 'provided'),
    pod('edge', 'demo', { app: 'kong' }, 'builtin'),
    pod('app', 'demo', { app: 'kong' }),
    pod('kong', 'other', { app: 'kong' }, 'enabled'),
  ];

  it('maps a Service to the delegated gateway pods it selects in its namespace', () => {
    expect(podKeysForService({ metadata: { name: 's', namespace: 'demo' }, spec: { selector: { app: 'kong' } } }, pods)).toEqual(['demo/kong', 'demo/nginx']);
    expect(podKeysForService({ metadata: { name: 's', namespace: 'demo' }, spec: {} }, pods)).toEqual([]);
  });

  it('maps a Namespace to its gateway pods', () => {
    expect(podKeysForNamespace({ metadata: { name: 'demo' } }, pods)).toEqual(['demo/edge', 'demo/kong', 'demo/nginx']);
  });
});
