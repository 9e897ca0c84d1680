// The multi-zone write rules in the admission webhook (docs/multizone.md §5, [Z1] of §13.3): what a
// federated zone and a global refuse from users, with Kuma's messages, and that the control plane's
// own writes and the garbage collector pass.
import { describe, expect, it } from 'vitest';
import type { WriteRole } from '../../api/multizone-rules.js';
import { decodeAdmissionReview, type AdmissionRequest } from './admission-review.js';
import { admit, readOnlyKindMessage, SYSTEM_TRUSTED_USERS, type MultizoneAdmission } from './admit.js';
import { admissionReview, KINDS, meshGateway, meshGatewayRoute, secret, serverMetadata, type ReviewedKind, type ReviewOptions } from './testdata/admission-reviews.js';

const CONTROL_PLANE = 'system:serviceaccount:portico-system:portico-control-plane';
const USER = 'kubernetes-admin';

function requestOf(kind: ReviewedKind, object: Record<string, unknown>, options?: ReviewOptions): AdmissionRequest {
  const decoded = decodeAdmissionReview(admissionReview(kind, object, options));
  if (!decoded.ok) throw new Error(`test review does not decode: ${decoded.error}`);
  return decoded.request;
}

const rules = (role: WriteRole): MultizoneAdmission => ({ role, trustedUsers: new Set([CONTROL_PLANE, ...SYSTEM_TRUSTED_USERS]) });
const FEDERATED = rules({ mode: 'zone', zone: 'zone-1', federated: true });
const GLOBAL = rules({ mode: 'global' });

const SYNCED_LABELS = { 'kuma.io/origin': 'global', 'kuma.io/display-name': 'edge', 'kuma.io/mesh': 'default' };
/** A MeshGateway copy global sent to this zone. */
const syncedGateway = (labels: Record<string, string> = SYNCED_LABELS, spec?: Record<string, unknown>) =>
  meshGateway(spec, { metadata: serverMetadata('edge-5c75xw87847wvc4c', { labels }) });
const route = meshGatewayRoute({ selectors: [{ match: { 'kuma.io/service': 'edge' } }], conf: { http: { rules: [{ matches: [{ path: { match: 'PREFIX', value: '/' } }], backends: [{ destination: { 'kuma.io/service': 'demo' } }] }] } } });

describe('admit on a federated zone', () => {
  it('refuses users creating, updating and deleting kinds only global provides, with Kuma\'s message', () => {
    const message = 'Operation not allowed. Kuma resources like MeshGatewayRoute can be updated or deleted only from the GLOBAL control plane and not from a ZONE control plane.';
    expect(readOnlyKindMessage('MeshGatewayRoute', FEDERATED.role)).toBe(message);
    for (const operation of ['CREATE', 'UPDATE', 'DELETE'] as const) {
      expect(admit(requestOf(KINDS.meshGatewayRoute, route, { operation, username: USER }), 'zone', FEDERATED)).toEqual({ allowed: false, code: 403, reason: 'Forbidden', message, causes: [] });
    }
    const mesh = { apiVersion: 'kuma.io/v1alpha1', kind: 'Mesh', metadata: serverMetadata('default'), spec: {} };
    expect(admit(requestOf(KINDS.mesh, mesh, { operation: 'DELETE', username: USER }), 'zone', FEDERATED)).toMatchObject({ allowed: false, message: readOnlyKindMessage('Mesh', FEDERATED.role) });
  });

  it('lets the control plane write the copies it receives, and the garbage collector delete them', () => {
    expect(admit(requestOf(KINDS.meshGatewayRoute, route, { username: CONTROL_PLANE }), 'zone', FEDERATED)).toEqual({ allowed: true });
    expect(admit(requestOf(KINDS.meshGateway, syncedGateway(), { operation: 'UPDATE', username: CONTROL_PLANE }), 'zone', FEDERATED)).toEqual({ allowed: true });
    const gc = 'system:serviceaccount:kube-system:generic-garbage-collector';
    expect(admit(requestOf(KINDS.meshGatewayRoute, route, { operation: 'DELETE', username: gc }), 'zone', FEDERATED)).toEqual({ allowed: true });
  });

  it('still validates what the control plane writes', () => {
    const invalid = meshGateway({ selectors: [] }, { metadata: serverMetadata('edge-x', { labels: SYNCED_LABELS }) });
    expect(admit(requestOf(KINDS.meshGateway, invalid, { username: CONTROL_PLANE }), 'zone', FEDERATED)).toMatchObject({ allowed: false, code: 422 });
  });

  it('[Z1] refuses users updating or deleting a copy global sent, at metadata.labels["kuma.io/origin"]', () => {
    const cause = { field: 'metadata.labels["kuma.io/origin"]', message: "the origin label must be set to 'zone'" };
    const edited = syncedGateway(SYNCED_LABELS, { ...(meshGateway().spec as Record<string, unknown>), selectors: [{ match: { 'kuma.io/service': 'other' } }] });
    expect(admit(requestOf(KINDS.meshGateway, edited, { operation: 'UPDATE', oldObject: syncedGateway(), username: USER }), 'zone', FEDERATED)).toEqual({
      allowed: false,
      code: 403,
      reason: 'Forbidden',
      message: `metadata.labels["kuma.io/origin"]: the origin label must be set to 'zone'`,
      causes: [cause],
    });
    expect(admit(requestOf(KINDS.meshGateway, syncedGateway(), { operation: 'DELETE', username: USER }), 'zone', FEDERATED)).toMatchObject({ allowed: false, causes: [cause] });
    // A Secret global sent (a mesh CA) is global's too.
    const caSecret = secret('system.kuma.io/secret', 'pem');
    const synced = { ...caSecret, metadata: serverMetadata('default.ca-builtin-cert-ca-1', { namespace: 'kuma-system', labels: { 'kuma.io/mesh': 'default', 'kuma.io/origin': 'global' } }) };
    expect(admit(requestOf(KINDS.secret, synced, { operation: 'UPDATE', username: USER }), 'zone', FEDERATED)).toMatchObject({ allowed: false, causes: [cause] });
  });

  it('lets users create, update and delete the zone\'s own MeshGateways, with the REST label rules', () => {
    const local = meshGateway();
    expect(admit(requestOf(KINDS.meshGateway, local, { username: USER }), 'zone', FEDERATED)).toEqual({ allowed: true });
    expect(admit(requestOf(KINDS.meshGateway, local, { operation: 'UPDATE', username: USER }), 'zone', FEDERATED)).toEqual({ allowed: true });
    expect(admit(requestOf(KINDS.meshGateway, local, { operation: 'DELETE', username: USER }), 'zone', FEDERATED)).toEqual({ allowed: true });
    const otherZone = meshGateway(undefined, { metadata: serverMetadata('edge', { labels: { 'kuma.io/zone': 'zone-2' } }) });
    expect(admit(requestOf(KINDS.meshGateway, otherZone, { username: USER }), 'zone', FEDERATED)).toMatchObject({
      allowed: false,
      message: 'metadata.labels["kuma.io/zone"]: kuma.io/zone label should have zone-1 value',
    });
    const labelled = meshGateway(undefined, { metadata: serverMetadata('edge', { labels: { 'kuma.io/origin': 'zone', 'kuma.io/zone': 'zone-1' } }) });
    const unlabelled = meshGateway(undefined, { metadata: serverMetadata('edge', { labels: { 'kuma.io/origin': 'zone' } }) });
    expect(admit(requestOf(KINDS.meshGateway, unlabelled, { operation: 'UPDATE', oldObject: labelled, username: USER }), 'zone', FEDERATED)).toMatchObject({
      allowed: false,
      message: 'metadata.labels["kuma.io/zone"]: is immutable, cannot be removed (was "zone-1")',
    });
  });

  it('applies no multi-zone rule on a zone without global, nor without multi-zone settings', () => {
    const standalone = rules({ mode: 'zone', zone: 'default', federated: false });
    expect(admit(requestOf(KINDS.meshGatewayRoute, route, { username: USER }), 'zone', standalone)).toEqual({ allowed: true });
    expect(admit(requestOf(KINDS.meshGateway, syncedGateway(), { operation: 'DELETE', username: USER }), 'zone', standalone)).toEqual({ allowed: true });
    expect(admit(requestOf(KINDS.meshGatewayRoute, route, { operation: 'DELETE', username: USER }), 'zone')).toEqual({ allowed: true });
  });
});

describe('admit on a global', () => {
  const dataplane = {
    apiVersion: 'kuma.io/v1alpha1', kind: 'Dataplane', mesh: 'default',
    metadata: serverMetadata('backend-1', { namespace: 'shop' }),
    spec: { networking: { address: '10.0.0.1', inbound: [{ port: 8080, tags: { 'kuma.io/service': 'backend' } }] } },
  };

  it('refuses users writing Dataplanes, with Kuma\'s message, and lets the control plane store zones\' copies', () => {
    const message = 'Operation not allowed. Kuma resources like Dataplane can be updated or deleted only from the ZONE control plane and not from a GLOBAL control plane.';
    expect(admit(requestOf(KINDS.dataplane, dataplane, { username: USER }), 'global', GLOBAL)).toMatchObject({ allowed: false, code: 403, message });
    expect(admit(requestOf(KINDS.dataplane, dataplane, { operation: 'DELETE', username: USER }), 'global', GLOBAL)).toMatchObject({ allowed: false, message });
    expect(admit(requestOf(KINDS.dataplane, dataplane, { username: CONTROL_PLANE }), 'global', GLOBAL)).toEqual({ allowed: true });
  });

  it('refuses deleting a MeshGateway a zone sent, and lets users write global\'s own', () => {
    const fromZone = meshGateway(undefined, { metadata: serverMetadata('edge-4fx', { labels: { 'kuma.io/origin': 'zone', 'kuma.io/zone': 'zone-1' } }) });
    expect(admit(requestOf(KINDS.meshGateway, fromZone, { operation: 'DELETE', username: USER }), 'global', GLOBAL)).toMatchObject({
      allowed: false,
      message: `metadata.labels["kuma.io/origin"]: the origin label must be set to 'global'`,
    });
    expect(admit(requestOf(KINDS.meshGateway, meshGateway(), { username: USER }), 'global', GLOBAL)).toEqual({ allowed: true });
  });
});

describe('decodeAdmissionReview for the multi-zone rules', () => {
  it('reads the user and, on DELETE, the object being removed', () => {
    const decoded = decodeAdmissionReview(admissionReview(KINDS.meshGateway, syncedGateway(), { operation: 'DELETE', username: 'alice' }));
    expect(decoded).toMatchObject({ ok: true, request: { operation: 'DELETE', username: 'alice', oldObject: { metadata: { name: 'edge-5c75xw87847wvc4c' } } } });
  });
});
