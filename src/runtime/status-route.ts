// GET /meshes/{mesh}/meshgateways/{name}/status and GET /meshes/{mesh}/meshgatewayroutes/{name}/status:
// the conditions of a MeshGateway or MeshGatewayRoute in universal mode, the same ones Kubernetes
// status writers will put on the objects. Read-only; computed by the runtime, never stored.
import { notFound, type ApiResponse } from '../api-server/problem.js';
import type { ApiRequest } from '../api-server/resources.js';
import type { ExtraRoute } from '../api-server/router.js';
import type { Kind } from '../core/resource.js';
import type { ResourceStatus } from '../gateway/status.js';

/** The kinds that have a status, by their REST plural. */
const STATUS_KINDS: Readonly<Record<string, Kind>> = { meshgateways: 'MeshGateway', meshgatewayroutes: 'MeshGatewayRoute' };

/** Path of a MeshGateway's status; `{mesh}` and `{name}` each stand for one path segment. */
export const MESH_GATEWAY_STATUS_PATH = '/meshes/{mesh}/meshgateways/{name}/status';
/** Path of a MeshGatewayRoute's status. */
export const MESH_GATEWAY_ROUTE_STATUS_PATH = '/meshes/{mesh}/meshgatewayroutes/{name}/status';

const PATH_PATTERN = /^\/meshes\/([^/]+)\/(meshgateways|meshgatewayroutes)\/([^/]+)\/status\/?$/;

/** Where statuses are read from (ResourceStatuses implements it). */
export interface StatusSource {
  get(kind: Kind, mesh: string, name: string): ResourceStatus | undefined;
}

/**
 * The two extra REST routes. 200 `{conditions, proxies?}`; 404 when the path names nothing the
 * last generation computed a status for (unknown resource, or created since).
 */
export function statusRoutes(source: StatusSource): ExtraRoute[] {
  const handler = async (request: ApiRequest): Promise<ApiResponse> => statusOf(source, request);
  return [
    { method: 'GET', path: MESH_GATEWAY_STATUS_PATH, access: 'authenticated', handler },
    { method: 'GET', path: MESH_GATEWAY_ROUTE_STATUS_PATH, access: 'authenticated', handler },
  ];
}

/** The answer to one request. */
function statusOf(source: StatusSource, request: ApiRequest): ApiResponse {
  const pathname = request.url.pathname;
  const target = targetOf(pathname);
  const status = target && source.get(target.kind, target.mesh, target.name);
  if (status === undefined) return notFound(pathname);
  return { status: 200, body: status.proxies ? { conditions: status.conditions, proxies: status.proxies } : { conditions: status.conditions } };
}

/** Kind, mesh and name from the path, or undefined when it is not this route's or does not decode. */
function targetOf(pathname: string): { kind: Kind; mesh: string; name: string } | undefined {
  const match = PATH_PATTERN.exec(pathname);
  const kind = match?.[2] === undefined ? undefined : STATUS_KINDS[match[2]];
  if (!match?.[1] || !match[3] || kind === undefined) return undefined;
  try {
    return { kind, mesh: decodeURIComponent(match[1]), name: decodeURIComponent(match[3]) };
  } catch {
    return undefined;
  }
}
