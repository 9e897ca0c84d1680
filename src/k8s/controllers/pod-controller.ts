// Gateway pods become Dataplanes (docs/gateway.md §3.3, §3.4). The Dataplane is named after the pod,
// lives in its namespace and has the pod as controller owner, so the garbage collector removes it
// with the pod: this controller never deletes one itself.
//
// Writes are minimal: an existing Dataplane is replaced (with its resourceVersion) only when its
// mesh, spec, owner reference or one of the computed labels differ; labels and owner references
// written by others are kept.
import { isDeepStrictEqual } from 'node:util';

import type { KubeConfig, V1Namespace, V1OwnerReference, V1Pod, V1Service, V1ServiceList } from '@kubernetes/client-node';
import type { Logger } from 'pino';

import { DATAPLANE } from '../../api/kinds/dataplane.js';
import { CRD_GROUP, CRD_VERSION, crdKind } from '../crds.js';
import { desiredDataplaneForPod, gatewayKindOf, type DataplaneObject } from '../dataplane-for-pod.js';
import { serviceSelectsPod } from '../delegated-gateway-tags.js';
import { kubeRequest } from '../watch/kube-request.js';
import { objectKey } from '../watch/object-cache.js';
import { readObject } from './read-object.js';
import { EventRecorder, involvedObjectOf, type InvolvedObject } from './kube-events.js';

/** Event reason: a Dataplane was created for a pod. */
export const CREATED_DATAPLANE_REASON = 'CreatedKumaDataplane';
/** Event reason: a pod's Dataplane was updated. */
export const UPDATED_DATAPLANE_REASON = 'UpdatedKumaDataplane';
/** `source.component` of the pod controller's events (Kuma's, so existing event filters keep working). */
export const POD_CONTROLLER_COMPONENT = 'k8s.kuma.io/dataplane-generator';

/** Options of the PodController. */
export interface PodControllerOptions {
  readonly kubeConfig: KubeConfig;
  readonly logger: Logger;
  /** Zone of this control plane, when it runs in one. */
  readonly zone?: string;
  /** Shared recorder; one is made when absent. */
  readonly events?: EventRecorder;
}

/** A Dataplane object as read from the API server. */
interface StoredDataplane {
  readonly metadata?: {
    readonly resourceVersion?: string;
    readonly labels?: Readonly<Record<string, string>>;
    readonly ownerReferences?: readonly V1OwnerReference[];
  } & Readonly<Record<string, unknown>>;
  readonly mesh?: string;
  readonly spec?: unknown;
}

const enc = encodeURIComponent;
const dataplanesPath = (namespace: string): string => `/apis/${CRD_GROUP}/${CRD_VERSION}/namespaces/${enc(namespace)}/${crdKind(DATAPLANE.kind).plural}`;


/** True when `existing` already says everything `desired` says. */
function upToDate(existing: StoredDataplane, desired: DataplaneObject): boolean {
  const labels = existing.metadata?.labels ?? {};
  const owner = desired.metadata.ownerReferences[0];
  return (
    existing.mesh === desired.mesh &&
    isDeepStrictEqual(existing.spec, desired.spec) &&
    Object.entries(desired.metadata.labels).every(([key, value]) => labels[key] === value) &&
    (existing.metadata?.ownerReferences ?? []).some((ref) => ref.controller === true && ref.uid === owner?.uid)
  );
}

/** `existing` carrying the desired mesh, spec, labels and controller reference; other metadata kept. */
function merged(existing: StoredDataplane, desired: DataplaneObject): Record<string, unknown> {
  // A controller reference to another uid is a previous pod of the same name: it is replaced.
  const otherOwners = (existing.metadata?.ownerReferences ?? []).filter((ref) => ref.controller !== true);
  return {
    ...existing,
    apiVersion: desired.apiVersion,
    kind: desired.kind,
    metadata: {
      ...existing.metadata,
      labels: { ...existing.metadata?.labels, ...desired.metadata.labels },
      ownerReferences: [...otherOwners, ...desired.metadata.ownerReferences],
    },
    mesh: desired.mesh,
    spec: desired.spec,
  };
}

/** Keeps a Dataplane for every gateway pod. */
export class PodController {
  private readonly events: EventRecorder;

  constructor(private readonly options: PodControllerOptions) {
    this.events = options.events ?? new EventRecorder({ kubeConfig: options.kubeConfig, logger: options.logger, component: POD_CONTROLLER_COMPONENT });
  }

  /** Brings the Dataplane of pod `namespace/name` in line with the pod. */
  async reconcile(namespace: string, name: string): Promise<void> {
    try {
      await this.tryReconcile(namespace, name);
    } catch (cause) {
      throw new Error(`reconcile Dataplane for Pod ${namespace}/${name}`, { cause });
    }
  }

  private async tryReconcile(namespace: string, name: string): Promise<void> {
    const { kubeConfig, logger } = this.options;
    const pod = await readObject<V1Pod>(kubeConfig, `/api/v1/namespaces/${enc(namespace)}/pods/${enc(name)}`);
    const kind = pod && gatewayKindOf(pod);
    if (!pod || !kind || !pod.status?.podIP) return;
    const ns = await readObject<V1Namespace>(kubeConfig, `/api/v1/namespaces/${enc(namespace)}`);
    const services = kind === 'builtin' ? [] : await this.listServices(namespace);
    const result = desiredDataplaneForPod(pod, ns, services, this.options.zone ? { zone: this.options.zone } : {});
    if (result === undefined) return;
    const involved = involvedObjectOf({ apiVersion: 'v1', kind: 'Pod', ...pod });
    if ('error' in result) {
      logger.warn({ pod: `${namespace}/${name}`, reason: result.error.reason }, result.error.message);
      await this.events.emit(involved, 'Warning', result.error.reason, result.error.message);
      return;
    }
    if (result.droppedProtocol !== undefined) {
      logger.info({ pod: `${namespace}/${name}`, protocol: result.droppedProtocol }, 'delegated gateway tags keep kuma.io/protocol only when it is tcp; dropped');
    }
    await this.ensureDataplane(result.dataplane, involved);
  }

  private async listServices(namespace: string): Promise<V1Service[]> {
    const list = await kubeRequest<V1ServiceList>(this.options.kubeConfig, { path: `/api/v1/namespaces/${enc(namespace)}/services` });
    return list.items ?? [];
  }

  /** Creates the Dataplane or replaces it when it differs; emits the Normal event of the write. */
  private async ensureDataplane(desired: DataplaneObject, involved: InvolvedObject): Promise<void> {
    const { kubeConfig, logger } = this.options;
    const { name, namespace } = desired.metadata;
    const existing = await readObject<StoredDataplane>(kubeConfig, `${dataplanesPath(namespace)}/${enc(name)}`);
    if (existing === undefined) {
      await kubeRequest(kubeConfig, { method: 'POST', path: dataplanesPath(namespace), body: desired });
      logger.info({ dataplane: `${namespace}/${name}`, mesh: desired.mesh }, 'Dataplane created');
      await this.events.emit(involved, 'Normal', CREATED_DATAPLANE_REASON, `Created Kuma Dataplane: ${name}`);
      return;
    }
    if (upToDate(existing, desired)) return;
    // The replace carries the resourceVersion just read: a concurrent writer makes it fail with 409,
    // and the work queue retries from a fresh read.
    await kubeRequest(kubeConfig, { method: 'PUT', path: `${dataplanesPath(namespace)}/${enc(name)}`, body: merged(existing, desired) });
    logger.info({ dataplane: `${namespace}/${name}`, mesh: desired.mesh }, 'Dataplane updated');
    await this.events.emit(involved, 'Normal', UPDATED_DATAPLANE_REASON, `Updated Kuma Dataplane: ${name}`);
  }
}

/**
 * Pods to reconcile after a Service event: the delegated gateway pods the Service selects, since
 * their tags come from the Services selecting them (builtin gateway pods do not read Services).
 * On an update, call it with both the old and the new Service.
 */
export function podKeysForService(service: V1Service, pods: readonly V1Pod[]): string[] {
  return pods
    .filter((pod) => {
      const kind = gatewayKindOf(pod);
      return (kind === 'enabled' || kind === 'provided') && serviceSelectsPod(service, pod);
    })
    .map((pod) => objectKey(pod.metadata?.namespace, pod.metadata?.name ?? ''))
    .sort();
}

/** Pods to reconcile after a Namespace event (its mesh label may have changed): its gateway pods. */
export function podKeysForNamespace(namespace: V1Namespace, pods: readonly V1Pod[]): string[] {
  const name = namespace.metadata?.name ?? '';
  return pods
    .filter((pod) => pod.metadata?.namespace === name && gatewayKindOf(pod) !== undefined)
    .map((pod) => objectKey(pod.metadata?.namespace, pod.metadata?.name ?? ''))
    .sort();
}
