// Hosts and hostname groups (docs/gateway.md §2.6): one host per listener, grouped per filter chain,
// then the wildcard host's hostname routes redistributed to the hosts they name.
import type { ListenerProtocol } from '../api/mesh-gateway.js';
import type { Tags } from '../api/tags.js';
import type { GatewayRoute } from './bind-routes.js';
import type { ListenerView } from './collapse-listeners.js';
import { compareGroupOrder, hostnamesMatch } from './hostname-match.js';

/** The per-listener record of hostname, bound routes and merged tags. */
export interface Host {
  readonly hostname: string;
  /** Merged tags of the listener (an implicit host copies the `*` host's). */
  readonly tags: Tags;
  readonly routes: readonly GatewayRoute[];
  /** Created by redistribution for a route hostname no listener serves (docs/gateway.md §2.6 step 2). */
  readonly implicit: boolean;
}

/** Hosts sharing one filter chain and route table. */
export interface HostGroup {
  /** `*` on HTTP and TCP ports, the effective hostname on HTTPS and TLS ports. */
  readonly key: string;
  /** The listener that created the group, whose TLS settings the group uses. */
  readonly first: ListenerView;
  /** Listener order, implicit hosts after them in creation order. */
  readonly hosts: readonly Host[];
}

/** One host per listener of the port, with the routes bound to that listener. */
export function listenerHost(view: ListenerView, routes: readonly GatewayRoute[]): Host {
  return { hostname: view.hostname, tags: view.tags, routes, implicit: false };
}

/** Group a port's hosts by key, in group order (docs/gateway.md §2.6), then redistribute wildcard routes per group. */
export function groupHosts(protocol: ListenerProtocol, views: readonly ListenerView[], hosts: readonly Host[]): HostGroup[] {
  const bySni = protocol === 'HTTPS' || protocol === 'TLS';
  const groups = new Map<string, { first: ListenerView; hosts: Host[] }>();
  hosts.forEach((host, i) => {
    const key = bySni ? host.hostname : '*';
    const group = groups.get(key);
    if (group) group.hosts.push(host);
    else groups.set(key, { first: views[i] as ListenerView, hosts: [host] });
  });
  return [...groups.entries()]
    .sort(([a], [b]) => compareGroupOrder(a, b))
    .map(([key, g]) => ({ key, first: g.first, hosts: redistributeWildcardRoutes(g.hosts) }));
}

/** A route's `http.hostnames`; TCP routes have none. */
export function routeHostnames(route: GatewayRoute): readonly string[] {
  return route.spec.conf.http?.hostnames ?? [];
}

/** A host under construction: routes grow while redistributing. */
interface WorkingHost {
  readonly hostname: string;
  readonly tags: Tags;
  routes: GatewayRoute[];
  readonly implicit: boolean;
}

/**
 * docs/gateway.md §2.6 redistribution, for a group holding a host `*` (W): 1. W keeps its hostname-less routes;
 * 2. each other route of W goes to the host of each of its hostnames, creating implicit hosts
 * (copies of W without routes); 3. a route naming `*.S` also goes to every host named `*.S` or
 * ending in `.S`, once all implicit hosts exist [D4]; 4. implicit hosts then get W's
 * hostname-less routes [D3]; 5. duplicates removed, first kept.
 */
export function redistributeWildcardRoutes(hosts: readonly Host[]): Host[] {
  const w = hosts.find((h) => h.hostname === '*');
  if (w === undefined) return hosts.map(dedupeRoutes);
  const working: WorkingHost[] = hosts.map((h) => ({ ...h, routes: h === w ? [] : [...h.routes] }));
  const byName = new Map<string, WorkingHost>();
  for (const h of working) if (!byName.has(h.hostname)) byName.set(h.hostname, h);
  const wildcardHost = byName.get('*') as WorkingHost;
  const stay = w.routes.filter((r) => routeHostnames(r).length === 0);
  const moved = w.routes.filter((r) => routeHostnames(r).length > 0);
  wildcardHost.routes.push(...stay);
  // Steps 2-4 each in a function of its own. As one function, called once per translation, the
  // engine optimised it inside the first long loop, before the later steps had run: it then
  // bailed out on reaching them, every translation, and ran them unoptimised.
  moveToNamedHosts(moved, w.tags, working, byName);
  moveToSuffixHosts(moved, working);
  for (const host of working) if (host.implicit) host.routes.push(...stay);
  return working.map(dedupeRoutes);
}

/** Step 2: each moved route to the host of each of its hostnames, implicit hosts created in `working`. */
function moveToNamedHosts(moved: readonly GatewayRoute[], tags: Tags, working: WorkingHost[], byName: Map<string, WorkingHost>): void {
  for (const route of moved) {
    for (const name of routeHostnames(route)) {
      let host = byName.get(name);
      if (host === undefined) {
        host = { hostname: name, tags, routes: [], implicit: true };
        working.push(host);
        byName.set(name, host);
      }
      host.routes.push(route);
    }
  }
}

/** Step 3: a moved route naming `*.S` to every host named `*.S` or ending in `.S` [D4]. */
function moveToSuffixHosts(moved: readonly GatewayRoute[], working: readonly WorkingHost[]): void {
  const bySuffix = suffixIndex(working);
  for (const route of moved) {
    for (const name of routeHostnames(route)) {
      if (!name.startsWith('*.')) continue;
      for (const host of bySuffix.get(name.slice(2)) ?? []) host.routes.push(route);
    }
  }
}

/**
 * Hosts by every label-boundary suffix of their name: `foo.example.com` under `example.com` and
 * `com`, so the hosts reached by `*.S` are one lookup of S, in host order.
 */
function suffixIndex(hosts: readonly WorkingHost[]): Map<string, WorkingHost[]> {
  const index = new Map<string, WorkingHost[]>();
  for (const host of hosts) {
    const name = host.hostname;
    for (let i = name.indexOf('.'); i >= 0; i = name.indexOf('.', i + 1)) {
      const suffix = name.slice(i + 1);
      const list = index.get(suffix);
      if (list) list.push(host);
      else index.set(suffix, [host]);
    }
  }
  return index;
}

/** Step 5: a route appears once per host, at its first position (same kind and mesh: name decides). */
function dedupeRoutes(host: Host | WorkingHost): Host {
  const seen = new Set<string>();
  const routes = host.routes.filter((r) => !seen.has(r.name) && (seen.add(r.name), true));
  return { hostname: host.hostname, tags: host.tags, routes, implicit: host.implicit };
}

/**
 * docs/gateway.md §2.7 step 1: the routes a host keeps. The host `*` keeps all; another host keeps routes without
 * hostnames and routes with a hostname matching its name.
 */
export function routesForHost(host: Host): GatewayRoute[] {
  if (host.hostname === '*') return [...host.routes];
  return host.routes.filter((r) => {
    const names = routeHostnames(r);
    return names.length === 0 || anyHostnameMatches(names, host.hostname);
  });
}

/** True when a route hostname matches the host's; a loop, as this runs for every route of every host. */
function anyHostnameMatches(names: readonly string[], hostname: string): boolean {
  for (const n of names) if (hostnamesMatch(n, hostname)) return true;
  return false;
}
