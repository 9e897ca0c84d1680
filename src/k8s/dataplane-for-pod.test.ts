import type { V1Namespace, V1Pod, V1Service, V1ServicePort } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';

import { deepFreeze } from '../../test/support/deep-freeze.js';
import { desiredDataplaneForPod, INVALID_TAGS_MESSAGE, MISSING_TAGS_MESSAGE, type DataplaneForPod } from './dataplane-for-pod.js';

interface PodInput {
  readonly name?: string;
  readonly namespace?: string;
  readonly labels?: Record<string, string>;
  readonly annotations?: Record<string, string>;
  readonly podIP?: string;
  readonly owner?: { kind: string; name: string };
  readonly ports?: { name: string; containerPort: number; protocol?: string }[];
  readonly serviceAccountName?: string;
}

function pod(p: PodInput = {}): V1Pod {
  return deepFreeze({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: p.name ?? 'gw-7d9f-abcde',
      namespace: p.namespace ?? 'demo',
      uid: 'pod-uid-1',
      labels: p.labels ?? {},
      annotations: p.annotations ?? {},
      ...(p.owner ? { ownerReferences: [{ apiVersion: 'apps/v1', kind: p.owner.kind, name: p.owner.name, uid: 'owner-uid', controller: true }] } : {}),
    },
    spec: {
      containers: [{ name: 'app', ...(p.ports ? { ports: p.ports } : {}) }],
      ...(p.serviceAccountName ? { serviceAccountName: p.serviceAccountName } : {}),
    },
    status: p.podIP === '' ? {} : { podIP: p.podIP ?? '10.0.0.7' },
  }) as V1Pod;
}

function service(name: string, selector: Record<string, string>, ports: V1ServicePort[], extra: { namespace?: string; type?: string; annotations?: Record<string, string> } = {}): V1Service {
  return deepFreeze({
    metadata: { name, namespace: extra.namespace ?? 'demo', annotations: extra.annotations ?? {} },
    spec: { selector, ports, ...(extra.type ? { type: extra.type } : {}) },
  }) as V1Service;
}

const ns = (labels: Record<string, string> = {}): V1Namespace => deepFreeze({ metadata: { name: 'demo', labels } }) as V1Namespace;
const builtin = (tags: string | undefined, more: Record<string, string> = {}): Record<string, string> => ({ 'kuma.io/gateway': 'builtin', ...(tags === undefined ? {} : { 'kuma.io/tags': tags }), ...more });
const tagsOf = (r: DataplaneForPod): unknown => (r && 'dataplane' in r ? r.dataplane.spec.networking.gateway : r);
const APP = { app: 'web' };
const HTTP_PORT: V1ServicePort = { name: 'http', port: 80, targetPort: 8080 as never, protocol: 'TCP' };

describe('desiredDataplaneForPod: builtin gateway pods (docs/gateway.md §3.3)', () => {
  it('builds the whole Dataplane: name, namespace, mesh, labels, owner, address, tags plus zone', () => {
    const result = desiredDataplaneForPod(
      pod({ labels: { 'kuma.io/mesh': 'prod' }, annotations: builtin('{"kuma.io/service":"edge_demo_svc","team":"a"}'), serviceAccountName: 'edge' }),
      ns(),
      [],
      { zone: 'east' },
    );
    expect(result).toEqual({
      dataplane: {
        apiVersion: 'kuma.io/v1alpha1',
        kind: 'Dataplane',
        metadata: {
          name: 'gw-7d9f-abcde',
          namespace: 'demo',
          labels: {
            'kuma.io/mesh': 'prod',
            'k8s.kuma.io/namespace': 'demo',
            'kuma.io/proxy-type': 'gateway',
            'kuma.io/zone': 'east',
            'k8s.kuma.io/service-account': 'edge',
          },
          ownerReferences: [{ apiVersion: 'v1', kind: 'Pod', name: 'gw-7d9f-abcde', uid: 'pod-uid-1', controller: true, blockOwnerDeletion: true }],
        },
        mesh: 'prod',
        spec: {
          networking: {
            address: '10.0.0.7',
            gateway: { type: 'BUILTIN', tags: { 'kuma.io/service': 'edge_demo_svc', team: 'a', 'kuma.io/zone': 'east' } },
          },
        },
      },
    });
  });

  it.each<[string, PodInput, V1Namespace | undefined, { zone?: string }, unknown]>([
    ['not a gateway pod', { annotations: {} }, ns(), {}, undefined],
    ['unknown gateway annotation value', { annotations: { 'kuma.io/gateway': 'disabled' } }, ns(), {}, undefined],
    ['no pod IP yet: wait, even before checking tags', { annotations: builtin(undefined), podIP: '' }, ns(), {}, undefined],
    ['no zone: tags exactly as annotated', { annotations: builtin('{"kuma.io/service":"a"}') }, ns(), {}, { type: 'BUILTIN', tags: { 'kuma.io/service': 'a' } }],
    ['the zone overrides an annotated zone tag', { annotations: builtin('{"kuma.io/service":"a","kuma.io/zone":"x"}') }, ns(), { zone: 'east' }, { type: 'BUILTIN', tags: { 'kuma.io/service': 'a', 'kuma.io/zone': 'east' } }],
    ['missing kuma.io/tags', { annotations: builtin(undefined) }, ns(), {}, { error: { reason: 'FailedToGenerateKumaDataplane', message: MISSING_TAGS_MESSAGE } }],
    ['kuma.io/tags not JSON', { annotations: builtin('{kuma.io/service: a}') }, ns(), {}, { error: { reason: 'FailedToGenerateKumaDataplane', message: INVALID_TAGS_MESSAGE } }],
    ['kuma.io/tags a JSON array', { annotations: builtin('["a"]') }, ns(), {}, { error: { reason: 'FailedToGenerateKumaDataplane', message: INVALID_TAGS_MESSAGE } }],
    ['kuma.io/tags null', { annotations: builtin('null') }, ns(), {}, { error: { reason: 'FailedToGenerateKumaDataplane', message: INVALID_TAGS_MESSAGE } }],
    ['kuma.io/tags with a non-string value', { annotations: builtin('{"kuma.io/service":"a","n":1}') }, ns(), {}, { error: { reason: 'FailedToGenerateKumaDataplane', message: INVALID_TAGS_MESSAGE } }],
  ])('%s', (_name, input, namespace, options, expected) => {
    expect(tagsOf(desiredDataplaneForPod(pod(input), namespace, [], options))).toEqual(expected);
  });

  it.each([
    ['pod label', { labels: { 'kuma.io/mesh': 'a' } }, ns({ 'kuma.io/mesh': 'b' }), 'a'],
    ['namespace label', {}, ns({ 'kuma.io/mesh': 'b' }), 'b'],
    ['default', {}, ns(), 'default'],
  ] as const)('mesh from the %s, in the mesh field and the kuma.io/mesh label', (_name, input, namespace, mesh) => {
    const result = desiredDataplaneForPod(pod({ ...input, annotations: builtin('{"kuma.io/service":"a"}') }), namespace, []);
    expect(result && 'dataplane' in result && [result.dataplane.mesh, result.dataplane.metadata.labels['kuma.io/mesh']]).toEqual([mesh, mesh]);
  });
});

describe('desiredDataplaneForPod: delegated gateway pods (docs/gateway.md §3.4)', () => {
  const enabled = { 'kuma.io/gateway': 'enabled' };
  const deploymentOwned: PodInput = {
    labels: { app: 'web', 'pod-template-hash': '7d9f', empty: '' },
    annotations: enabled,
    owner: { kind: 'ReplicaSet', name: 'kong-7d9f' },
    ports: [{ name: 'proxy', containerPort: 8000 }],
  };
  const serviceTags = (svc: string, port: number, extra: Record<string, string> = {}): Record<string, string> => ({
    app: 'web',
    'pod-template-hash': '7d9f',
    'k8s.kuma.io/namespace': 'demo',
    'k8s.kuma.io/service-name': svc,
    'k8s.kuma.io/service-port': String(port),
    'kuma.io/service': `${svc}_demo_svc_${port}`,
    ...extra,
  });

  it.each<[string, PodInput, V1Service[], { zone?: string }, unknown]>([
    ['first selecting Service by name, with tcp protocol and zone; empty label values dropped', deploymentOwned,
      [service('zeta', APP, [HTTP_PORT]), service('alpha', APP, [HTTP_PORT])], { zone: 'east' },
      { type: 'DELEGATED', tags: serviceTags('alpha', 80, { 'kuma.io/zone': 'east', 'kuma.io/protocol': 'tcp' }) }],
    ['non-selecting, ExternalName, ignored and other-namespace Services are skipped', deploymentOwned,
      [
        service('a-other-selector', { app: 'api' }, [HTTP_PORT]),
        service('b-external', APP, [HTTP_PORT], { type: 'ExternalName' }),
        service('c-ignored', APP, [HTTP_PORT], { annotations: { 'kuma.io/ignore': 'true' } }),
        service('d-elsewhere', APP, [HTTP_PORT], { namespace: 'other' }),
        service('e-empty-selector', {}, [HTTP_PORT]),
        service('f-chosen', APP, [HTTP_PORT]),
      ], {},
      { type: 'DELEGATED', tags: serviceTags('f-chosen', 80, { 'kuma.io/protocol': 'tcp' }) }],
    ['UDP ports and named target ports the pod lacks are skipped for the next port', deploymentOwned,
      [service('web', APP, [
        { name: 'dns', port: 53, protocol: 'UDP' },
        { name: 'missing', port: 81, targetPort: 'nope' as never },
        { name: 'proxy', port: 82, targetPort: 'proxy' as never },
      ])], {},
      { type: 'DELEGATED', tags: serviceTags('web', 82, { 'kuma.io/protocol': 'tcp' }) }],
    ['a non-tcp appProtocol is dropped', deploymentOwned, [service('web', APP, [{ ...HTTP_PORT, appProtocol: 'http' }])], {},
      { type: 'DELEGATED', tags: serviceTags('web', 80) }],
    ['a non-tcp protocol annotation is dropped', deploymentOwned, [service('web', APP, [HTTP_PORT], { annotations: { '80.service.kuma.io/protocol': 'http2' } })], {},
      { type: 'DELEGATED', tags: serviceTags('web', 80) }],
    ['an unknown appProtocol counts as tcp', deploymentOwned, [service('web', APP, [{ ...HTTP_PORT, appProtocol: 'example.com/custom' }])], {},
      { type: 'DELEGATED', tags: serviceTags('web', 80, { 'kuma.io/protocol': 'tcp' }) }],
    ['no selecting Service: service-less fallback named after the Deployment', deploymentOwned, [], { zone: 'east' },
      { type: 'DELEGATED', tags: {
        app: 'web', 'pod-template-hash': '7d9f', 'k8s.kuma.io/namespace': 'demo', 'kuma.io/service': 'kong_demo_svc',
        'kuma.io/protocol': 'tcp', 'kuma.io/instance': 'gw-7d9f-abcde', 'kuma.io/zone': 'east',
      } }],
    ['service-less fallback of a bare pod is named after the pod', { annotations: enabled }, [], {},
      { type: 'DELEGATED', tags: {
        'k8s.kuma.io/namespace': 'demo', 'kuma.io/service': 'gw-7d9f-abcde_demo_svc', 'kuma.io/protocol': 'tcp', 'kuma.io/instance': 'gw-7d9f-abcde',
      } }],
    ['"true" means enabled too', { annotations: { 'kuma.io/gateway': 'true' }, owner: { kind: 'StatefulSet', name: 'ingress' } }, [], {},
      { type: 'DELEGATED', tags: {
        'k8s.kuma.io/namespace': 'demo', 'kuma.io/service': 'ingress_demo_svc', 'kuma.io/protocol': 'tcp', 'kuma.io/instance': 'gw-7d9f-abcde',
      } }],
    ['provided with a Deployment: only kuma.io/service-name', { ...deploymentOwned, annotations: { 'kuma.io/gateway': 'provided' } },
      [service('web', APP, [HTTP_PORT])], { zone: 'east' },
      { type: 'DELEGATED', tags: { 'kuma.io/service-name': 'kong_demo_svc' } }],
    ['provided without a Deployment behaves as enabled', { annotations: { 'kuma.io/gateway': 'provided' }, owner: { kind: 'StatefulSet', name: 'ingress' } }, [], {},
      { type: 'DELEGATED', tags: {
        'k8s.kuma.io/namespace': 'demo', 'kuma.io/service': 'ingress_demo_svc', 'kuma.io/protocol': 'tcp', 'kuma.io/instance': 'gw-7d9f-abcde',
      } }],
    ['a ReplicaSet without the pod-template-hash suffix is its own controller', { annotations: { 'kuma.io/gateway': 'provided' }, owner: { kind: 'ReplicaSet', name: 'bare-rs' } }, [], {},
      { type: 'DELEGATED', tags: {
        'k8s.kuma.io/namespace': 'demo', 'kuma.io/service': 'bare-rs_demo_svc', 'kuma.io/protocol': 'tcp', 'kuma.io/instance': 'gw-7d9f-abcde',
      } }],
  ])('%s', (_name, input, services, options, expected) => {
    expect(tagsOf(desiredDataplaneForPod(pod(input), ns(), services, options))).toEqual(expected);
  });

  it('reports the dropped protocol and labels the Dataplane as a gateway proxy', () => {
    const result = desiredDataplaneForPod(pod(deploymentOwned), ns(), [service('web', APP, [{ ...HTTP_PORT, appProtocol: 'grpc' }])]);
    expect(result && 'dataplane' in result && result.droppedProtocol).toBe('grpc');
    expect(result && 'dataplane' in result && result.dataplane.metadata.labels).toEqual({
      'kuma.io/mesh': 'default', 'k8s.kuma.io/namespace': 'demo', 'kuma.io/proxy-type': 'gateway',
    });
  });
});
