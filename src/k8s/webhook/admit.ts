// The admission decision, pure: which requests are Portico's, and the verdict on each. Objects
// are checked by the validators the REST API uses (gateway.md §4, robustness.md §3.4: one
// validator for REST, the webhook and file loading), through the same conversion the Kubernetes
// store applies when it reads them, so an admitted object is always one the store accepts.
import type { KubernetesOnlyKindDescriptor } from '../../api/kinds/descriptor.js';
import { MESH_GATEWAY_INSTANCE } from '../../api/kinds/mesh-gateway-instance.js';
import { KUBERNETES_SECRET_KIND } from '../../api/resource-document.js';
import { KUBERNETES_ONLY_KINDS, updateViolations } from '../../api/resource-kinds.js';
import type { StoredResource } from '../../core/resource.js';
import type { Violation } from '../../api/violation.js';
import { CRD_GROUP, CRD_VERSION } from '../crds.js';
import { DEFAULT_SYSTEM_NAMESPACE, kindLocations, toStoredResource, type KindLocation, type KumaObject } from '../store/kuma-objects.js';
import { violationsMessage, type AdmissionRequest, type AdmissionVerdict } from './admission-review.js';

/** Role of the control plane, which decides where MeshGatewayInstances may be created. */
export type ControlPlaneMode = 'zone' | 'global' | 'standalone';

/** gateway.md §4.5: instances run pods, which only zones do. Kept word for word from Kuma. */
export const GLOBAL_INSTANCE_CREATION_MESSAGE =
  "Operation not allowed. Kuma resources like MeshGatewayInstance can be created only from the 'zone' control plane and not from a 'global' control plane.";

const ALLOWED: AdmissionVerdict = { allowed: true };

// Only the kind matters for validation; the namespace only shapes store names, never verdicts.
// A v1 Secret is a mesh Secret or a GlobalSecret by its type, so Secrets are keyed by type too.
const LOCATIONS: ReadonlyMap<string, KindLocation> = new Map(
  kindLocations(DEFAULT_SYSTEM_NAMESPACE).map((l) => [l.secretType !== undefined ? `${l.apiVersion}/${KUBERNETES_SECRET_KIND}/${l.secretType}` : `${l.apiVersion}/${l.kind}`, l]),
);

/** The Kubernetes-only kinds (never stored), checked by their own parser. */
const KUBERNETES_ONLY: ReadonlyMap<string, KubernetesOnlyKindDescriptor> = new Map(KUBERNETES_ONLY_KINDS.map((d) => [d.kind, d]));

/** The verdict on one admission request of a control plane running in `mode`. */
export function admit(request: AdmissionRequest, mode: ControlPlaneMode): AdmissionVerdict {
  // Deletes and CONNECTs are never refused; status writes come from controllers, not users.
  if (request.operation !== 'CREATE' && request.operation !== 'UPDATE') return ALLOWED;
  if (request.subResource !== undefined) return ALLOWED;
  const object = request.object ?? {};
  const { group, version, kind } = request.kind;
  const kubernetesOnly = group === CRD_GROUP && version === CRD_VERSION ? KUBERNETES_ONLY.get(kind) : undefined;
  if (kubernetesOnly !== undefined) {
    if (kubernetesOnly === MESH_GATEWAY_INSTANCE && mode === 'global' && request.operation === 'CREATE') return forbidden(GLOBAL_INSTANCE_CREATION_MESSAGE);
    return verdictOf(specViolations(kubernetesOnly, object));
  }
  const typeSuffix = group === '' && kind === KUBERNETES_SECRET_KIND ? `/${String(object['type'])}` : '';
  const location = LOCATIONS.get(`${group === '' ? '' : `${group}/`}${version}/${kind}${typeSuffix}`);
  // Not one of Portico's kinds (Secrets of other types are the cluster's own: TLS, service account
  // tokens, ...): the webhook configuration should not send it, and it is not ours to refuse.
  if (location === undefined) return ALLOWED;
  const stored = toStoredResource(location, object as KumaObject);
  if (!stored.ok) return verdictOf(stored.violations);
  return verdictOf(transitionViolations(location, request.oldObject, stored.value));
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

// Spec paths stay relative to spec, as the REST API reports them (gateway.md §4.1).
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
