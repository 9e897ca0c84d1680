// The policy places of a gateway translation (mesh/policy-status.ts): every cluster with its
// destination and the listener it was matched from, every forwarding route with its clusters. What
// a policy's status is computed from later, on demand, with the same matcher; recorded only when
// the mesh has connection policies.
import type { Gateway, Route } from '../ir/gateway.js';
import type { DestinationPlace, PolicyPlaces, RoutePlace } from '../mesh/policy-status.js';
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
  const routes: RoutePlace[] = [];
  for (const listener of gateway.listeners) {
    for (const group of listener.hostnameGroups) {
      for (const host of group.routeTable?.virtualHosts ?? []) {
        for (const route of host.routes) {
          if (route.action.kind !== 'forward') continue;
          const { forwards, mirror } = route.action;
          routes.push({ name: `${group.routeTable!.name} ${host.hostname} ${describeMatch(route)}`, forwards: forwards.map((f) => f.cluster), ...(mirror ? { mirror: mirror.cluster } : {}) });
        }
      }
    }
  }
  return { sources: sources.sources.map((tags) => [tags]), destinations, routes };
}

/** `prefix /api`, `exact /`, `regex ^/v[0-9]+`, with the names of header and query matches. */
function describeMatch(route: Route): string {
  const { path, headers, queryParameters } = route.match;
  const extra = [...headers.map((h) => `header ${h.name}`), ...queryParameters.map((q) => `query ${q.name}`)];
  return [`${path.kind} ${path.value}`, ...extra].join(' ');
}
