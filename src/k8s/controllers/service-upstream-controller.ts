// The service-upstream annotations (docs/gateway.md §3.5): Services of injected namespaces get
// `ingress.kubernetes.io/service-upstream` and `nginx.ingress.kubernetes.io/service-upstream`, so
// Kong and NGINX ingress controllers running as delegated gateways send traffic to the Service's
// cluster IP, where the sidecar's outbound interception and mesh routing apply, instead of to pod
// IPs. Reacts to Service creation and update only: a deleted Service needs nothing.
import type { KubeConfig, V1Namespace, V1Service } from '@kubernetes/client-node';
import type { Logger } from 'pino';

import { GATEWAY_ANNOTATION } from '../dataplane-for-pod.js';
import { IGNORE_ANNOTATION, isEnabledValue } from '../delegated-gateway-tags.js';
import { kubeRequest } from '../watch/kube-request.js';
import { objectKey } from '../watch/object-cache.js';
import { readObject } from './read-object.js';

/** Annotation read by Kong's ingress controller. */
export const INGRESS_SERVICE_UPSTREAM_ANNOTATION = 'ingress.kubernetes.io/service-upstream';
/** Annotation read by the NGINX ingress controller. */
export const NGINX_SERVICE_UPSTREAM_ANNOTATION = 'nginx.ingress.kubernetes.io/service-upstream';
/** Namespace label that turns on sidecar injection. */
export const SIDECAR_INJECTION_LABEL = 'kuma.io/sidecar-injection';

const UPSTREAM_ANNOTATIONS = [INGRESS_SERVICE_UPSTREAM_ANNOTATION, NGINX_SERVICE_UPSTREAM_ANNOTATION] as const;

/** Whether the Service of docs/gateway.md §3.5 should carry the annotations; `namespace` is the Service's Namespace. */
export function wantsServiceUpstream(service: V1Service, namespace: V1Namespace | undefined): boolean {
  const annotations = service.metadata?.annotations ?? {};
  return (
    isEnabledValue(namespace?.metadata?.labels?.[SIDECAR_INJECTION_LABEL]) &&
    service.spec?.type !== 'ExternalName' &&
    annotations[GATEWAY_ANNOTATION] !== 'builtin' &&
    !isEnabledValue(annotations[IGNORE_ANNOTATION])
  );
}

/**
 * The Service with both annotations set to "true", or undefined when they already are (no write).
 * An annotation holding another value is overwritten, as Kuma does.
 */
export function desiredServiceUpstream(service: V1Service): V1Service | undefined {
  const annotations = service.metadata?.annotations ?? {};
  if (UPSTREAM_ANNOTATIONS.every((key) => annotations[key] === 'true')) return undefined;
  const updated: Record<string, string> = { ...annotations };
  for (const key of UPSTREAM_ANNOTATIONS) updated[key] = 'true';
  return { ...service, metadata: { ...service.metadata, annotations: updated } };
}

/** Service key to reconcile for a Service event; none for deletions. */
export function serviceUpstreamKeyForEvent(event: 'add' | 'update' | 'delete', service: V1Service): string | undefined {
  if (event === 'delete') return undefined;
  return objectKey(service.metadata?.namespace, service.metadata?.name ?? '');
}

/** Options of the ServiceUpstreamController. */
export interface ServiceUpstreamControllerOptions {
  readonly kubeConfig: KubeConfig;
  readonly logger: Logger;
}

const enc = encodeURIComponent;


/** Annotates Services of injected namespaces with the service-upstream annotations. */
export class ServiceUpstreamController {
  constructor(private readonly options: ServiceUpstreamControllerOptions) {}

  /** Adds the annotations to Service `namespace/name` when it qualifies and lacks them. */
  async reconcile(namespace: string, name: string): Promise<void> {
    try {
      await this.tryReconcile(namespace, name);
    } catch (cause) {
      throw new Error(`reconcile service-upstream annotations of Service ${namespace}/${name}`, { cause });
    }
  }

  private async tryReconcile(namespace: string, name: string): Promise<void> {
    const { kubeConfig, logger } = this.options;
    const path = `/api/v1/namespaces/${enc(namespace)}/services/${enc(name)}`;
    // Read raw JSON, not a typed model: the full update below must send back every field, including
    // ones this client version does not know.
    const service = await readObject<V1Service>(kubeConfig, path);
    if (!service) return;
    const ns = await readObject<V1Namespace>(kubeConfig, `/api/v1/namespaces/${enc(namespace)}`);
    if (!wantsServiceUpstream(service, ns)) return;
    const updated = desiredServiceUpstream(service);
    if (!updated) return;
    // A full update carrying the resourceVersion just read: a concurrent change fails it with 409
    // and the work queue retries from a fresh read.
    await kubeRequest(kubeConfig, { method: 'PUT', path, body: updated });
    logger.info({ service: `${namespace}/${name}` }, 'service-upstream annotations added');
  }
}
