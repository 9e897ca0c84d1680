// RouteConfiguration, virtual hosts and routes of one route table (docs/gateway.md §2.6, §2.9, §2.10).
// The IR fixes every order (virtual hosts, routes, headers); this only changes the shape.
import type * as ir from '../../ir/gateway.js';
import { buildHeaderMutation, buildHeaderValueOption } from './header-mutation.js';
import { buildKumaTagsHeaders, buildRouteAction, KUMA_TAGS_HEADER } from './route-action.js';
import { buildRouteFilterConfigs } from './route-filter-config.js';
import { buildRouteMatch } from './route-match.js';

/** HSTS header added to every virtual host that requires TLS. */
export const HSTS_HEADER = { name: 'Strict-Transport-Security', value: 'max-age=31536000; includeSubDomains' } as const;

/**
 * What the routes of one table share, made once per table: the `x-kuma-tags` header list
 * (buildKumaTagsHeaders) and the actions built so far, by IR action. Prefix normalisation gives
 * the prefix and exact routes of a rule one action object, and every match of a rule shares it
 * too, so each is built once and its routes share the result (built resources are never mutated).
 */
export interface RouteTableParts {
  readonly kumaTagsHeaders: readonly object[];
  /** The value of each action's one field (`route`, `redirect` or `direct_response`). */
  readonly actions: Map<ir.Route['action'], object>;
  /** `typed_per_filter_config` by forward action, built once like the actions (absent: none). */
  readonly filterConfigs: Map<ir.Route['action'], object | undefined>;
}

/** Fresh parts for one table of a gateway with `proxyTags`. */
export function routeTableParts(proxyTags: ir.Tags): RouteTableParts {
  return { kumaTagsHeaders: buildKumaTagsHeaders(proxyTags), actions: new Map(), filterConfigs: new Map() };
}

/** The value of the one field buildRouteAction returns, by action kind. */
function actionMessage(kind: ir.Route['action']['kind'], built: object): object {
  switch (kind) {
    case 'forward':
      return (built as { route: object }).route;
    case 'redirect':
      return (built as { redirect: object }).redirect;
    case 'direct':
      return (built as { direct_response: object }).direct_response;
  }
}

/**
 * The action message of a route, built once per action object of the table. Frozen: the encoder
 * writes a frozen message once per resource and copies its bytes wherever it repeats, which for
 * the shared action of a rule's prefix and exact routes saves encoding half of them again.
 */
function sharedAction(action: ir.Route['action'], parts: RouteTableParts): object {
  let built = parts.actions.get(action);
  if (built === undefined) {
    built = Object.freeze(actionMessage(action.kind, buildRouteAction(action, parts.kumaTagsHeaders)));
    parts.actions.set(action, built);
  }
  return built;
}

/** The per-route filter configuration of a forward action's policies, built once per action object. */
function sharedFilterConfigs(action: ir.ForwardAction, parts: RouteTableParts): object | undefined {
  if (!parts.filterConfigs.has(action)) {
    const built = buildRouteFilterConfigs(action.policies);
    parts.filterConfigs.set(action, built && Object.freeze(built));
  }
  return parts.filterConfigs.get(action);
}

/**
 * `match` and the action's field in a literal, which costs a fraction of spreading the object
 * buildRouteAction returns into the route: a table of 20,000 routes made one spread each.
 */
function matchAndAction(match: object, kind: ir.Route['action']['kind'], message: object): object {
  switch (kind) {
    case 'forward':
      return { match, route: message };
    case 'redirect':
      return { match, redirect: message };
    case 'direct':
      return { match, direct_response: message };
  }
}

/** One Envoy route: match, action, then header mutations (request before response). */
export function buildRoute(route: ir.Route, parts: RouteTableParts): object {
  let built = matchAndAction(buildRouteMatch(route.match), route.action.kind, sharedAction(route.action, parts));
  const filterConfigs = route.action.kind === 'forward' && route.action.policies ? sharedFilterConfigs(route.action, parts) : undefined;
  if (filterConfigs !== undefined) built = { ...built, typed_per_filter_config: filterConfigs };
  // Most routes change no headers: skipping two empty spreads per route halves a large table's cost.
  if (unchanged(route.requestHeaders) && unchanged(route.responseHeaders)) return built;
  return {
    ...built,
    ...buildHeaderMutation('request', route.requestHeaders),
    ...buildHeaderMutation('response', route.responseHeaders),
  };
}

/** True for a mutation that neither adds nor removes a header. */
function unchanged(mutation: ir.HeaderMutation): boolean {
  return mutation.add.length === 0 && mutation.remove.length === 0;
}

/** One virtual host named after, and matching only, its hostname. */
export function buildVirtualHost(host: ir.VirtualHost, parts: RouteTableParts): object {
  return {
    name: host.hostname,
    domains: [host.hostname],
    routes: host.routes.map((r) => buildRoute(r, parts)),
    ...(host.requireTls
      ? {
          require_tls: 'ALL',
          response_headers_to_add: [buildHeaderValueOption(HSTS_HEADER.name, HSTS_HEADER.value, false)],
        }
      : {}),
  };
}

/**
 * The RouteConfiguration of one route table. Clusters are not validated because a route may name
 * `kuma.io/unresolved-backend` on purpose; ports are ignored in host matching so that clients
 * sending `host:port` reach the same virtual host; a client-supplied `x-kuma-tags` is removed.
 */
export function buildRouteConfiguration(table: ir.RouteTable, gw: ir.Gateway): object {
  const parts = routeTableParts(gw.proxyTags);
  return {
    name: table.name,
    virtual_hosts: table.virtualHosts.map((h) => buildVirtualHost(h, parts)),
    request_headers_to_remove: [KUMA_TAGS_HEADER],
    validate_clusters: { value: false },
    ignore_port_in_host_matching: true,
  };
}
