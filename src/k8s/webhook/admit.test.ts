// The pure admission decision and the AdmissionReview decoding, request by request.
import { describe, expect, it } from 'vitest';
import { decodeAdmissionReview, type AdmissionRequest } from './admission-review.js';
import { admit, GLOBAL_INSTANCE_CREATION_MESSAGE, type ControlPlaneMode } from './admit.js';
import { admissionReview, KINDS, meshGateway, meshGatewayInstance, secret, serverMetadata, type ReviewedKind, type ReviewOptions } from './testdata/admission-reviews.js';

function requestOf(kind: ReviewedKind, object: Record<string, unknown>, options?: ReviewOptions): AdmissionRequest {
  const decoded = decodeAdmissionReview(admissionReview(kind, object, options));
  if (!decoded.ok) throw new Error(`test review does not decode: ${decoded.error}`);
  return decoded.request;
}

const INVALID_INSTANCE = meshGatewayInstance({ tags: { 'kuma.io/service': 'x' } });

describe('admit', () => {
  it.each<[string, AdmissionRequest, ControlPlaneMode]>([
    ['a status write, whatever the object', requestOf(KINDS.meshGateway, meshGateway({ selectors: [] }), { operation: 'UPDATE', subResource: 'status' }), 'zone'],
    ['CONNECT', requestOf(KINDS.meshGateway, meshGateway({ selectors: [] }), { operation: 'CONNECT' }), 'zone'],
    ['a kuma.io kind Portico does not serve', requestOf({ group: 'kuma.io', version: 'v1alpha1', kind: 'MeshTrafficPermission', resource: 'meshtrafficpermissions' }, { spec: 1 }), 'zone'],
    ['a MeshGateway of another API version', requestOf({ ...KINDS.meshGateway, version: 'v1' }, meshGateway({ selectors: [] })), 'zone'],
    ['a Secret of another type', requestOf(KINDS.secret, { ...secret('kubernetes.io/tls', 'x'), data: { 'tls.crt': 'eA==' } }), 'zone'],
    ['a mesh Secret', requestOf(KINDS.secret, secret('system.kuma.io/secret', 'pem')), 'zone'],
    ['a Mesh', requestOf(KINDS.mesh, { apiVersion: 'kuma.io/v1alpha1', kind: 'Mesh', metadata: serverMetadata('default'), spec: {} }), 'zone'],
    ['a MeshGatewayInstance created on a standalone control plane', requestOf(KINDS.meshGatewayInstance, meshGatewayInstance({ replicas: 1 })), 'standalone'],
    ['a valid MeshGatewayInstance updated on global', requestOf(KINDS.meshGatewayInstance, meshGatewayInstance({ replicas: 1 }), { operation: 'UPDATE' }), 'global'],
    ['a MeshGateway created on global', requestOf(KINDS.meshGateway, meshGateway()), 'global'],
  ])('allows %s', (_name, request, mode) => {
    expect(admit(request, mode)).toEqual({ allowed: true });
  });

  it('denies an empty mesh Secret at data.value, where the content sits', () => {
    const empty = { ...secret('system.kuma.io/secret', ''), data: { value: '' } };
    expect(admit(requestOf(KINDS.secret, empty), 'zone')).toEqual({
      allowed: false,
      code: 422,
      reason: 'Invalid',
      message: 'data.value: cannot be empty',
      causes: [{ field: 'data.value', message: 'cannot be empty' }],
    });
  });

  it('reports a mesh label that contradicts the mesh field', () => {
    const object = meshGateway(undefined, { metadata: serverMetadata('edge', { labels: { 'kuma.io/mesh': 'other' } }) });
    expect(admit(requestOf(KINDS.meshGateway, object), 'zone')).toMatchObject({
      allowed: false,
      message: 'metadata.labels["kuma.io/mesh"]: must equal mesh "default"',
    });
  });

  it("refuses an update switching a Mesh's CA while mTLS stays on", () => {
    const mesh = (enabledBackend: string) => ({
      apiVersion: 'kuma.io/v1alpha1',
      kind: 'Mesh',
      metadata: serverMetadata('default'),
      spec: { mtls: { enabledBackend, backends: [{ name: enabledBackend || 'ca-2', type: 'builtin' }] } },
    });
    const message = 'mtls.enabledBackend: Changing CA when mTLS is enabled is forbidden. Disable mTLS first and then change the CA';
    expect(admit(requestOf(KINDS.mesh, mesh('ca-2'), { operation: 'UPDATE', oldObject: mesh('ca-1') }), 'zone')).toMatchObject({ allowed: false, code: 422, message });
    expect(admit(requestOf(KINDS.mesh, mesh(''), { operation: 'UPDATE', oldObject: mesh('ca-1') }), 'zone')).toEqual({ allowed: true });
    expect(admit(requestOf(KINDS.mesh, mesh('ca-2'), { operation: 'UPDATE', oldObject: mesh('') }), 'zone')).toEqual({ allowed: true });
  });

  it('validates MeshGatewayInstance updates in every mode and forbids creation only on global', () => {
    for (const mode of ['zone', 'standalone', 'global'] as const) {
      expect(admit(requestOf(KINDS.meshGatewayInstance, INVALID_INSTANCE, { operation: 'UPDATE' }), mode)).toMatchObject({
        allowed: false,
        message: 'tags: "kuma.io/service" must not be defined',
      });
    }
    expect(admit(requestOf(KINDS.meshGatewayInstance, INVALID_INSTANCE), 'global')).toEqual({
      allowed: false,
      code: 403,
      reason: 'Forbidden',
      message: GLOBAL_INSTANCE_CREATION_MESSAGE,
      causes: [],
    });
  });
});

describe('decodeAdmissionReview', () => {
  const valid = admissionReview(KINDS.meshGateway, meshGateway()) as { request: Record<string, unknown> };
  const withRequest = (patch: Record<string, unknown>) => ({ ...valid, request: { ...valid.request, ...patch } });

  it.each<[string, unknown, string]>([
    ['an array', [], 'body must be a JSON object'],
    ['another apiVersion', { ...valid, apiVersion: 'admission.k8s.io/v1beta1' }, 'body must be an AdmissionReview of apiVersion admission.k8s.io/v1'],
    ['no request', { ...valid, request: null }, 'request must be an object'],
    ['no uid', withRequest({ uid: '' }), 'request.uid must be a non-empty string'],
    ['a kind without group', withRequest({ kind: { version: 'v1', kind: 'Secret' } }), 'request.kind must have string group, version and kind'],
    ['an unknown operation', withRequest({ operation: 'PATCH' }), 'request.operation must be one of CREATE, UPDATE, DELETE, CONNECT'],
    ['CREATE without object', withRequest({ object: null }), 'request.object must be an object on CREATE'],
  ])('refuses %s', (_name, body, error) => {
    expect(decodeAdmissionReview(body)).toEqual({ ok: false, error });
  });

  it('accepts DELETE without object', () => {
    const decoded = decodeAdmissionReview(admissionReview(KINDS.meshGateway, meshGateway(), { operation: 'DELETE' }));
    expect(decoded).toMatchObject({ ok: true, request: { operation: 'DELETE', name: 'edge' } });
    expect(decoded.ok && decoded.request.object).toBeUndefined();
  });
});
