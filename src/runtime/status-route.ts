// GET /meshes/{mesh}/{plural}/{name}/status (`/{plural}/{name}/status` for a global kind) for every
// kind whose descriptor declares a status (today MeshGateway and MeshGatewayRoute): its
// conditions in universal mode, the same ones Kubernetes status writers put on the objects. And
// the same path for every connection policy kind: where the policy applies and where it lost
// (mesh/policy-status.ts). Read-only; computed by the runtime, never stored.
import { RESOURCE_KINDS, type ResourceKind } from '../api/resource-kinds.js';
import { notFound, type ApiResponse } from '../api-server/problem.js';
import type { ApiRequest } from '../api-server/resources.js';
import type { ExtraRoute } from '../api-server/router.js';
import type { Kind } from '../core/resource.js';
import type { ResourceStatus } from '../gateway/status.js';
import { isConnectionPolicyKind } from '../mesh/connection-policies.js';
import type { PolicyStatus } from '../mesh/policy-status.js';

/** Where statuses are read from (ResourceStatuses implements it). */
export interface StatusSource {
  get(kind: Kind, mesh: string, name: string): ResourceStatus | undefined;
  policy?(kind: Kind, mesh: string, name: string): PolicyStatus | undefined;
}

/** The connection policy kinds: each has a status route too. */
export const POLICY_STATUS_KINDS: readonly ResourceKind[] = RESOURCE_KINDS.filter((d) => isConnectionPolicyKind(d.kind));

/** The kinds that have a status Portico computes. */
export const STATUS_KINDS: readonly ResourceKind[] = RESOURCE_KINDS.filter((d) => d.status !== undefined);

/** Path of a kind's status route; `{mesh}` and `{name}` each stand for one path segment. */
export function statusPath(kind: ResourceKind): string {
  return kind.scope === 'global' ? `/${kind.plural}/{name}/status` : `/meshes/{mesh}/${kind.plural}/{name}/status`;
}

/**
 * One route per kind with a status. 200 `{conditions, proxies?}`; 404 when the path names nothing
 * the last generation computed a status for (unknown resource, or created since). Access is the
 * kind's read access (admin for confidential kinds, as in the router).
 */
export function statusRoutes(source: StatusSource): ExtraRoute[] {
  const conditions: ExtraRoute[] = STATUS_KINDS.map((kind) => ({
    method: 'GET',
    path: statusPath(kind),
    access: kind.confidential ? 'admin' : 'authenticated',
    handler: async (request, params) => statusOf(source, kind, request, params),
  }));
  const policies: ExtraRoute[] = POLICY_STATUS_KINDS.map((kind) => ({
    method: 'GET',
    path: statusPath(kind),
    access: 'authenticated',
    handler: async (request, params) => policyStatusOf(source, kind, request, params),
  }));
  return [...conditions, ...policies];
}

/**
 * A connection policy's status: 200 `{proxies: {total, matched, applied}, items}`, one item per
 * proxy its sources match (`applied` and `lost` places, `lost` naming the winner); 404 when the
 * last generation of the mesh did not read the policy.
 */
function policyStatusOf(source: StatusSource, kind: ResourceKind, request: ApiRequest, params: Readonly<Record<string, string>>): ApiResponse {
  const { mesh, name } = params;
  const status = mesh && name ? source.policy?.(kind.kind, mesh, name) : undefined;
  if (status === undefined) return notFound(request.url.pathname);
  return { status: 200, body: { proxies: { total: status.proxies, matched: status.matched, applied: status.applied }, items: status.details } };
}

/** The answer to one request; the router decoded `{mesh}` and `{name}` into `params`. */
function statusOf(source: StatusSource, kind: ResourceKind, request: ApiRequest, params: Readonly<Record<string, string>>): ApiResponse {
  const { name } = params;
  // A global kind is keyed with mesh = name.
  const mesh = kind.scope === 'global' ? name : params['mesh'];
  const status = mesh && name ? source.get(kind.kind, mesh, name) : undefined;
  if (status === undefined) return notFound(request.url.pathname);
  return { status: 200, body: status.proxies ? { conditions: status.conditions, proxies: status.proxies } : { conditions: status.conditions } };
}
