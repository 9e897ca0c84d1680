// The Dataplane a gateway pod should have (docs/gateway.md §3.3 builtin, §3.4 delegated). Pure: the pod
// controller reads the pod, its namespace and Services, and writes what this returns.
import type { V1Namespace, V1OwnerReference, V1Pod, V1Service } from '@kubernetes/client-node';

import type { GatewayType } from '../api/dataplane.js';
import { ZONE_TAG } from '../api/tags.js';
import { CRD_GROUP, CRD_VERSION } from './crds.js';
import { enabledGatewayTags, isEnabledValue, KUBE_NAMESPACE_TAG, providedGatewayTags } from './delegated-gateway-tags.js';
import { MESH_LABEL, resolveMesh } from './mesh-resolution.js';

/** Pod annotation that marks a gateway pod: `builtin`, `enabled` or `provided`. */
export const GATEWAY_ANNOTATION = 'kuma.io/gateway';
/** Pod annotation holding a builtin gateway's tags as a JSON object. */
export const TAGS_ANNOTATION = 'kuma.io/tags';
/** Dataplane label naming the kind of proxy. */
export const PROXY_TYPE_LABEL = 'kuma.io/proxy-type';
/** Dataplane label naming the pod's service account. */
export const SERVICE_ACCOUNT_LABEL = 'k8s.kuma.io/service-account';
/** Event reason when a gateway pod cannot become a Dataplane. */
export const FAILED_TO_GENERATE_REASON = 'FailedToGenerateKumaDataplane';
/** Event message: the builtin gateway pod has no tags annotation. */
export const MISSING_TAGS_MESSAGE = 'Missing kuma.io/tags annotation on Pod serving a builtin Gateway';
/** Event message: the builtin gateway pod's tags annotation is not a JSON object of strings. */
export const INVALID_TAGS_MESSAGE = 'Invalid kuma.io/tags annotation on Pod serving a builtin Gateway';

/** The controller owner reference a Dataplane carries to its pod, so deleting the pod collects it. */
export function podOwnerReference(pod: V1Pod): V1OwnerReference {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    name: pod.metadata?.name ?? '',
    uid: pod.metadata?.uid ?? '',
    controller: true,
    blockOwnerDeletion: true,
  };
}

/** A `kuma.io/v1alpha1` Dataplane object as the pod controller writes it. */
export interface DataplaneObject {
  readonly apiVersion: string;
  readonly kind: 'Dataplane';
  readonly metadata: {
    readonly name: string;
    readonly namespace: string;
    readonly labels: Readonly<Record<string, string>>;
    readonly ownerReferences: readonly V1OwnerReference[];
  };
  readonly mesh: string;
  readonly spec: {
    readonly networking: {
      readonly address: string;
      readonly gateway: { readonly type: GatewayType; readonly tags: Readonly<Record<string, string>> };
    };
  };
}

/** Why a gateway pod got no Dataplane; becomes a Warning event on the pod. */
export interface DataplaneForPodError {
  readonly reason: string;
  readonly message: string;
}

/**
 * `{dataplane}` to write (with `droppedProtocol` when a delegated gateway's non-tcp protocol tag was
 * left out), `{error}` to report, or `undefined` when there is nothing to do: not a gateway pod, or
 * no pod IP yet (the pod is reconciled again when it gets one).
 */
export type DataplaneForPod =
  | { readonly dataplane: DataplaneObject; readonly droppedProtocol?: string }
  | { readonly error: DataplaneForPodError }
  | undefined;

/** Options of the conversion. */
export interface DataplaneForPodOptions {
  /** The zone this control plane runs in; adds `kuma.io/zone` to tags and labels. */
  readonly zone?: string;
}

/** The kind of gateway a pod's annotation asks for, if any. */
export function gatewayKindOf(pod: V1Pod): 'builtin' | 'enabled' | 'provided' | undefined {
  const value = pod.metadata?.annotations?.[GATEWAY_ANNOTATION];
  if (value === 'builtin' || value === 'provided') return value;
  return isEnabledValue(value) ? 'enabled' : undefined;
}

/** Tags of the `kuma.io/tags` annotation, or the error event to emit. */
function builtinTags(pod: V1Pod): { readonly tags: Record<string, string> } | { readonly error: DataplaneForPodError } {
  const raw = pod.metadata?.annotations?.[TAGS_ANNOTATION];
  if (raw === undefined) return { error: { reason: FAILED_TO_GENERATE_REASON, message: MISSING_TAGS_MESSAGE } };
  const invalid = { error: { reason: FAILED_TO_GENERATE_REASON, message: INVALID_TAGS_MESSAGE } };
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return invalid;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return invalid;
  const tags: Record<string, string> = {};
  for (const [key, value] of Object.entries(parsed)) {
    if (typeof value !== 'string') return invalid;
    tags[key] = value;
  }
  return { tags };
}

/** Labels as Kuma computes them for a gateway Dataplane: mesh, namespace, zone, proxy type, service account. */
function dataplaneLabels(pod: V1Pod, mesh: string, zone: string | undefined): Record<string, string> {
  const labels: Record<string, string> = {
    [MESH_LABEL]: mesh,
    [KUBE_NAMESPACE_TAG]: pod.metadata?.namespace ?? '',
    [PROXY_TYPE_LABEL]: 'gateway',
  };
  if (zone) labels[ZONE_TAG] = zone;
  const serviceAccount = pod.spec?.serviceAccountName;
  if (serviceAccount) labels[SERVICE_ACCOUNT_LABEL] = serviceAccount;
  return labels;
}

function dataplaneObject(pod: V1Pod, namespace: V1Namespace | undefined, type: GatewayType, tags: Record<string, string>, zone: string | undefined): DataplaneObject {
  const mesh = resolveMesh(pod, namespace);
  return {
    apiVersion: `${CRD_GROUP}/${CRD_VERSION}`,
    kind: 'Dataplane',
    metadata: {
      name: pod.metadata?.name ?? '',
      namespace: pod.metadata?.namespace ?? '',
      labels: dataplaneLabels(pod, mesh, zone),
      ownerReferences: [podOwnerReference(pod)],
    },
    mesh,
    spec: { networking: { address: pod.status?.podIP ?? '', gateway: { type, tags } } },
  };
}

/**
 * The Dataplane of a gateway pod. `services` are the Services of the pod's namespace (only
 * delegated gateways read them); `namespace` is the pod's Namespace, for mesh resolution.
 */
export function desiredDataplaneForPod(
  pod: V1Pod,
  namespace: V1Namespace | undefined,
  services: readonly V1Service[],
  options: DataplaneForPodOptions = {},
): DataplaneForPod {
  const kind = gatewayKindOf(pod);
  if (kind === undefined || !pod.status?.podIP) return undefined;
  const zone = options.zone || undefined;
  if (kind === 'builtin') {
    const parsed = builtinTags(pod);
    if ('error' in parsed) return parsed;
    const tags = zone ? { ...parsed.tags, [ZONE_TAG]: zone } : parsed.tags;
    return { dataplane: dataplaneObject(pod, namespace, 'BUILTIN', tags, zone) };
  }
  const delegated = kind === 'provided' ? providedGatewayTags(pod, services, zone) : enabledGatewayTags(pod, services, zone);
  const dataplane = dataplaneObject(pod, namespace, 'DELEGATED', delegated.tags, zone);
  return delegated.droppedProtocol === undefined ? { dataplane } : { dataplane, droppedProtocol: delegated.droppedProtocol };
}
