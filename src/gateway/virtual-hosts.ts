// Virtual hosts (docs/gateway.md §2.6 shape, §2.7 steps 1-4, §2.8): a host's routes filtered by
// hostname, expanded into entries, prefix-normalised, ordered and turned into IR routes.
import type { Route, VirtualHost } from '../ir/gateway.js';
import type { GatewayRoute } from './bind-routes.js';
import type { ClusterRegistry } from './clusters.js';
import { PlainForwards } from './forwards.js';
import { routesForHost, type Host } from './hosts.js';
import { addUserExactPaths, normalisePrefixes } from './prefix-normalisation.js';
import { appendRouteEntries, type Entry, type EntryContext } from './route-entries.js';
import { sortEntries } from './route-order.js';
import { tagsKey } from '../mesh/tag-maps.js';

/** Body of the 404 a host without routes answers with [D13]; it ends with a newline. */
export const NOT_FOUND_BODY = 'This is a Portico gateway: no route matches this request.\n';

/** The single route of a host without entries: prefix `/`, direct 404. */
function notFoundRoute(): Route {
  return {
    match: { path: { kind: 'prefix', value: '/' }, headers: [], queryParameters: [] },
    action: { kind: 'direct', status: 404, body: NOT_FOUND_BODY },
    requestHeaders: { add: [], remove: [] },
    responseHeaders: { add: [], remove: [] },
  };
}

/** An entry as an IR route: the method becomes the first header condition, `:method` exact. */
export function entryRoute(entry: Entry): Route {
  const headers = entry.method ? [{ kind: 'exact' as const, name: ':method', value: entry.method }, ...entry.headers] : entry.headers;
  return {
    match: { path: entry.path, headers, queryParameters: entry.queryParameters },
    action: entry.action,
    requestHeaders: entry.requestHeaders,
    responseHeaders: entry.responseHeaders,
  };
}

/** What building virtual hosts needs from the translation. */
export interface HostContext {
  readonly clusters: ClusterRegistry;
  problem(route: GatewayRoute, message: string): void;
}

/** One host as a virtual host; `requireTls` on HTTPS and cross-mesh listeners. */
export function virtualHost(host: Host, requireTls: boolean, ctx: HostContext): VirtualHost {
  const routes = routesForHost(host);
  // A host without routes (often `*`, once redistribution moved every hostname route away) only
  // answers 404. Returning early also keeps its empty lists, which the engine stores in another
  // representation, out of the steps below: passing them through once per translation made the
  // optimised code of those steps bail out and recompile for every gateway, again and again.
  if (routes.length === 0) return { hostname: host.hostname, requireTls, routes: [notFoundRoute()] };
  const hostKey = tagsKey(host.tags);
  const entryContext: EntryContext = {
    // Cluster names depend on the listener's merged tags, which an implicit host copies from `*`.
    clusterFor: (destination) => ctx.clusters.nameFor(destination, host.tags, hostKey, 'http'),
    isMeshCluster: (cluster) => ctx.clusters.isMeshCluster(cluster),
    problem: (route, message) => ctx.problem(route, message),
    plainForwards: new PlainForwards(),
    routePolicies: (forwards, mirrorCluster) => ctx.clusters.routePolicies(forwards, mirrorCluster),
  };
  const entries: Entry[] = [];
  const userExact = new Set<string>();
  for (const r of routes) {
    appendRouteEntries(r, entryContext, entries);
    addUserExactPaths(r, userExact);
  }
  const ordered = sortEntries(normalisePrefixes(entries, userExact));
  return {
    hostname: host.hostname,
    requireTls,
    routes: ordered.length > 0 ? ordered.map(entryRoute) : [notFoundRoute()],
  };
}
