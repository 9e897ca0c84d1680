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

const PATH_PATTERN = /^\/meshes\/([^/]+)\/dataplanes\/([^/]+)\/xds\/?$/;

/**
 * The extra REST route serving a dataplane's config dump from `cache`. 404 when the path does
 * not name a dataplane, or the dataplane has no served snapshot (unknown, not a BUILTIN gateway,
 * or the control plane is not ready yet).
 */
export function xdsDumpRoute(cache: SnapshotCache): ExtraRoute {
  // Admin only: the dump shows every listener, route, backend address and certificate of the
  // proxy (private keys are redacted, the rest is still private configuration).
  return { method: 'GET', path: XDS_DUMP_PATH, access: 'admin', handler: async (request) => xdsDump(cache, request) };
}

/** The answer to one request. */
function xdsDump(cache: SnapshotCache, request: ApiRequest): ApiResponse {
  const pathname = request.url.pathname;
  const proxy = proxyOf(pathname);
  const snapshot = proxy && cache.current(proxyNodeId(proxy.mesh, proxy.name));
  if (snapshot === undefined) return notFound(pathname);
  return { status: 200, body: configDump(snapshot) };
}

/** Mesh and name from the path, or undefined when it is not this route's or does not decode. */
function proxyOf(pathname: string): { mesh: string; name: string } | undefined {
  const match = PATH_PATTERN.exec(pathname);
  if (!match?.[1] || !match[2]) return undefined;
  try {
    return { mesh: decodeURIComponent(match[1]), name: decodeURIComponent(match[2]) };
  } catch {
    return undefined;
  }
}
