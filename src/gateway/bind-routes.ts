// Route binding (docs/gateway.md §2.5): which MeshGatewayRoutes a listener serves.
import type { ListenerProtocol } from '../api/mesh-gateway.js';
import type { Tags } from '../api/tags.js';
import type { StoredResource } from '../core/resource.js';
import { sortByBytes } from '../core/byte-order.js';
import { anySelectorMatches } from '../mesh/selectors.js';

/** A MeshGatewayRoute as stored. */
export type GatewayRoute = StoredResource<'MeshGatewayRoute'>;

/** The routes of `mesh` in ascending name order: the order binding takes them in. */
export function routesInBindingOrder(routes: readonly GatewayRoute[], mesh: string): GatewayRoute[] {
  return sortByBytes(
    routes.filter((r) => r.mesh === mesh),
    (r) => r.name,
  );
}

/**
 * The routes bound to one listener, in the given (ascending name) order: any selector is a subset
 * of the merged tags (`*` accepts any value, ranks play no part), and the route type suits the
 * protocol. Routes of the wrong type are dropped without a problem, as Kuma does.
 */
export function bindRoutes(
  routes: readonly GatewayRoute[],
  listenerTags: Tags,
  protocol: ListenerProtocol,
): GatewayRoute[] {
  return routes.filter((r) => routeSuits(r, protocol) && anySelectorMatches(r.spec.selectors, listenerTags));
}

/** `http` routes bind to HTTP and HTTPS listeners, `tcp` routes to TCP and TLS listeners. */
function routeSuits(route: GatewayRoute, protocol: ListenerProtocol): boolean {
  switch (protocol) {
    case 'HTTP':
    case 'HTTPS':
      return route.spec.conf.http !== undefined;
    case 'TCP':
    case 'TLS':
      return route.spec.conf.tcp !== undefined;
    default:
      return false;
  }
}
