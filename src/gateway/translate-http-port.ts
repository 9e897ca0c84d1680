// One HTTP port (gateway.md §2.5-§2.10): bind routes per listener, build hosts and the single
// `*` hostname group, and its route table of virtual hosts.
import type { Listener, Protocol } from '../ir/gateway.js';
import { routeTableName } from '../ir/names.js';
import { bindRoutes, type GatewayRoute } from './bind-routes.js';
import type { CollapsedPort, ListenerView } from './collapse-listeners.js';
import { compareVirtualHostOrder } from './hostname-match.js';
import { groupHosts, listenerHost } from './hosts.js';
import { virtualHost, type HostContext } from './virtual-hosts.js';

/** What a port translation needs besides the port. */
export interface PortContext extends HostContext {
  /** Report a problem with the MeshGateway. */
  gatewayProblem(message: string): void;
}

/**
 * The Envoy listener of an HTTP port. Routes must be in binding (ascending name) order. Every
 * virtual host requires TLS on a cross-mesh port (§2.17).
 */
export function translateHttpPort(port: CollapsedPort, routes: readonly GatewayRoute[], ctx: PortContext): Listener {
  const views = uniqueHostnames(port, ctx);
  const hosts = views.map((v) => listenerHost(v, bindRoutes(routes, v.tags, port.protocol)));
  const hostnameGroups = groupHosts(port.protocol, views, hosts).map((group) => ({
    hostname: group.key,
    routeTable: {
      name: routeTableName(port.name, group.key),
      virtualHosts: group.hosts
        .map((h) => virtualHost(h, port.crossMesh, ctx))
        .sort((a, b) => compareVirtualHostOrder(a.hostname, b.hostname)),
    },
  }));
  return { name: port.name, port: port.port, protocol: port.protocol as Protocol, crossMesh: port.crossMesh, hostnameGroups };
}

/**
 * Validation forbids two listeners of a port with one effective hostname; should such a gateway
 * reach us anyway, the later listener is dropped so the route table keeps unique domains.
 */
function uniqueHostnames(port: CollapsedPort, ctx: PortContext): ListenerView[] {
  const seen = new Set<string>();
  const views: ListenerView[] = [];
  for (const view of port.listeners) {
    if (seen.has(view.hostname)) {
      ctx.gatewayProblem(`conf.listeners[${view.index}]: multiple listeners for hostname on this port; listener skipped`);
      continue;
    }
    seen.add(view.hostname);
    views.push(view);
  }
  return views;
}
