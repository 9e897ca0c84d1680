// The facts route statuses are made of, computed with the translation's own steps so that a
// status can never disagree with what the proxies are sent: which proxies' listeners bind a route
// (docs/gateway.md §2.3-§2.5) and which of its destinations have no endpoint (§2.15).
import type { ListenerProtocol } from '../api/mesh-gateway.js';
import { SERVICE_TAG, type Tags } from '../api/tags.js';
import type { StoredResource } from '../core/resource.js';
import { UNRESOLVED_BACKEND } from '../ir/names.js';
import { bindRoutes, type GatewayRoute } from './bind-routes.js';
import { compareBytes } from '../core/byte-order.js';
import { collapseListeners } from './collapse-listeners.js';
import { endpointsFor, indexEndpoints } from '../mesh/endpoints.js';
import { proxyGatewayTags } from './select-gateway.js';
import { anySelectorMatches } from '../mesh/selectors.js';
import { tagsKey } from '../mesh/tag-maps.js';

/** A gateway dataplane with the MeshGateway it serves. */
export interface ServingProxy {
  readonly dataplane: StoredResource<'Dataplane'>;
  readonly gateway: StoredResource<'MeshGateway'>;
}

/** Where one route ended up. */
export interface RouteReach {
  /** Names of the proxies with at least one listener binding the route, ascending. */
  readonly proxies: readonly string[];
  /**
   * Proxy name -> the Envoy listeners (`<gateway>:<PROTOCOL>:<port>`) of that proxy binding the
   * route, in port order: what lets a rejected Listener or RouteConfiguration be attributed to it.
   */
  readonly listeners: ReadonlyMap<string, readonly string[]>;
  /**
   * Protocols of listeners the route's selectors match but whose protocol does not suit the route
   * (a tcp route on an HTTP listener): said in the NotBound message, since Kuma drops them silently.
   */
  readonly unsuitable: readonly ListenerProtocol[];
}

/**
 * The reach of every route, by route name. Binding is evaluated per proxy because merged
 * listener tags include the dataplane's own gateway tags (docs/gateway.md §2.3); replicas with equal gateway and
 * tags share one evaluation.
 */
export function routeReach(routes: readonly GatewayRoute[], proxies: readonly ServingProxy[]): Map<string, RouteReach> {
  const bound = new Map<string, Map<string, readonly string[]>>(routes.map((r) => [r.name, new Map()]));
  const unsuitable = new Map<string, Set<ListenerProtocol>>(routes.map((r) => [r.name, new Set()]));
  const byIdentity = new Map<string, ListenerBinding>();
  for (const { dataplane, gateway } of proxies) {
    const tags = proxyGatewayTags(dataplane);
    const identity = `${gateway.name}\u0000${tagsKey(tags)}`;
    let binding = byIdentity.get(identity);
    if (binding === undefined) {
      binding = bindListeners(routes, gateway, tags);
      byIdentity.set(identity, binding);
    }
    for (const [name, listeners] of binding.bound) bound.get(name)?.set(dataplane.name, listeners);
    for (const [name, protocols] of binding.unsuitable) for (const p of protocols) unsuitable.get(name)?.add(p);
  }
  const reach = new Map<string, RouteReach>();
  for (const route of routes) {
    const listeners = bound.get(route.name) ?? new Map<string, readonly string[]>();
    reach.set(route.name, {
      proxies: [...listeners.keys()].sort(compareBytes),
      listeners,
      unsuitable: [...(unsuitable.get(route.name) ?? [])].sort(compareBytes),
    });
  }
  return reach;
}

/** What the listeners of one gateway seen through one set of proxy tags do with the routes. */
interface ListenerBinding {
  /** Route name -> names of the Envoy listeners binding it, in port order; only bound routes. */
  readonly bound: ReadonlyMap<string, readonly string[]>;
  /** Route name -> protocols of listeners matched by its selectors that do not suit it. */
  readonly unsuitable: ReadonlyMap<string, ReadonlySet<ListenerProtocol>>;
}

/** Bind the routes to every listener of the gateway, with the translation's own binding step. */
function bindListeners(routes: readonly GatewayRoute[], gateway: StoredResource<'MeshGateway'>, proxyTags: Tags): ListenerBinding {
  const bound = new Map<string, string[]>();
  const unsuitable = new Map<string, Set<ListenerProtocol>>();
  // Ports ascend, so each route's listener names come out in port order without repeats.
  for (const port of collapseListeners(gateway, proxyTags)) {
    for (const view of port.listeners) {
      const binding = new Set(bindRoutes(routes, view.tags, port.protocol));
      for (const route of routes) {
        if (binding.has(route)) addListener(bound, route.name, port.name);
        else if (anySelectorMatches(route.spec.selectors, view.tags)) {
          const protocols = unsuitable.get(route.name) ?? new Set<ListenerProtocol>();
          protocols.add(port.protocol);
          unsuitable.set(route.name, protocols);
        }
      }
    }
  }
  return { bound, unsuitable };
}

/** Adds a listener to a route's list unless it is already its last entry (same port). */
function addListener(bound: Map<string, string[]>, route: string, listener: string): void {
  const list = bound.get(route) ?? [];
  if (list[list.length - 1] !== listener) list.push(listener);
  bound.set(route, list);
}

/** Every forward and mirror destination of a route, first occurrence first, without repeats. */
export function routeDestinations(route: GatewayRoute): Tags[] {
  const { http, tcp } = route.spec.conf;
  const all: Tags[] = [];
  for (const rule of http?.rules ?? []) {
    for (const backend of rule.backends) all.push(backend.destination);
    for (const filter of rule.filters) if (filter.mirror) all.push(filter.mirror.backend.destination);
  }
  for (const rule of tcp?.rules ?? []) for (const backend of rule.backends) all.push(backend.destination);
  const seen = new Set<string>();
  return all.filter((d) => {
    const key = tagsKey(d);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * The destinations of each route that no healthy Dataplane inbound serves, by route name, using
 * the same endpoint selection as EDS. The unresolved backend never has endpoints: it gets no
 * cluster (docs/gateway.md §2.15).
 */
export function unservedDestinations(
  routes: readonly GatewayRoute[],
  dataplanes: readonly StoredResource<'Dataplane'>[],
  mesh: string,
): Map<string, Tags[]> {
  const destinations = new Map(routes.map((r) => [r.name, routeDestinations(r)]));
  const services = new Set<string>();
  for (const list of destinations.values()) for (const d of list) services.add(d[SERVICE_TAG] ?? '');
  const index = indexEndpoints(dataplanes, mesh, services);
  const unserved = new Map<string, Tags[]>();
  for (const [route, list] of destinations) {
    unserved.set(route, list.filter((d) => d[SERVICE_TAG] === UNRESOLVED_BACKEND || endpointsFor(index, d).length === 0));
  }
  return unserved;
}

/** `kuma.io/service=<svc>, k=v, ...`: the service first, the other tags in ascending key order. */
export function describeDestination(destination: Tags): string {
  const others = Object.keys(destination)
    .filter((k) => k !== SERVICE_TAG)
    .sort(compareBytes)
    .map((k) => `${k}=${destination[k] ?? ''}`);
  return [`${SERVICE_TAG}=${destination[SERVICE_TAG] ?? ''}`, ...others].join(', ');
}
