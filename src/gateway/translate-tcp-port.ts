// One TCP or TLS port (docs/gateway.md §2.5, §2.6, §2.14): bind `tcp` routes per listener, build hosts
// and hostname groups (one `*` group on TCP, one per SNI name on TLS), and the forwards of every
// bound TCP rule of each group. TLS groups also carry their passthrough or termination.
import type { Forward, HostnameGroup, Listener } from '../ir/gateway.js';
import { UNRESOLVED_BACKEND } from '../ir/names.js';
import { bindRoutes, type GatewayRoute } from './bind-routes.js';
import { compareBytes } from '../core/byte-order.js';
import type { CollapsedPort } from './collapse-listeners.js';
import { effectiveWeights } from './forwards.js';
import { groupTls } from './group-tls.js';
import { groupHosts, listenerHost, type Host, type HostGroup } from './hosts.js';
import { uniqueHostnames, type PortContext } from './port-context.js';
import { tagsKey } from '../mesh/tag-maps.js';

/** The Envoy listener of a TCP or TLS port. Routes must be in binding (ascending name) order. */
export function translateTcpPort(port: CollapsedPort, routes: readonly GatewayRoute[], ctx: PortContext): Listener {
  const views = uniqueHostnames(port, ctx);
  const hosts = views.map((v) => listenerHost(v, bindRoutes(routes, v.tags, port.protocol)));
  const hostnameGroups = groupHosts(port.protocol, views, hosts).map((group) => tcpGroup(port, group, ctx));
  const protocol = port.protocol === 'TLS' ? 'TLS' : 'TCP';
  return { name: port.name, port: port.port, protocol, crossMesh: port.crossMesh, hostnameGroups };
}

/** One group's filter chain: TLS on TLS ports, and the forwards of all its hosts; no route table. */
function tcpGroup(port: CollapsedPort, group: HostGroup, ctx: PortContext): HostnameGroup {
  const tls = port.protocol === 'TLS' ? groupTls('TLS', group.first, group.key, ctx.certificates, ctx.fail) : undefined;
  const tcpForwards = groupForwards(group.hosts, ctx);
  // One Retry for the whole chain, chosen among all its destinations (docs/gateway.md §2.14, §2.16 step 3).
  const tcpPolicies = ctx.clusters.tcpProxyPolicies(tcpForwards);
  const accessLog = ctx.accessLog(group.first.tags, 'tcp');
  return { hostname: group.key, ...(tls ? { tls } : {}), tcpForwards, ...(tcpPolicies ? { tcpPolicies } : {}), ...(accessLog ? { accessLog } : {}) };
}

/**
 * One forward per backend of every TCP rule of every host, with the rule's effective weights
 * [D1], stably sorted by cluster name. Weight-0 forwards stay, so that their clusters exist; the
 * xDS translator leaves them out of tcp_proxy and merges forwards naming one cluster.
 */
export function groupForwards(hosts: readonly Host[], ctx: PortContext): Forward[] {
  const forwards: Forward[] = [];
  for (const host of hosts) {
    const hostKey = tagsKey(host.tags);
    // TCP routes have no hostnames, so every route of a host applies to it (docs/gateway.md §2.6 step 1, §2.7).
    for (const route of host.routes) {
      for (const rule of route.spec.conf.tcp?.rules ?? []) {
        const weights = effectiveWeights(rule.backends);
        rule.backends.forEach((backend, i) => {
          const cluster = ctx.clusters.nameFor(backend.destination, host.tags, hostKey, 'tcp');
          // No cluster exists for it, and tcp_proxy has no direct response to fail with.
          if (cluster === UNRESOLVED_BACKEND) return ctx.problem(route, `backend ${UNRESOLVED_BACKEND} cannot be reached over TCP; backend skipped`);
          forwards.push({ cluster, weight: weights[i] ?? 1, meshCluster: ctx.clusters.isMeshCluster(cluster) });
        });
      }
    }
  }
  return forwards.sort((a, b) => compareBytes(a.cluster, b.cluster));
}
