// GET /meshes/{mesh}/dataplanes/{name}/stats and .../clusters: in Kuma these read the proxy's Envoy
// admin API through the control plane, over an admin listener the control plane generates on every
// proxy and reaches with mutual TLS. Portico generates no such listener: `portico dp run` binds
// Envoy's admin on 127.0.0.1 only, and the control plane has no path to it. Rather than a route
// that works only when proxy and control plane share a host, both paths answer 501 saying how to
// read the same data on the proxy's host (docs/inspect.md, "Limitations").
import { notFound, problem, type ApiResponse } from '../api-server/problem.js';
import type { ApiRequest } from '../api-server/resources.js';
import type { ExtraRoute } from '../api-server/router.js';
import type { ResourceStore } from '../core/store.js';

/** The Envoy admin endpoints Kuma proxies, by the last segment of their path. */
export const ENVOY_ADMIN_VIEWS = ['stats', 'clusters'] as const;

/**
 * One route per view. Admin-only like the xDS dump: once implemented they show every cluster,
 * address and counter of the proxy, and an access level is not loosened later. 404 when the path
 * names no Dataplane, so a typo is not answered with an explanation of a missing feature.
 */
export function envoyAdminRoutes(store: ResourceStore): ExtraRoute[] {
  return ENVOY_ADMIN_VIEWS.map((view) => ({
    method: 'GET',
    path: `/meshes/{mesh}/dataplanes/{name}/${view}`,
    access: 'admin',
    handler: async (request: ApiRequest, params): Promise<ApiResponse> => {
      const { mesh, name } = params;
      const dataplane = mesh && name ? await store.get({ kind: 'Dataplane', mesh, name }) : undefined;
      if (dataplane === undefined) return notFound(request.url.pathname);
      return notImplemented(request.url.pathname, view);
    },
  }));
}

/** 501 with the way to read the view where it is. */
function notImplemented(instance: string, view: (typeof ENVOY_ADMIN_VIEWS)[number]): ApiResponse {
  const detail =
    `reading a proxy's Envoy admin (${view}) through the control plane is not implemented: Portico proxies bind their admin API ` +
    `on 127.0.0.1 only. On the proxy's host run: curl http://127.0.0.1:<admin port>/${view} ` +
    `(the port of portico dp run --admin-port, 9901 by default)`;
  return problem(501, 'Not Implemented', detail, instance);
}
