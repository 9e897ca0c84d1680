// GET /zone-ingresses/{name}/status: whether other zones route to the ingress, and why not. Kuma
// skips an ingress without an advertised address silently (kuma#5157); Portico says so here and in
// the REACHABLE column of `portico get zone-ingresses` ([Z3], docs/multizone.md). Computed from the
// stored ZoneIngress on each request, never stored.
import { ingressReachability } from '../api/zone-ingress.js';
import { notFound, type ApiResponse } from '../api-server/problem.js';
import type { ExtraRoute } from '../api-server/router.js';
import type { StoredResource } from '../core/resource.js';
import type { ResourceStore } from '../core/store.js';

/** The route's path. */
export const ZONE_INGRESS_STATUS_PATH = '/zone-ingresses/{name}/status';

/** The conditions of one ingress: `Reachable`, true or false with the reason. */
export function zoneIngressConditions(ingress: StoredResource<'ZoneIngress'>, resolve?: (name: string) => string | undefined): object[] {
  const r = ingressReachability(ingress.spec, resolve);
  const since = ingress.modificationTime;
  if (r.reachable) {
    const at = r.name !== undefined ? `${r.name} (${r.address}):${r.port}` : `${r.address}:${r.port}`;
    return [{ type: 'Reachable', status: 'True', reason: 'Advertised', message: `other zones reach this ingress at ${at}`, lastTransitionTime: since }];
  }
  return [{ type: 'Reachable', status: 'False', reason: r.reason, message: r.message, lastTransitionTime: since }];
}

/**
 * The status route of ZoneIngresses; 404 for an ingress that does not exist. `resolve` answers what
 * this zone resolved another zone's advertised name to; without it (a global) names are not checked.
 */
export function zoneIngressStatusRoute(store: ResourceStore, resolve?: (name: string) => string | undefined): ExtraRoute {
  return {
    method: 'GET',
    path: ZONE_INGRESS_STATUS_PATH,
    access: 'authenticated',
    handler: async (request, params): Promise<ApiResponse> => {
      const name = params['name'];
      const ingress = name ? await store.get({ kind: 'ZoneIngress', mesh: name, name }) : undefined;
      if (!ingress) return notFound(request.url.pathname);
      // An ingress of this zone is dialled by others, which resolve its name themselves.
      const own = (ingress.spec.zone ?? '') === '';
      return { status: 200, body: { conditions: zoneIngressConditions(ingress, own ? undefined : resolve) } };
    },
  };
}
