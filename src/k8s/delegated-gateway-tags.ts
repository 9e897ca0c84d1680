// The gateway tags of a delegated gateway pod (docs/gateway.md §3.4): the tags its first inbound would
// have had as a sidecar, or the service-less fallback, or the `provided` form. Pure.
import type { V1OwnerReference, V1Pod, V1Service, V1ServicePort } from '@kubernetes/client-node';

import { PROTOCOL_TAG, SERVICE_TAG, ZONE_TAG } from '../api/tags.js';

/** Tag: the Kubernetes namespace of the workload. */
export const KUBE_NAMESPACE_TAG = 'k8s.kuma.io/namespace';
/** Tag: the Kubernetes Service an inbound was made for. */
export const KUBE_SERVICE_TAG = 'k8s.kuma.io/service-name';
/** Tag: the port of that Service. */
export const KUBE_PORT_TAG = 'k8s.kuma.io/service-port';
/** Tag: the pod of a service-less dataplane. */
export const INSTANCE_TAG = 'kuma.io/instance';
/** Tag of `provided` delegated gateways; really `kuma.io/service-name`, not `kuma.io/service` (docs/gateway.md §5.4). */
export const PROVIDED_SERVICE_TAG = 'kuma.io/service-name';
/** Annotation that keeps a Service out of the mesh. */
export const IGNORE_ANNOTATION = 'kuma.io/ignore';

const POD_TEMPLATE_HASH_LABEL = 'pod-template-hash';
/** Protocols Kuma understands in `appProtocol`; any other value falls back to tcp. */
const KNOWN_PROTOCOLS = new Set(['tcp', 'tls', 'http', 'http2', 'grpc', 'kafka']);
/** Kubernetes' own appProtocol names, as Kuma maps them. */
const KUBERNETES_APP_PROTOCOLS: Readonly<Record<string, string>> = {
  'kubernetes.io/h2c': 'http2',
  'kubernetes.io/ws': 'http',
  'kubernetes.io/wss': 'tls',
};

/** The values Kuma reads as "on" in boolean labels and annotations. */
export function isEnabledValue(value: string | undefined): boolean {
  return value === 'true' || value === 'enabled' || value === 'yes';
}

/** The pod's controller: kind and name as the workload is known (a Deployment rather than its ReplicaSet). */
export interface PodController {
  readonly kind: string;
  readonly name: string;
}

/**
 * The pod's controlling workload, from its owner references alone. A ReplicaSet made by a
 * Deployment is named `<deployment>-<pod-template-hash>` and its pods carry that hash label, so the
 * Deployment name is recovered without reading the ReplicaSet.
 */
export function podController(pod: V1Pod): PodController | undefined {
  const owner: V1OwnerReference | undefined = (pod.metadata?.ownerReferences ?? []).find((ref) => ref.controller === true);
  if (!owner) return undefined;
  const hash = pod.metadata?.labels?.[POD_TEMPLATE_HASH_LABEL];
  if (owner.kind === 'ReplicaSet' && hash && owner.name.endsWith(`-${hash}`) && owner.name.length > hash.length + 1) {
    return { kind: 'Deployment', name: owner.name.slice(0, -(hash.length + 1)) };
  }
  return { kind: owner.kind, name: owner.name };
}

/** Pod labels as tags; empty values are dropped because a tag value must not be empty. */
function podLabelTags(pod: V1Pod): Record<string, string> {
  const tags: Record<string, string> = {};
  for (const [key, value] of Object.entries(pod.metadata?.labels ?? {})) {
    if (value !== '') tags[key] = value;
  }
  return tags;
}

/** True when the Service's (non-empty) selector matches the pod's labels. */
export function serviceSelectsPod(service: V1Service, pod: V1Pod): boolean {
  if ((service.metadata?.namespace ?? '') !== (pod.metadata?.namespace ?? '')) return false;
  const selector = Object.entries(service.spec?.selector ?? {});
  if (selector.length === 0) return false;
  const labels = pod.metadata?.labels ?? {};
  return selector.every(([key, value]) => labels[key] === value);
}

/** The Services that give the pod its inbounds, sorted by name as Kuma does (so "first" is stable). */
export function servicesForPod(pod: V1Pod, services: readonly V1Service[]): V1Service[] {
  return services
    .filter((s) => serviceSelectsPod(s, pod))
    .filter((s) => !isEnabledValue(s.metadata?.annotations?.[IGNORE_ANNOTATION]))
    .filter((s) => s.spec?.type !== 'ExternalName')
    .sort((a, b) => ((a.metadata?.name ?? '') < (b.metadata?.name ?? '') ? -1 : (a.metadata?.name ?? '') > (b.metadata?.name ?? '') ? 1 : 0));
}

/**
 * Whether the Service port reaches a port of the pod: a named targetPort must name a container
 * port of the same protocol; a numeric one (defaulting to `port`) always does, as in Kubernetes.
 */
function portResolves(pod: V1Pod, svcPort: V1ServicePort): boolean {
  const target = svcPort.targetPort;
  if (typeof target !== 'string') return true;
  const protocol = svcPort.protocol ?? 'TCP';
  return (pod.spec?.containers ?? []).some((c) =>
    (c.ports ?? []).some((p) => p.name === target && (p.protocol ?? 'TCP') === protocol),
  );
}

/** The protocol Kuma infers for a Service port: known appProtocol, else the port annotation, else tcp. */
function protocolOf(service: V1Service, svcPort: V1ServicePort): string {
  if (svcPort.appProtocol !== undefined) {
    const appProtocol = svcPort.appProtocol.toLowerCase();
    const mapped = KUBERNETES_APP_PROTOCOLS[appProtocol] ?? (KNOWN_PROTOCOLS.has(appProtocol) ? appProtocol : '');
    return mapped || 'tcp';
  }
  return service.metadata?.annotations?.[`${svcPort.port}.service.kuma.io/protocol`] || 'tcp';
}

/** The result of deriving delegated gateway tags; `droppedProtocol` is worth a log line. */
export interface DelegatedTags {
  readonly tags: Record<string, string>;
  /** A non-tcp protocol that was not carried into the tags, since gateway tags may only say tcp. */
  readonly droppedProtocol?: string;
}

/** Tags of the first TCP port of the first selecting Service that reaches the pod, if any. */
function tagsForFirstService(pod: V1Pod, services: readonly V1Service[], zone: string | undefined): DelegatedTags | undefined {
  const namespace = pod.metadata?.namespace ?? '';
  for (const service of servicesForPod(pod, services)) {
    for (const svcPort of service.spec?.ports ?? []) {
      if ((svcPort.protocol ?? 'TCP') !== 'TCP' || !portResolves(pod, svcPort)) continue;
      const name = service.metadata?.name ?? '';
      const tags: Record<string, string> = {
        ...podLabelTags(pod),
        [KUBE_NAMESPACE_TAG]: namespace,
        [KUBE_SERVICE_TAG]: name,
        [KUBE_PORT_TAG]: String(svcPort.port),
        [SERVICE_TAG]: `${name}_${namespace}_svc_${svcPort.port}`,
      };
      if (zone) tags[ZONE_TAG] = zone;
      const protocol = protocolOf(service, svcPort);
      if (protocol === 'tcp') {
        tags[PROTOCOL_TAG] = protocol;
        return { tags };
      }
      return { tags, droppedProtocol: protocol };
    }
  }
  return undefined;
}

/** The service-less fallback: the pod stands for its controller's service `<controller>_<ns>_svc`. */
function servicelessTags(pod: V1Pod, zone: string | undefined): Record<string, string> {
  const namespace = pod.metadata?.namespace ?? '';
  const name = podController(pod)?.name ?? pod.metadata?.name ?? '';
  const tags: Record<string, string> = {
    ...podLabelTags(pod),
    [KUBE_NAMESPACE_TAG]: namespace,
    [SERVICE_TAG]: `${name}_${namespace}_svc`,
    [PROTOCOL_TAG]: 'tcp',
    [INSTANCE_TAG]: pod.metadata?.name ?? '',
  };
  if (zone) tags[ZONE_TAG] = zone;
  return tags;
}

/** Gateway tags of a `kuma.io/gateway: enabled` pod (docs/gateway.md §3.4). */
export function enabledGatewayTags(pod: V1Pod, services: readonly V1Service[], zone: string | undefined): DelegatedTags {
  return tagsForFirstService(pod, services, zone) ?? { tags: servicelessTags(pod, zone) };
}

/** Gateway tags of a `kuma.io/gateway: provided` pod: the Deployment form, else the `enabled` form. */
export function providedGatewayTags(pod: V1Pod, services: readonly V1Service[], zone: string | undefined): DelegatedTags {
  const controller = podController(pod);
  if (controller?.kind !== 'Deployment') return enabledGatewayTags(pod, services, zone);
  return { tags: { [PROVIDED_SERVICE_TAG]: `${controller.name}_${pod.metadata?.namespace ?? ''}_svc` } };
}
