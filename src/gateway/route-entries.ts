// Route entry generation (docs/gateway.md §2.7 steps 2-3): one entry per HTTP rule with its filters
// applied, copied once per match (OR expansion). Prefix normalisation (step 4) and ordering
// (docs/gateway.md §2.8) follow in their own modules.
import type { Backend, HeaderFilter, HttpFilter, HttpMatch, HttpMethod, HttpRule, PathRewrite as ApiPathRewrite } from '../api/mesh-gateway-route.js';
import type { Tags } from '../api/tags.js';
import type {
  Forward,
  ForwardAction,
  HeaderMatch,
  HeaderMutation,
  PathMatch,
  PathRewrite,
  QueryMatch,
  RedirectAction,
} from '../ir/gateway.js';
import type { RoutePolicies } from '../ir/policies.js';
import type { GatewayRoute } from './bind-routes.js';
import { backendForwards, type PlainForwards } from './forwards.js';
import { canonicalHeaderName } from './header-names.js';

/** One future Envoy route: one rule and one match, with the method kept apart for ordering. */
export interface Entry {
  readonly path: PathMatch;
  /** `:method` condition; absent for any method. */
  readonly method?: Exclude<HttpMethod, 'NONE'>;
  /** User header conditions in Envoy order: exact, regex, present, absent. */
  readonly headers: readonly HeaderMatch[];
  /** Exact first, then regex. */
  readonly queryParameters: readonly QueryMatch[];
  readonly action: ForwardAction | RedirectAction;
  readonly requestHeaders: HeaderMutation;
  readonly responseHeaders: HeaderMutation;
}

/** What entry generation needs from its host. */
export interface EntryContext {
  /** Cluster name of a destination seen from the host's listener; registers the cluster. */
  readonly clusterFor: (destination: Tags) => string;
  /** False for an external cluster (no `x-kuma-tags`); absent: every cluster is a mesh cluster. */
  readonly isMeshCluster?: (cluster: string) => boolean;
  /** Report a problem with the route being translated. */
  problem(route: GatewayRoute, message: string): void;
  /** The host's shared plain forward actions. */
  readonly plainForwards: PlainForwards;
  /** Route settings of the route-level policies of these forwards and mirror (docs/gateway.md §2.16 step 3). */
  readonly routePolicies: (forwards: readonly Forward[], mirrorCluster: string | undefined) => RoutePolicies | undefined;
}

/** Redirect status codes Envoy can express (docs/gateway.md §2.9, D9). */
const REDIRECT_CODES = new Set([301, 302, 303, 307, 308]);

/** Entries of every rule of an HTTP route, in rule order then match order (generation order). */
export function routeEntries(route: GatewayRoute, ctx: EntryContext): Entry[] {
  return appendRouteEntries(route, ctx, []);
}

/**
 * routeEntries appended to `entries`, which is returned: a host collects the entries of all its
 * routes in one list rather than a list per route.
 */
export function appendRouteEntries(route: GatewayRoute, ctx: EntryContext, entries: Entry[]): Entry[] {
  for (const rule of route.spec.conf.http?.rules ?? []) {
    const template = ruleTemplate(route, rule, ctx);
    if (template === undefined) continue;
    for (const match of rule.matches) entries.push(entryFor(match, template));
  }
  return entries;
}

/** The parts of an entry shared by all matches of a rule. */
type RuleTemplate = Pick<Entry, 'action' | 'requestHeaders' | 'responseHeaders'>;

/** Filters collected in order; later mirror, redirect and rewrite filters replace earlier ones. */
interface AppliedFilters {
  readonly redirect?: NonNullable<HttpFilter['redirect']>;
  readonly mirror?: NonNullable<HttpFilter['mirror']>;
  readonly rewrite?: NonNullable<HttpFilter['rewrite']>;
  readonly request: readonly HeaderFilter[];
  readonly response: readonly HeaderFilter[];
}

/** What a rule without filters applies, the common case: one frozen value for all such rules. */
const NO_FILTERS: AppliedFilters = Object.freeze({ request: Object.freeze([]), response: Object.freeze([]) });

/** A rule's filters collected in order. */
function appliedFilters(filters: readonly HttpFilter[]): AppliedFilters {
  if (filters.length === 0) return NO_FILTERS;
  let redirect: AppliedFilters['redirect'];
  let mirror: AppliedFilters['mirror'];
  let rewrite: AppliedFilters['rewrite'];
  const request: HeaderFilter[] = [];
  const response: HeaderFilter[] = [];
  for (const f of filters) {
    if (f.redirect) redirect = f.redirect;
    if (f.mirror) mirror = f.mirror;
    if (f.rewrite) rewrite = f.rewrite;
    if (f.requestHeader) request.push(f.requestHeader);
    if (f.responseHeader) response.push(f.responseHeader);
  }
  return { redirect, mirror, rewrite, request, response };
}

/** Apply a rule's filters in order and build its action; undefined (with a problem) when unusable. */
function ruleTemplate(route: GatewayRoute, rule: HttpRule, ctx: EntryContext): RuleTemplate | undefined {
  const applied = appliedFilters(rule.filters);
  const request = headerMutation(applied.request, true);
  const responseHeaders = headerMutation(applied.response, false).mutation;
  const action = applied.redirect
    ? redirectAction(route, applied.redirect, ctx)
    : forwardAction(route, rule.backends, applied, request.hostLiteral, ctx);
  if (action === undefined) return undefined;
  return { action, requestHeaders: request.mutation, responseHeaders };
}

/** Redirect with query stripping (the translator's job); `port` only when set [D2]. */
function redirectAction(
  route: GatewayRoute,
  redirect: NonNullable<HttpFilter['redirect']>,
  ctx: EntryContext,
): RedirectAction | undefined {
  const code = redirect.statusCode;
  if (code === undefined || !REDIRECT_CODES.has(code)) {
    ctx.problem(route, `redirect status code ${code ?? 'unset'} is not supported; rule skipped`);
    return undefined;
  }
  const rewritePath = redirect.path && pathRewrite(redirect.path);
  return {
    kind: 'redirect',
    ...(redirect.scheme ? { scheme: redirect.scheme } : {}),
    ...(redirect.hostname ? { hostname: redirect.hostname } : {}),
    ...(redirect.port ? { port: redirect.port } : {}),
    statusCode: code as RedirectAction['statusCode'],
    ...(rewritePath ? { rewritePath } : {}),
  };
}

/** Forward to the rule's backends, with rewrite, Host literal and mirror (forwarding routes only). */
function forwardAction(
  route: GatewayRoute,
  backends: readonly Backend[],
  applied: AppliedFilters,
  hostLiteral: string | undefined,
  ctx: EntryContext,
): ForwardAction | undefined {
  if (backends.length === 0) {
    ctx.problem(route, 'rule has neither backends nor a redirect; rule skipped');
    return undefined;
  }
  const forwards = backendForwards(backends, ctx.clusterFor, ctx.isMeshCluster);
  const rewritePath = applied.rewrite && pathRewrite(applied.rewrite);
  const mirror = applied.mirror;
  // Every mirror destination yields a cluster (docs/gateway.md §2.15), but only a positive percentage mirrors (§2.9).
  const mirrorCluster = mirror && ctx.clusterFor(mirror.backend.destination);
  const percentage = mirror?.percentage ?? 0;
  const autoHostRewrite = applied.rewrite?.hostToBackendHostname === true;
  // The common plain forward, shared by the rules with the same forwards, and without conditional
  // spreads, which cost more than the rest of the action at 10,000 routes; same keys in the same
  // order as the general case below.
  const policies = ctx.routePolicies(forwards, mirrorCluster);
  if (!rewritePath && hostLiteral === undefined && (mirrorCluster === undefined || percentage <= 0)) {
    return ctx.plainForwards.action(forwards, autoHostRewrite, policies);
  }
  return {
    kind: 'forward',
    forwards,
    ...(rewritePath ? { rewritePath } : {}),
    ...(hostLiteral !== undefined ? { hostRewriteLiteral: hostLiteral } : {}),
    autoHostRewrite,
    ...(mirrorCluster !== undefined && percentage > 0 ? { mirror: { cluster: mirrorCluster, percentage } } : {}),
    ...(policies ? { policies } : {}),
  };
}

/** `replaceFull` or `replacePrefixMatch` as an IR rewrite; undefined when neither is set. */
function pathRewrite(r: ApiPathRewrite): PathRewrite | undefined {
  if (r.replaceFull !== undefined) return { kind: 'full', value: r.replaceFull };
  if (r.replacePrefixMatch !== undefined) return { kind: 'prefix', value: r.replacePrefixMatch };
  return undefined;
}

/**
 * The mutation of a rule without header filters, the common case. One frozen value shared by all
 * such entries: the IR is never mutated, and a gateway with 10,000 routes would otherwise keep
 * 20,000 identical empty mutations alive until its resources are built.
 */
const NO_HEADER_MUTATION: { readonly mutation: HeaderMutation } = Object.freeze({
  mutation: Object.freeze({ add: Object.freeze([]), remove: Object.freeze([]) }),
});

/** Request `set` names that become `host_rewrite_literal` instead of a header (docs/gateway.md §2.9). */
const HOST_HEADER_NAMES = new Set(['Host', 'host', ':authority']);

/**
 * Header filters accumulated across filters: sets (overwrite) first, then adds (append), each in
 * filter order, names canonicalised; removes as written. On requests a set of the Host header
 * becomes a Host literal instead (the last one wins).
 */
function headerMutation(
  filters: readonly HeaderFilter[],
  isRequest: boolean,
): { readonly mutation: HeaderMutation; readonly hostLiteral?: string } {
  if (filters.length === 0) return NO_HEADER_MUTATION;
  const sets: HeaderMutation['add'][number][] = [];
  const adds: HeaderMutation['add'][number][] = [];
  const remove: string[] = [];
  let hostLiteral: string | undefined;
  for (const f of filters) {
    for (const h of f.set) {
      if (isRequest && HOST_HEADER_NAMES.has(h.name)) hostLiteral = h.value;
      else sets.push({ name: canonicalHeaderName(h.name), value: h.value, append: false });
    }
    for (const h of f.add) adds.push({ name: canonicalHeaderName(h.name), value: h.value, append: true });
    remove.push(...f.remove);
  }
  const mutation = { add: [...sets, ...adds], remove };
  return hostLiteral === undefined ? { mutation } : { mutation, hostLiteral };
}

/** The conditions of a match without header or query conditions, shared like NO_HEADER_MUTATION. */
const NO_CONDITIONS: readonly never[] = Object.freeze([]);

/** Order of header condition kinds in Envoy output (docs/gateway.md §2.9). */
const HEADER_KIND_ORDER = { EXACT: 0, REGEX: 1, PRESENT: 2, ABSENT: 3 } as const;

/** docs/gateway.md §2.7 step 3: one match's conditions with the rule's template; a match without a path gets prefix `/`. */
function entryFor(m: HttpMatch, template: RuleTemplate): Entry {
  const path: PathMatch = m.path
    ? { kind: m.path.match === 'EXACT' ? 'exact' : m.path.match === 'PREFIX' ? 'prefix' : 'regex', value: m.path.value }
    : { kind: 'prefix', value: '/' };
  const headers = m.headers.length === 0 ? NO_CONDITIONS : headerConditions(m.headers);
  const queryParameters =
    m.queryParameters.length === 0
      ? NO_CONDITIONS
      : [...m.queryParameters]
          .sort((a, b) => (a.match === b.match ? 0 : a.match === 'EXACT' ? -1 : 1))
          .map((q): QueryMatch => ({ kind: q.match === 'EXACT' ? 'exact' : 'regex', name: q.name, value: q.value }));
  const { action, requestHeaders, responseHeaders } = template;
  const method = m.method !== undefined && m.method !== 'NONE' ? m.method : undefined;
  return method
    ? { path, method, headers, queryParameters, action, requestHeaders, responseHeaders }
    : { path, headers, queryParameters, action, requestHeaders, responseHeaders };
}

/** Header conditions in Envoy order: exact, regex, present, absent (stable within a kind). */
function headerConditions(headers: HttpMatch['headers']): HeaderMatch[] {
  return [...headers]
    .sort((a, b) => HEADER_KIND_ORDER[a.match] - HEADER_KIND_ORDER[b.match])
    .map((h): HeaderMatch => {
      switch (h.match) {
        case 'EXACT':
          return { kind: 'exact', name: h.name, value: h.value };
        case 'REGEX':
          return { kind: 'regex', name: h.name, value: h.value };
        case 'PRESENT':
          return { kind: 'present', name: h.name };
        case 'ABSENT':
          return { kind: 'absent', name: h.name };
      }
    });
}
