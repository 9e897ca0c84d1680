// One HTTP or HTTPS port (docs/gateway.md §2.5-§2.10, §2.13): bind routes per listener, build hosts
// and hostname groups (one `*` group on HTTP, one per SNI name on HTTPS), and a route table of
// virtual hosts per group. HTTPS groups also carry their TLS termination.
import type { HostnameGroup, Listener } from '../ir/gateway.js';
import { routeTableName } from '../ir/names.js';
import { bindRoutes, type GatewayRoute } from './bind-routes.js';
import type { CollapsedPort } from './collapse-listeners.js';
import { groupTls } from './group-tls.js';
import { compareVirtualHostOrder } from './hostname-match.js';
import { groupHosts, listenerHost, type HostGroup } from './hosts.js';
import { uniqueHostnames, type PortContext } from './port-context.js';
import { virtualHost } from './virtual-hosts.js';

/**
 * The Envoy listener of an HTTP or HTTPS port. Routes must be in binding (ascending name) order.
 * Virtual hosts require TLS on HTTPS and cross-mesh ports (docs/gateway.md §2.6, §2.17).
 */
export function translateHttpPort(port: CollapsedPort, routes: readonly GatewayRoute[], ctx: PortContext): Listener {
  const views = uniqueHostnames(port, ctx);
  const hosts = views.map((v) => listenerHost(v, bindRoutes(routes, v.tags, port.protocol)));
  const hostnameGroups = groupHosts(port.protocol, views, hosts).map((group) => httpGroup(port, group, ctx));
  const protocol = port.protocol === 'HTTPS' ? 'HTTPS' : 'HTTP';
  return { name: port.name, port: port.port, protocol, crossMesh: port.crossMesh, hostnameGroups };
}

/** One group's filter chain: TLS on HTTPS, and its own route table `<listener>:<hostname>` (docs/gateway.md §2.10). */
function httpGroup(port: CollapsedPort, group: HostGroup, ctx: PortContext): HostnameGroup {
  const https = port.protocol === 'HTTPS';
  const tls = https ? groupTls('HTTPS', group.first, group.key, ctx.certificates, ctx.fail) : undefined;
  const accessLog = ctx.accessLog(group.first.tags, 'http');
  return {
    hostname: group.key,
    ...(tls ? { tls } : {}),
    ...(accessLog ? { accessLog } : {}),
    routeTable: {
      name: routeTableName(port.name, group.key),
      virtualHosts: group.hosts
        .map((h) => virtualHost(h, https || port.crossMesh, ctx))
        .sort((a, b) => compareVirtualHostOrder(a.hostname, b.hostname)),
    },
  };
}
