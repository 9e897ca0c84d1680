// GET /meshes/{mesh}/dataplanes/{name}/xds: what the control plane serves a gateway dataplane,
// in the shape of Envoy's config dump, read from the snapshot the xDS server answers from (so it
// is exactly what was, or will be, sent). Secrets are always redacted: the REST API is not a way
// to read private keys.
import { notFound, type ApiResponse } from '../api-server/problem.js';
import type { ApiRequest } from '../api-server/resources.js';
import type { ExtraRoute } from '../api-server/router.js';
import type { SnapshotCache } from '../xds/cache/snapshot-cache.js';
import { proxyNodeId } from '../xds/server/proxy-id.js';
import { configDump } from './envoy-dump.js';

/** The route's path; `{mesh}` and `{name}` each stand for one path segment. */
export const XDS_DUMP_PATH = '/meshes/{mesh}/dataplanes/{name}/xds';

/**
 * The extra REST route serving a dataplane's config dump from `cache`. 404 when the path does
 * not name a dataplane, or the dataplane has no served snapshot (unknown, not a BUILTIN gateway,
 * or the control plane is not ready yet).
 */
export function xdsDumpRoute(cache: SnapshotCache): ExtraRoute {
  // Admin only: the dump shows every listener, route, backend address and certificate of the
  // proxy (private keys are redacted, the rest is still private configuration).
  return { method: 'GET', path: XDS_DUMP_PATH, access: 'admin', handler: async (request, params) => xdsDump(cache, request, params) };
}

/** The answer to one request; the router decoded `{mesh}` and `{name}` into `params`. */
function xdsDump(cache: SnapshotCache, request: ApiRequest, params: Readonly<Record<string, string>>): ApiResponse {
  const pathname = request.url.pathname;
  const { mesh, name } = params;
  const snapshot = mesh && name ? cache.current(proxyNodeId(mesh, name)) : undefined;
  if (snapshot === undefined) return notFound(pathname);
  return { status: 200, body: configDump(snapshot) };
}
