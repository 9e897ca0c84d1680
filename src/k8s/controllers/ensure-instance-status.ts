// Writes a MeshGatewayInstance's status through the status subresource (docs/gateway.md §3.2 step 5).
import { MESH_GATEWAY_INSTANCE } from '../../api/kinds/mesh-gateway-instance.js';
import type { MeshGatewayInstanceStatus } from '../../api/mesh-gateway-instance.js';
import { CRD_GROUP, CRD_VERSION } from '../crds.js';
import { KubeApiError } from '../watch/kube-request.js';
import type { MergePatcher } from './merge-patch-request.js';
import { jsonEqual, replacingPatch } from './merge-patch-body.js';

/** Plural of MeshGatewayInstance in API paths. */
export const INSTANCE_PLURAL = MESH_GATEWAY_INSTANCE.kubernetes.names.plural;

/**
 * Merge-patches `status` to `desired` unless it already is, resolving true when it wrote:
 * conditions are replaced as a list and loadBalancer made equal to the copy (a withdrawn ingress
 * is removed). A NotFound answer means the instance was deleted meanwhile, which needs nothing.
 */
export async function ensureInstanceStatus(
  patcher: MergePatcher,
  instance: { readonly namespace: string; readonly name: string },
  current: MeshGatewayInstanceStatus | undefined,
  desired: MeshGatewayInstanceStatus,
): Promise<boolean> {
  if (jsonEqual(current?.conditions, desired.conditions) && jsonEqual(current?.loadBalancer, desired.loadBalancer)) return false;
  const status = {
    conditions: desired.conditions,
    ...(desired.loadBalancer ? { loadBalancer: replacingPatch(current?.loadBalancer, desired.loadBalancer) } : {}),
  };
  const ref = { group: CRD_GROUP, version: CRD_VERSION, plural: INSTANCE_PLURAL, ...instance };
  try {
    await patcher.customStatus(ref, { status });
  } catch (error) {
    if (error instanceof KubeApiError && error.status === 404) return false;
    throw error;
  }
  return true;
}
