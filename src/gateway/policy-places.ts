// The policy places of a gateway translation (mesh/policy-status.ts): every cluster with its
// destination and the listener it was matched from, every forwarding route with its clusters (the
// distinct actions once, routes by index: a gateway may have 10,000 routes and few actions). What
// a policy's status is computed from later, on demand, with the same matcher; recorded only when
// the mesh has connection policies.
import type { ForwardAction, Gateway, Route } from '../ir/gateway.js';
import type { DestinationPlace, PolicyPlaces, RouteAction, RouteTablePlaces } from '../mesh/policy-status.js';
import type { ClusterRegistry } from './clusters.js';

/** The places of `gateway`, whose clusters `registry` registered; undefined without policies. */
export function gatewayPolicyPlaces(gateway: Gateway, registry: ClusterRegistry): PolicyPlaces | undefined {
  const sources = registry.policySources();
  if (sources === undefined) return undefined;
  const destinations: DestinationPlace[] = [];
  for (const cluster of gateway.clusters) {
    const source = sources.clusters.get(cluster.name);
    if (source !== undefined) destinations.push({ type: 'cluster', name: cluster.name, destination: cluster.destination, source });
  }
  const actions: RouteAction[] = [];
  // Equal actions are one object (forwards.ts), so routes forwarding alike share an index.
  const actionIndex = new Map<ForwardAction, number>();
  const routeTables: RouteTablePlaces[] = [];
  for (const listener of gateway.listeners) {
    for (const group of listener.hostnameGroups) {
      if (group.routeTable === undefined) continue;
      const hosts = group.routeTable.virtualHosts.map((host) => {
        const routes: (readonly [string, number])[] = [];
        for (const route of host.routes) {
          if (route.action.kind !== 'forward') continue;
          let index = actionIndex.get(route.action);
          if (index === undefined) {
            const { forwards, mirror } = route.action;
            index = actions.length;
            actions.push({ forwards: forwards.map((f) => f.cluster), ...(mirror ? { mirror: mirror.cluster } : {}) });
            actionIndex.set(route.action, index);
          }
          routes.push([describeMatch(route), index]);
        }
        return { hostname: host.hostname, routes };
      });
      routeTables.push({ name: group.routeTable.name, hosts });
    }
  }
  return { sources: sources.sources.map((tags) => [tags]), destinations, actions, routeTables };
}

/** `prefix /api`, `exact /`, `regex ^/v[0-9]+`, with the names of header and query matches. */
function describeMatch(route: Route): string {
  const { path, headers, queryParameters } = route.match;
  const text = `${path.kind} ${path.value}`;
  if (headers.length === 0 && queryParameters.length === 0) return text;
  return [text, ...headers.map((h) => `header ${h.name}`), ...queryParameters.map((q) => `query ${q.name}`)].join(' ');
}
