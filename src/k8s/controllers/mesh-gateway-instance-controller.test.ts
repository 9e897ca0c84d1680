import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { startFakeKubeApi, type FakeKubeApi, type Obj } from '../../../test/support/fake-kube-api/index.js';
import type { MeshGatewaySpec } from '../../api/mesh-gateway.js';
import type { StoredResource } from '../../core/resource.js';
import { CRD_KINDS, desiredCrd } from '../crds.js';
import { defaultGatewayPodSettings } from '../render/gateway-instance-input.js';
import { kubeRequest } from '../watch/kube-request.js';
import { ensureInstanceStatus } from './ensure-instance-status.js';
import { MergePatcher } from './merge-patch-request.js';
import {
  instanceKeyForOwned,
  instanceKeysForMeshGateway,
  MeshGatewayInstanceController,
} from './mesh-gateway-instance-controller.js';

const logger = pino({ level: 'silent' });
const NS = 'ingress';
const INSTANCE = { apiVersion: 'kuma.io/v1alpha1', kind: 'MeshGatewayInstance', namespace: NS, name: 'edge' };
const SERVICE = { apiVersion: 'v1', kind: 'Service', namespace: NS, name: 'edge' };
const DEPLOYMENT = { apiVersion: 'apps/v1', kind: 'Deployment', namespace: NS, name: 'edge' };

let api: FakeKubeApi;
let gateways: StoredResource<'MeshGateway'>[];
let controller: MeshGatewayInstanceController;

function meshGateway(name: string, service: string, ports: number[], mesh = 'default'): StoredResource<'MeshGateway'> {
  const spec: MeshGatewaySpec = {
    selectors: [{ match: { 'kuma.io/service': service } }],
    tags: {},
    conf: { listeners: ports.map((port) => ({ port, protocol: 'HTTP', hostname: '', tags: {}, crossMesh: false })) },
  };
  const time = '2024-01-01T00:00:00.000Z';
  return { kind: 'MeshGateway', mesh, name, spec, version: '1', creationTime: time, modificationTime: time };
}

function seedInstance(spec: Obj = {}, name = 'edge'): Obj {
  const [created] = api.seed([{ ...INSTANCE, name, metadata: { name, namespace: NS }, spec }]);
  return created as Obj;
}

const meta = (obj: Obj | undefined): Obj => (obj?.['metadata'] ?? {}) as Obj;
const spec = (obj: Obj | undefined): Obj => (obj?.['spec'] ?? {}) as Obj;
const version = (ref: typeof SERVICE): unknown => meta(api.get(ref))['resourceVersion'];
const ready = (): Obj | undefined =>
  ((api.get(INSTANCE)?.['status'] as Obj | undefined)?.['conditions'] as Obj[] | undefined)?.find((c) => c['type'] === 'Ready');
const readyOf = (): [unknown, unknown] => [ready()?.['status'], ready()?.['reason']];
const ports = (): unknown => (spec(api.get(SERVICE))['ports'] as Obj[]).map((p) => [p['name'], p['port'], p['targetPort']]);

beforeEach(async () => {
  const kind = CRD_KINDS.find((k) => k.kind === 'MeshGatewayInstance');
  if (!kind) throw new Error('no MeshGatewayInstance CRD kind');
  api = await startFakeKubeApi({ customResources: [desiredCrd(kind) as unknown as Obj] });
  api.seed([{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } }]);
  gateways = [meshGateway('edge-gw', 'edge_ingress_svc', [80, 443, 80])];
  controller = new MeshGatewayInstanceController({
    kubeConfig: api.kubeConfig(),
    logger,
    listMeshGateways: async (mesh) => gateways.filter((g) => g.mesh === mesh),
    settings: defaultGatewayPodSettings({ image: 'portico/gateway:test', controlPlaneUrl: 'https://cp:5678', caCert: 'CA' }),
    now: () => new Date('2024-06-01T12:00:00.123Z'),
  });
});

afterEach(async () => {
  await api.close();
});

describe('MeshGatewayInstanceController against the fake API server', () => {
  it('creates the Service and Deployment with owner references and the gateway ports', async () => {
    const instance = seedInstance({ replicas: 2 });
    await controller.reconcile(NS, 'edge');

    const owner = { apiVersion: 'kuma.io/v1alpha1', kind: 'MeshGatewayInstance', name: 'edge', uid: meta(instance)['uid'], controller: true, blockOwnerDeletion: true };
    const service = api.get(SERVICE);
    const deployment = api.get(DEPLOYMENT);
    expect(meta(service)['ownerReferences']).toEqual([owner]);
    expect(meta(deployment)['ownerReferences']).toEqual([owner]);
    expect(ports()).toEqual([['80', 80, 80], ['443', 443, 443]]);
    expect(spec(service)).toMatchObject({ type: 'LoadBalancer', selector: { app: 'edge' } });
    expect(spec(deployment)['replicas']).toBe(2);
    const template = spec(deployment)['template'] as Obj;
    expect(meta(template)['annotations']).toEqual({ 'kuma.io/gateway': 'builtin', 'kuma.io/tags': '{"kuma.io/service":"edge_ingress_svc"}' });
    expect(instanceKeyForOwned(service as never)).toBe('ingress/edge');
    // The fake leaves a new Deployment without conditions (counted as available), and the
    // LoadBalancer Service has no ingress yet.
    expect(readyOf()).toEqual(['False', 'LoadBalancerAddressNotReady']);
    expect(ready()).toMatchObject({ observedGeneration: 1, message: '', lastTransitionTime: '2024-06-01T12:00:00Z' });
  });

  it('moves Ready from DeploymentNotAvailable to Ready and copies the load balancer status', async () => {
    seedInstance();
    await controller.reconcile(NS, 'edge');
    api.setDeploymentAvailable(NS, 'edge', 'False');
    await controller.reconcile(NS, 'edge');
    expect(readyOf()).toEqual(['False', 'DeploymentNotAvailable']);

    api.setDeploymentAvailable(NS, 'edge', 'Unknown');
    await controller.reconcile(NS, 'edge');
    expect(readyOf()).toEqual(['Unknown', 'DeploymentNotAvailable']);

    api.setDeploymentAvailable(NS, 'edge', 'True');
    api.setServiceLoadBalancer(NS, 'edge', [{ ip: '203.0.113.9' }]);
    await controller.reconcile(NS, 'edge');
    expect(readyOf()).toEqual(['True', 'Ready']);
    expect((api.get(INSTANCE)?.['status'] as Obj)['loadBalancer']).toEqual({ ingress: [{ ip: '203.0.113.9' }] });

    // A withdrawn address is removed from the copy again.
    api.setStatus(SERVICE, { loadBalancer: {} });
    await controller.reconcile(NS, 'edge');
    expect(readyOf()).toEqual(['False', 'LoadBalancerAddressNotReady']);
    expect((api.get(INSTANCE)?.['status'] as Obj)['loadBalancer']).toEqual({});
  });

  it('is Ready for a ClusterIP Service once the Deployment is available', async () => {
    seedInstance({ serviceType: 'ClusterIP' });
    await controller.reconcile(NS, 'edge');
    api.setDeploymentAvailable(NS, 'edge', 'True');
    await controller.reconcile(NS, 'edge');
    expect(readyOf()).toEqual(['True', 'Ready']);
    expect(spec(api.get(SERVICE))['clusterIP']).toMatch(/^10\.96\./);
  });

  it('writes nothing on a second reconcile of an unchanged instance', async () => {
    seedInstance({ serviceType: 'NodePort', podTemplate: { spec: { serviceAccountName: 'gw' } } });
    await controller.reconcile(NS, 'edge');
    const before = [version(SERVICE), version(DEPLOYMENT), version(INSTANCE)];
    await controller.reconcile(NS, 'edge');
    expect([version(SERVICE), version(DEPLOYMENT), version(INSTANCE)]).toEqual(before);
  });

  it('without a matching gateway reports NoGatewayMatched and keeps an existing Service as it is', async () => {
    seedInstance();
    gateways = [];
    await controller.reconcile(NS, 'edge');
    expect(api.get(SERVICE)).toBeUndefined();
    expect(api.get(DEPLOYMENT)).toBeUndefined();
    expect(ready()).toMatchObject({ status: 'False', reason: 'NoGatewayMatched', message: "No Gateway matched by tags in mesh: 'default'" });

    gateways = [meshGateway('edge-gw', 'edge_ingress_svc', [8080])];
    await controller.reconcile(NS, 'edge');
    api.setServiceLoadBalancer(NS, 'edge', [{ hostname: 'lb.example.com' }]);
    await controller.reconcile(NS, 'edge');
    const kept = [version(SERVICE), version(DEPLOYMENT)];

    gateways = [meshGateway('other', 'other_ingress_svc', [9090])];
    await controller.reconcile(NS, 'edge');
    expect([version(SERVICE), version(DEPLOYMENT)]).toEqual(kept);
    expect(ports()).toEqual([['8080', 8080, 8080]]);
    expect(readyOf()).toEqual(['False', 'NoGatewayMatched']);
    expect((api.get(INSTANCE)?.['status'] as Obj)['loadBalancer']).toEqual({ ingress: [{ hostname: 'lb.example.com' }] });
  });

  it('resolves the mesh from the namespace label', async () => {
    api.seed([{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team', labels: { 'kuma.io/mesh': 'payments' } } }]);
    api.seed([{ ...INSTANCE, metadata: { name: 'pay', namespace: 'team' }, spec: {} }]);
    gateways = [meshGateway('pay-gw', 'pay_team_svc', [80], 'payments')];
    await controller.reconcile('team', 'pay');
    const template = spec(api.get({ ...DEPLOYMENT, namespace: 'team', name: 'pay' }))['template'] as Obj;
    expect(meta(template)['labels']).toEqual({ app: 'pay', 'kuma.io/sidecar-injection': 'disabled', 'kuma.io/mesh': 'payments' });
  });

  it('restores a deleted Service and a hand-edited Deployment', async () => {
    seedInstance({ replicas: 2 });
    await controller.reconcile(NS, 'edge');
    const firstUid = meta(api.get(SERVICE))['uid'];
    await kubeRequest(api.kubeConfig(), { method: 'DELETE', path: `/api/v1/namespaces/${NS}/services/edge` });
    const restarted = { 'kubectl.kubernetes.io/restartedAt': '2024-06-01T11:00:00Z' };
    await new MergePatcher(api.kubeConfig()).deployment(NS, 'edge', {
      spec: { replicas: 5, template: { metadata: { labels: { extra: 'x' }, annotations: restarted } } },
    });

    await controller.reconcile(NS, 'edge');
    expect(meta(api.get(SERVICE))['uid']).not.toBe(firstUid);
    expect(ports()).toEqual([['80', 80, 80], ['443', 443, 443]]);
    const deployment = api.get(DEPLOYMENT);
    expect(spec(deployment)['replicas']).toBe(2);
    expect(meta(spec(deployment)['template'] as Obj)['labels']).toEqual({ app: 'edge', 'kuma.io/sidecar-injection': 'disabled', 'kuma.io/mesh': 'default' });
    // Existing template annotations survive, so `kubectl rollout restart` is not undone.
    expect(meta(spec(deployment)['template'] as Obj)['annotations']).toMatchObject(restarted);
  });

  it('follows MeshGateway changes: new ports replace the old ones, nodePorts kept by port number', async () => {
    seedInstance({ serviceType: 'NodePort' });
    await controller.reconcile(NS, 'edge');
    const nodePortOf = (port: number): unknown => (spec(api.get(SERVICE))['ports'] as Obj[]).find((p) => p['port'] === port)?.['nodePort'];
    const allocated443 = nodePortOf(443);

    const old = gateways[0];
    const changed = meshGateway('edge-gw', 'edge_ingress_svc', [30081, 443]);
    gateways = [changed];
    expect(instanceKeysForMeshGateway(old, changed)).toEqual(['ingress/edge']);
    await controller.reconcile(NS, 'edge');
    expect(ports()).toEqual([['30081', 30081, 30081], ['443', 443, 443]]);
    expect(nodePortOf(30081)).toBe(30081);
    expect(nodePortOf(443)).toBe(allocated443);
  });

  it('garbage-collects the Service and Deployment when the instance is deleted, and then does nothing', async () => {
    seedInstance();
    await controller.reconcile(NS, 'edge');
    await kubeRequest(api.kubeConfig(), { method: 'DELETE', path: `/apis/kuma.io/v1alpha1/namespaces/${NS}/meshgatewayinstances/edge` });
    await api.settle();
    expect(api.get(SERVICE)).toBeUndefined();
    expect(api.get(DEPLOYMENT)).toBeUndefined();

    const writes = api.countRequests({ verb: 'create' }) + api.countRequests({ verb: 'patch' });
    await controller.reconcile(NS, 'edge');
    expect(api.countRequests({ verb: 'create' }) + api.countRequests({ verb: 'patch' })).toBe(writes);
    // A status write racing the deletion gets NotFound, which is not an error.
    const wrote = await ensureInstanceStatus(new MergePatcher(api.kubeConfig()), { namespace: NS, name: 'edge' }, undefined, { conditions: [] });
    expect(wrote).toBe(false);
  });

  it('fails with context when two Services claim the same instance', async () => {
    const instance = seedInstance();
    const owner = { apiVersion: 'kuma.io/v1alpha1', kind: 'MeshGatewayInstance', name: 'edge', uid: meta(instance)['uid'], controller: true };
    for (const name of ['edge-a', 'edge-b']) {
      api.seed([{ apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: NS, ownerReferences: [owner] }, spec: { ports: [{ port: 80 }] } }]);
    }
    const failure = await controller.reconcile(NS, 'edge').catch((e: unknown) => e as Error);
    expect(failure).toBeInstanceOf(Error);
    expect((failure as Error).message).toBe('reconcile Service for MeshGatewayInstance ingress/edge');
    expect(((failure as Error).cause as Error).message).toBe(
      'found 2 Services controlled by MeshGatewayInstance ingress/edge: edge-a, edge-b',
    );
  });

  it('fails with context when the API server is unavailable', async () => {
    seedInstance();
    await controller.reconcile(NS, 'edge');
    api.failNext({ verb: 'patch', status: 503 });
    await expect(controller.reconcile(NS, 'edge')).rejects.toThrow('reconcile Service for MeshGatewayInstance ingress/edge');
  });
});

describe('instanceKeysForMeshGateway', () => {
  const gw = (...services: string[]) => ({ spec: { selectors: services.map((s) => ({ match: { 'kuma.io/service': s, team: 'a' } })) } });

  it('maps generated service names back to instances, old and new gateway both', () => {
    expect(instanceKeysForMeshGateway(gw('a_ns1_svc'), gw('b_ns2_svc', 'a_ns1_svc'))).toEqual(['ns1/a', 'ns2/b']);
    expect(instanceKeysForMeshGateway(undefined, gw('a_ns1_svc'))).toEqual(['ns1/a']);
    expect(instanceKeysForMeshGateway(gw('a_ns1_svc'))).toEqual(['ns1/a']);
  });

  it('ignores values that are not generated instance service names', () => {
    expect(instanceKeysForMeshGateway(gw('edge', '*', 'a_ns1', 'a_ns1_svc_80', 'a_ns1_other', '_ns_svc', 'a__svc'))).toEqual([]);
    expect(instanceKeysForMeshGateway({ spec: { selectors: [{ match: { team: 'a' } }] } })).toEqual([]);
    expect(instanceKeysForMeshGateway({})).toEqual([]);
  });
});

describe('instanceKeyForOwned', () => {
  const ref = { apiVersion: 'kuma.io/v1alpha1', kind: 'MeshGatewayInstance', name: 'edge', uid: 'u1' };
  it('maps a controller reference to a MeshGatewayInstance, and nothing else', () => {
    expect(instanceKeyForOwned({ metadata: { namespace: 'ns', ownerReferences: [{ ...ref, controller: true }] } })).toBe('ns/edge');
    expect(instanceKeyForOwned({ metadata: { namespace: 'ns', ownerReferences: [ref] } })).toBeUndefined();
    expect(instanceKeyForOwned({ metadata: { namespace: 'ns', ownerReferences: [{ ...ref, apiVersion: 'kuma.io/v1', controller: true }] } })).toBeUndefined();
    expect(instanceKeyForOwned({ metadata: { namespace: 'ns', ownerReferences: [{ ...ref, kind: 'Other', controller: true }] } })).toBeUndefined();
    expect(instanceKeyForOwned({ metadata: { namespace: 'ns' } })).toBeUndefined();
  });
});
