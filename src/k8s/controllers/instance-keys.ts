// Which MeshGatewayInstances to reconcile for a watched event (docs/gateway.md §3.1). Pure.
import type { Selector } from '../../api/tags.js';
import { SERVICE_TAG } from '../../api/tags.js';
import type { ObjectMeta } from '../render/kube-objects.js';
import { objectKey } from '../watch/object-cache.js';
import { instanceControllerRef } from './owned-objects.js';

/** The part of a MeshGateway (store or Kubernetes form) the mapping reads. */
export interface GatewaySelectors {
  readonly spec?: { readonly selectors?: readonly Selector[] };
}

/**
 * Work-queue keys (`namespace/name`) of the instances a MeshGateway change concerns: each
 * selector's `kuma.io/service` split on `_`; only generated names `<name>_<namespace>_svc` map
 * back. On an update both the old and the new gateway are given, so moving a gateway from one
 * instance to another reconciles both.
 */
export function instanceKeysForMeshGateway(oldGateway?: GatewaySelectors, newGateway?: GatewaySelectors): string[] {
  const keys = new Set<string>();
  for (const gateway of [oldGateway, newGateway]) {
    for (const selector of gateway?.spec?.selectors ?? []) {
      const parts = selector.match[SERVICE_TAG]?.split('_') ?? [];
      const [name, namespace, suffix] = parts;
      if (parts.length === 3 && name && namespace && suffix === 'svc') keys.add(objectKey(namespace, name));
    }
  }
  return [...keys];
}

/** Work-queue key of the instance controlling an owned Service or Deployment, if any. */
export function instanceKeyForOwned(obj: { readonly metadata?: ObjectMeta }): string | undefined {
  const ref = instanceControllerRef(obj.metadata);
  return ref ? objectKey(obj.metadata?.namespace, ref.name) : undefined;
}
