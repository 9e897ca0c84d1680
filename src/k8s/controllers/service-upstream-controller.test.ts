import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { startFakeKubeApi, type FakeKubeApi, type Obj } from '../../../test/support/fake-kube-api/index.js';
import { serviceUpstreamKeyForEvent, ServiceUpstreamController } from './service-upstream-controller.js';

const logger = pino({ level: 'silent' });
const UPSTREAM = { 'ingress.kubernetes.io/service-upstream': 'true', 'nginx.ingress.kubernetes.io/service-upstream': 'true' };

let api: FakeKubeApi;
let controller: ServiceUpstreamController;

beforeEach(async () => {
  api = await startFakeKubeApi();
  api.seed([
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'mesh', labels: { 'kuma.io/sidecar-injection': 'enabled' } } },
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'mesh-yes', labels: { 'kuma.io/sidecar-injection': 'yes' } } },
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'off', labels: { 'kuma.io/sidecar-injection': 'disabled' } } },
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'plain' } },
  ]);
  controller = new ServiceUpstreamController({ kubeConfig: api.kubeConfig(), logger });
});

afterEach(async () => {
  await api.close();
});

function seedService(namespace: string, name: string, annotations: Record<string, string> = {}, spec: Obj = { selector: { app: name }, ports: [{ port: 80 }] }): void {
  api.seed([{ apiVersion: 'v1', kind: 'Service', metadata: { name, namespace, annotations }, spec }]);
}

const service = (namespace: string, name: string): Obj => api.get({ apiVersion: 'v1', kind: 'Service', namespace, name }) as Obj;
const meta = (obj: Obj): Obj => obj['metadata'] as Obj;
const serviceWrites = (): number => api.countRequests({ method: 'PUT', path: /^\/api\/v1\/namespaces\/[^/]+\/services\// });

describe('ServiceUpstreamController against the fake API server (docs/gateway.md §3.5)', () => {
  it('annotates a Service of an injected namespace with a full update, keeping everything else', async () => {
    seedService('mesh', 'web', { owner: 'team-a' });
    const before = service('mesh', 'web');
    await controller.reconcile('mesh', 'web');

    const after = service('mesh', 'web');
    expect(meta(after)['annotations']).toEqual({ owner: 'team-a', ...UPSTREAM });
    expect(after['spec']).toEqual(before['spec']);
    expect(meta(after)['resourceVersion']).not.toBe(meta(before)['resourceVersion']);
    expect(serviceWrites()).toBe(1);
  });

  it('does not write a Service that already carries both annotations', async () => {
    seedService('mesh', 'web');
    await controller.reconcile('mesh', 'web');
    const annotated = meta(service('mesh', 'web'))['resourceVersion'];
    await controller.reconcile('mesh', 'web');
    expect(meta(service('mesh', 'web'))['resourceVersion']).toBe(annotated);
    expect(serviceWrites()).toBe(1);
  });

  it('completes a Service that has only one annotation, or another value', async () => {
    seedService('mesh-yes', 'web', { 'ingress.kubernetes.io/service-upstream': 'true', 'nginx.ingress.kubernetes.io/service-upstream': 'false' });
    await controller.reconcile('mesh-yes', 'web');
    expect(meta(service('mesh-yes', 'web'))['annotations']).toEqual(UPSTREAM);
  });

  it.each([
    ['a namespace with injection disabled', 'off', 'web', {}, undefined],
    ['a namespace without the injection label', 'plain', 'web', {}, undefined],
    ['an ExternalName Service', 'mesh', 'ext', {}, { type: 'ExternalName', externalName: 'example.com' }],
    ['a builtin gateway Service', 'mesh', 'gw', { 'kuma.io/gateway': 'builtin' }, undefined],
    ['an ignored Service', 'mesh', 'ign', { 'kuma.io/ignore': 'true' }, undefined],
  ] as const)('leaves %s alone', async (_name, namespace, name, annotations, spec) => {
    seedService(namespace, name, annotations, spec ?? { selector: { app: name }, ports: [{ port: 80 }] });
    const before = service(namespace, name);
    await controller.reconcile(namespace, name);
    expect(service(namespace, name)).toEqual(before);
    expect(serviceWrites()).toBe(0);
  });

  it('does nothing for a Service that is gone', async () => {
    await controller.reconcile('mesh', 'nope');
    expect(serviceWrites()).toBe(0);
    expect(api.list('v1', 'Service', 'mesh')).toEqual([]);
  });

  it('reacts to creation and update, not deletion', () => {
    const svc = { metadata: { name: 'web', namespace: 'mesh' } };
    expect([serviceUpstreamKeyForEvent('add', svc), serviceUpstreamKeyForEvent('update', svc), serviceUpstreamKeyForEvent('delete', svc)]).toEqual(['mesh/web', 'mesh/web', undefined]);
  });
});
