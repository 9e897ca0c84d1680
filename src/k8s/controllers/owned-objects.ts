// Finding the Service and Deployment a MeshGatewayInstance controls (docs/gateway.md §3.1): objects of
// the instance's namespace whose controller owner reference names the instance (kind
// MeshGatewayInstance, API version kuma.io/v1alpha1). The name is what identifies the owner, as in
// Kuma's owner index, so a re-created instance adopts the objects its predecessor left behind.
import type { KubeConfig } from '@kubernetes/client-node';

import { INSTANCE_API_VERSION, INSTANCE_KIND } from '../render/gateway-instance-input.js';
import type { ObjectMeta, OwnerReference } from '../render/kube-objects.js';
import { kubeRequest } from '../watch/kube-request.js';

/** The kinds an instance owns, with their collection paths. */
export const OWNED_KINDS = {
  Service: (namespace: string) => `/api/v1/namespaces/${encodeURIComponent(namespace)}/services`,
  Deployment: (namespace: string) => `/apis/apps/v1/namespaces/${encodeURIComponent(namespace)}/deployments`,
} as const;

/** A kind an instance owns. */
export type OwnedKind = keyof typeof OWNED_KINDS;

/** The controller owner reference of an object, when it points at a MeshGatewayInstance. */
export function instanceControllerRef(meta: ObjectMeta | undefined): OwnerReference | undefined {
  const ref = meta?.ownerReferences?.find((r) => r.controller === true);
  return ref && ref.kind === INSTANCE_KIND && ref.apiVersion === INSTANCE_API_VERSION ? ref : undefined;
}

/**
 * The object of `kind` controlled by instance `namespace/name`, or undefined. More than one is an
 * error: the controller would not know which to keep.
 */
export async function findOwned<T extends { readonly metadata?: ObjectMeta }>(
  kubeConfig: KubeConfig,
  kind: OwnedKind,
  namespace: string,
  name: string,
): Promise<T | undefined> {
  const list = await kubeRequest<{ items?: T[] }>(kubeConfig, { path: OWNED_KINDS[kind](namespace) });
  const owned = (list.items ?? []).filter((obj) => instanceControllerRef(obj.metadata)?.name === name);
  if (owned.length > 1) {
    const names = owned.map((o) => o.metadata?.name).join(', ');
    throw new Error(`found ${owned.length} ${kind}s controlled by MeshGatewayInstance ${namespace}/${name}: ${names}`);
  }
  return owned[0];
}
