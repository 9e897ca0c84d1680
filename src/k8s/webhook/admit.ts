// The admission decision, pure: which requests are Portico's, and the verdict on each. Objects
// are checked by the validators the REST API uses (docs/gateway.md §4, docs/robustness.md §3.4: one
// validator for REST, the webhook and file loading), through the same conversion the Kubernetes
// store applies when it reads them, so an admitted object is always one the store accepts.
//
// In a multi-zone deployment the webhook also enforces where each kind may be written
// (docs/multizone.md §5): a federated zone refuses kinds only global provides and changes to copies
// global sent ([Z1]), a global refuses kinds only zones provide (Dataplanes), with the label rules
// the REST API applies (src/api/multizone-rules.ts). Those rules bind users, not the control plane:
// its own writes (the synced copies themselves) and the cluster's garbage collector pass. Deletes
// are checked too, so a synced copy cannot be removed behind the sync's back.
import type { KubernetesOnlyKindDescriptor } from '../../api/kinds/descriptor.js';
import { MESH_GATEWAY_INSTANCE } from '../../api/kinds/mesh-gateway-instance.js';
import { KUBERNETES_SECRET_KIND } from '../../api/resource-document.js';
import { KUBERNETES_ONLY_KINDS, kindDescriptor, updateViolations } from '../../api/resource-kinds.js';
import { labelViolations, readOnlyDetail, type WriteRole } from '../../api/multizone-rules.js';
import type { StoredResource } from '../../core/resource.js';
import type { Violation } from '../../api/violation.js';
import { CRD_GROUP, CRD_VERSION } from '../crds.js';
import { DEFAULT_SYSTEM_NAMESPACE, kindLocations, toStoredResource, type KindLocation, type KumaObject } from '../store/kuma-objects.js';
import { violationsMessage, type AdmissionRequest, type AdmissionVerdict } from './admission-review.js';

/** Role of the control plane, which decides where MeshGatewayInstances may be created. */
export type ControlPlaneMode = 'zone' | 'global' | 'standalone';

/** docs/gateway.md §4.5: instances run pods, which only zones do. Kept word for word from Kuma. */
export const GLOBAL_INSTANCE_CREATION_MESSAGE =
  "Operation not allowed. Kuma resources like MeshGatewayInstance can be created only from the 'zone' control plane and not from a 'global' control plane.";

const ALLOWED: AdmissionVerdict = { allowed: true };

/**
 * Users whose writes are never subject to the multi-zone rules besides the control plane itself:
 * Kubernetes' garbage collector and namespace controller, which delete what owners or namespaces
 * take with them (Kuma's default `runtime.kubernetes.allowedUsers`).
 */
export const SYSTEM_TRUSTED_USERS: readonly string[] = [
  'system:serviceaccount:kube-system:generic-garbage-collector',
  'system:serviceaccount:kube-system:namespace-controller',
];

/** What the multi-zone rules need: the control plane's role and whose writes they do not bind. */
export interface MultizoneAdmission {
  readonly role: WriteRole;
  /** Usernames exempt from the rules: the control plane's own identity and SYSTEM_TRUSTED_USERS. */
  readonly trustedUsers: ReadonlySet<string>;
}

/**
 * Kuma's denial of a kind this control plane does not provide (docs/multizone.md §5.3), word for word:
 * `Operation not allowed. Kuma resources like MeshGatewayRoute can be updated or deleted only from
 * the GLOBAL control plane and not from a ZONE control plane.`
 */
export function readOnlyKindMessage(kind: string, role: WriteRole): string {
  const [here, there] = role.mode === 'global' ? ['GLOBAL', 'ZONE'] : ['ZONE', 'GLOBAL'];
  return `Operation not allowed. Kuma resources like ${kind} can be updated or deleted only from the ${there} control plane and not from a ${here} control plane.`;
}

// Only the kind matters for validation; the namespace only shapes store names, never verdicts.
// A v1 Secret is a mesh Secret or a GlobalSecret by its type, so Secrets are keyed by type too.
const LOCATIONS: ReadonlyMap<string, KindLocation> = new Map(
  kindLocations(DEFAULT_SYSTEM_NAMESPACE).map((l) => [l.secretType !== undefined ? `${l.apiVersion}/${KUBERNETES_SECRET_KIND}/${l.secretType}` : `${l.apiVersion}/${l.kind}`, l]),
);

/** The Kubernetes-only kinds (never stored), checked by their own parser. */
const KUBERNETES_ONLY: ReadonlyMap<string, KubernetesOnlyKindDescriptor> = new Map(KUBERNETES_ONLY_KINDS.map((d) => [d.kind, d]));

/**
 * The verdict on one admission request of a control plane running in `mode`; with `multizone`, the
 * write rules of its role apply first (see the header).
 */
export function admit(request: AdmissionRequest, mode: ControlPlaneMode, multizone?: MultizoneAdmission): AdmissionVerdict {
  // Status writes come from controllers, not users; CONNECT is not a write.
  if (request.subResource !== undefined || request.operation === 'CONNECT') return ALLOWED;
  const { group, version, kind } = request.kind;
  const subject = request.operation === 'DELETE' ? request.oldObject : request.object;
  const location = locationOf(request.kind, subject ?? {});
  if (multizone && location && !multizone.trustedUsers.has(request.username ?? '')) {
    const refusal = multizoneRefusal(request, location, multizone.role);
    if (refusal) return refusal;
  }
  if (request.operation === 'DELETE') return ALLOWED;
  const object = request.object ?? {};
  const kubernetesOnly = group === CRD_GROUP && version === CRD_VERSION ? KUBERNETES_ONLY.get(kind) : undefined;
  if (kubernetesOnly !== undefined) {
    if (kubernetesOnly === MESH_GATEWAY_INSTANCE && mode === 'global' && request.operation === 'CREATE') return forbidden(GLOBAL_INSTANCE_CREATION_MESSAGE);
    return verdictOf(specViolations(kubernetesOnly, object));
  }
  // Not one of Portico's kinds (Secrets of other types are the cluster's own: TLS, service account
  // tokens, ...): the webhook configuration should not send it, and it is not ours to refuse.
  if (location === undefined) return ALLOWED;
  const stored = toStoredResource(location, object as KumaObject);
  if (!stored.ok) return verdictOf(stored.violations);
  return verdictOf(transitionViolations(location, request.oldObject, stored.value));
}

/** Where a stored kind of the request lives; undefined for anything else. */
function locationOf(gvk: AdmissionRequest['kind'], object: Readonly<Record<string, unknown>>): KindLocation | undefined {
  const { group, version, kind } = gvk;
  const typeSuffix = group === '' && kind === KUBERNETES_SECRET_KIND ? `/${String(object['type'])}` : '';
  return LOCATIONS.get(`${group === '' ? '' : `${group}/`}${version}/${kind}${typeSuffix}`);
}

/**
 * The multi-zone refusal of a user's write, or undefined: the kind is read-only for this role
 * (Kuma's message, 403), or a label rule of multizone-rules.ts fails ([Z1] among them; 403, with
 * the violations at `metadata.labels[...]` as kubectl shows object paths).
 */
function multizoneRefusal(request: AdmissionRequest, location: KindLocation, role: WriteRole): AdmissionVerdict | undefined {
  const detail = readOnlyDetail(role, kindDescriptor(location.kind).multizone);
  if (detail !== undefined) return forbidden(readOnlyKindMessage(location.kind, role));
  const operation = request.operation === 'CREATE' ? 'create' : request.operation === 'UPDATE' ? 'update' : 'delete';
  const labelsOf = (o: Readonly<Record<string, unknown>> | undefined) => ((o?.['metadata'] as { labels?: Record<string, string> } | undefined)?.labels ?? {});
  const subject = operation === 'delete' ? request.oldObject : request.object;
  const converted = subject === undefined ? undefined : toStoredResource(location, subject as KumaObject);
  const violations = labelViolations(role, {
    operation,
    mesh: location.scope === 'mesh' && converted?.ok ? converted.value.mesh : undefined,
    name: String((subject?.['metadata'] as { name?: unknown } | undefined)?.name ?? request.name ?? ''),
    labels: labelsOf(subject),
    ...(operation === 'update' ? { previous: labelsOf(request.oldObject) } : {}),
  });
  if (violations.length === 0) return undefined;
  const causes = violations.map((v) => ({ ...v, field: v.field.startsWith('labels[') ? `metadata.${v.field}` : v.field === 'name' ? 'metadata.name' : v.field }));
  return { allowed: false, code: 403, reason: 'Forbidden', message: violationsMessage(causes), causes };
}

/**
 * The kind's rules on replacing the old object by the new one; none when the old object is absent
 * or no longer valid (an object stored before a check existed may still be fixed).
 */
function transitionViolations(location: KindLocation, oldObject: Readonly<Record<string, unknown>> | undefined, next: StoredResource): readonly Violation[] {
  if (oldObject === undefined) return [];
  const previous = toStoredResource(location, oldObject as KumaObject);
  return previous.ok ? updateViolations(next.kind, previous.value.spec as never, next.spec as never) : [];
}

// Spec paths stay relative to spec, as the REST API reports them (docs/gateway.md §4.1).
function specViolations(descriptor: KubernetesOnlyKindDescriptor, object: Readonly<Record<string, unknown>>): readonly Violation[] {
  const parsed = descriptor.parse(object['spec']);
  return parsed.ok ? [] : parsed.violations;
}

/** The verdict on violations found elsewhere: allowed when there are none, else invalid. */
export function deniedFor(violations: readonly Violation[]): AdmissionVerdict {
  return verdictOf(violations);
}

function verdictOf(violations: readonly Violation[]): AdmissionVerdict {
  if (violations.length === 0) return ALLOWED;
  return { allowed: false, code: 422, reason: 'Invalid', message: violationsMessage(violations), causes: violations };
}

function forbidden(message: string): AdmissionVerdict {
  return { allowed: false, code: 403, reason: 'Forbidden', message, causes: [] };
}
