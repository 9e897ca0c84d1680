// Status conditions of MeshGateways and MeshGatewayRoutes (docs/robustness.md §1, §3.4), which Kuma
// never had. Pure: the runtime passes one mesh's resources, the outcome of the last generation per
// gateway proxy, what each proxy acknowledged, the clock value and the previous statuses; the same
// input gives the same output. The REST API serves the result; Kubernetes status writers will too.
//
// The design follows Gateway API:
// - MeshGateway `Accepted`: True/Accepted, or False/Invalid listing the translation problems
//   attributed to it (a skipped listener, or a generation-time error of docs/gateway.md §4.6).
// - MeshGatewayRoute `Accepted`: True/Accepted; False/NotBound when no listener of any gateway
//   proxy binds it (docs/gateway.md §2.5); False/Invalid listing its translation problems (skipped rules, ...).
// - MeshGatewayRoute `ResolvedRefs`: True, or False/BackendNotFound naming each destination no
//   healthy Dataplane serves, `kuma.io/unresolved-backend` included (docs/gateway.md §2.15).
// - `Programmed` (both): over the proxies the resource reaches, False/Invalid when generation
//   failed for any (they keep their last good config), False/NoProxies when there are none,
//   False/Rejected when any rejected (NACKed) the current config, with Envoy's reason (for a
//   route: a rejection attributed to it, status-rejections.ts), True/Programmed when all are
//   connected and acknowledged the current config, else False/Pending saying how many did.
import type { Tags } from '../api/tags.js';
import type { StoredResource } from '../core/resource.js';
import { routesInBindingOrder, type GatewayRoute } from './bind-routes.js';
import { compareBytes } from '../core/byte-order.js';
import type { GatewayTranslation } from './gateway-input.js';
import { describeDestination, routeReach, unservedDestinations, type RouteReach, type ServingProxy } from './status-bindings.js';
import {
  CONDITION_ACCEPTED,
  CONDITION_PROGRAMMED,
  CONDITION_RESOLVED_REFS,
  finishConditions,
  joinListed,
  REASON_ACCEPTED,
  REASON_BACKEND_NOT_FOUND,
  REASON_INVALID,
  REASON_NO_PROXIES,
  REASON_NOT_BOUND,
  REASON_PENDING,
  REASON_PROGRAMMED,
  REASON_REJECTED,
  REASON_RESOLVED_REFS,
  statusKey,
  type ConditionDraft,
  type ProxyCounts,
  type ResourceStatus,
  type StatusMap,
} from './status-conditions.js';

import { collectRejections, rejectedMessage, rejectionOfRoute, type Attribution, type RejectedConfig } from './status-rejections.js';

export * from './status-conditions.js';
export type { RejectedConfig } from './status-rejections.js';
export type { RouteReach } from './status-bindings.js';

/** The last generation's outcome for one BUILTIN gateway dataplane. */
export interface ProxyTranslation {
  /** Dataplane name. */
  readonly proxy: string;
  /** The MeshGateway selected for it (docs/gateway.md §2.2); undefined when none. */
  readonly gateway?: string;
  /** The translation its configuration came from; absent when translating threw. */
  readonly translation?: GatewayTranslation;
  /** Why generation failed outside the translation (an exception, an inconsistent snapshot). */
  readonly error?: string;
}

/** What one proxy holds; a proxy missing from `delivery` is neither connected nor acknowledged. */
export interface ProxyDelivery {
  readonly connected: boolean;
  /**
   * It acknowledged the current version of every type of its current snapshot, the types it
   * rejected aside (they are in `rejected`): a rejection then decides only for the resources it
   * is attributed to.
   */
  readonly acked: boolean;
  /** What it rejected (NACKed) of its current configuration, one entry per type; absent = nothing. */
  readonly rejected?: readonly RejectedConfig[];
}

/** Everything the statuses of one mesh are computed from. */
export interface StatusInput {
  readonly mesh: string;
  readonly gateways: readonly StoredResource<'MeshGateway'>[];
  readonly routes: readonly StoredResource<'MeshGatewayRoute'>[];
  /** Every Dataplane of the mesh: gateway proxies and the endpoints of backends. */
  readonly dataplanes: readonly StoredResource<'Dataplane'>[];
  /** One per BUILTIN gateway dataplane of the mesh. */
  readonly translations: readonly ProxyTranslation[];
  /** By proxy (Dataplane) name. */
  readonly delivery: ReadonlyMap<string, ProxyDelivery>;
}

/** The clock value of this computation and the statuses it replaces (for transition times). */
export interface StatusClock {
  /** RFC 3339. */
  readonly now: string;
  readonly previous?: StatusMap;
}

/** What the gateway and route steps share. */
interface MeshFacts {
  readonly input: StatusInput;
  readonly clock: StatusClock;
  /** Ascending proxy name, one per proxy. */
  readonly proxies: readonly ProxyTranslation[];
  /** Problem messages by statusKey, in proxy order then the order found, without repeats. */
  readonly problems: ReadonlyMap<string, readonly string[]>;
}

/**
 * Statuses of every MeshGateway and MeshGatewayRoute of `input.mesh`, keyed by statusKey:
 * gateways first, then routes, each in ascending name order.
 */
export function computeStatuses(input: StatusInput, clock: StatusClock): Map<string, ResourceStatus> {
  const gateways = input.gateways.filter((g) => g.mesh === input.mesh).sort((a, b) => compareBytes(a.name, b.name));
  const routes = routesInBindingOrder(input.routes, input.mesh);
  const proxies = uniqueProxies(input.translations);
  const facts: MeshFacts = { input, clock, proxies, problems: problemsByResource(proxies) };
  const reach = routeReach(routes, servingProxies(input, gateways, proxies));
  const unserved = unservedDestinations(routes, input.dataplanes, input.mesh);
  const out = new Map<string, ResourceStatus>();
  for (const gateway of gateways) out.set(statusKey('MeshGateway', input.mesh, gateway.name), gatewayStatus(gateway, facts));
  for (const route of routes) {
    const key = statusKey('MeshGatewayRoute', input.mesh, route.name);
    const routeReached = reach.get(route.name) ?? { proxies: [], listeners: new Map(), unsuitable: [] };
    out.set(key, routeStatus(route, routeReached, unserved.get(route.name) ?? [], facts));
  }
  return out;
}

/**
 * Where each MeshGatewayRoute of `input.mesh` is bound, by route name: the same reach the route
 * statuses are computed from, for views that list a gateway proxy's routes (the inspect API).
 */
export function routeReachOf(input: Omit<StatusInput, 'delivery'>): Map<string, RouteReach> {
  const gateways = input.gateways.filter((g) => g.mesh === input.mesh);
  const routes = routesInBindingOrder(input.routes, input.mesh);
  return routeReach(routes, servingProxies(input, gateways, uniqueProxies(input.translations)));
}

/** One entry per proxy name (the first given), ascending name. */
function uniqueProxies(translations: readonly ProxyTranslation[]): ProxyTranslation[] {
  const byName = new Map<string, ProxyTranslation>();
  for (const t of translations) if (!byName.has(t.proxy)) byName.set(t.proxy, t);
  return [...byName.values()].sort((a, b) => compareBytes(a.proxy, b.proxy));
}

/** Translation problems by the resource they are attributed to. */
function problemsByResource(proxies: readonly ProxyTranslation[]): Map<string, string[]> {
  const problems = new Map<string, string[]>();
  for (const { translation } of proxies) {
    for (const p of translation?.problems ?? []) {
      const key = statusKey(p.resource.kind, p.resource.mesh, p.resource.name);
      const list = problems.get(key) ?? [];
      if (!list.includes(p.message)) list.push(p.message);
      problems.set(key, list);
    }
  }
  return problems;
}

/** The proxies whose Dataplane and selected MeshGateway both exist in the input. */
function servingProxies(
  input: Omit<StatusInput, 'delivery'>,
  gateways: readonly StoredResource<'MeshGateway'>[],
  proxies: readonly ProxyTranslation[],
): ServingProxy[] {
  const gatewaysByName = new Map(gateways.map((g) => [g.name, g]));
  const dataplanesByName = new Map(input.dataplanes.filter((d) => d.mesh === input.mesh).map((d) => [d.name, d]));
  const serving: ServingProxy[] = [];
  for (const p of proxies) {
    const gateway = p.gateway === undefined ? undefined : gatewaysByName.get(p.gateway);
    const dataplane = dataplanesByName.get(p.proxy);
    if (gateway && dataplane) serving.push({ dataplane, gateway });
  }
  return serving;
}

/** Accepted and Programmed of one MeshGateway. */
function gatewayStatus(gateway: StoredResource<'MeshGateway'>, facts: MeshFacts): ResourceStatus {
  const key = statusKey('MeshGateway', gateway.mesh, gateway.name);
  const selecting = facts.proxies.filter((p) => p.gateway === gateway.name);
  const problems = facts.problems.get(key) ?? [];
  const invalid = problems.length > 0 || selecting.some((p) => p.translation?.failed === true);
  const accepted: ConditionDraft = invalid
    ? invalidDraft(CONDITION_ACCEPTED, problems.length > 0 ? joinListed(problems) : 'generation failed')
    : trueDraft(CONDITION_ACCEPTED, REASON_ACCEPTED, 'accepted');
  const { draft, counts } = programmed(selecting, facts.input.delivery, 'no gateway Dataplane selects this MeshGateway', () => true);
  const previous = facts.clock.previous?.get(key);
  return { conditions: finishConditions([accepted, draft], gateway, previous, facts.clock.now), proxies: counts };
}

/** Accepted, ResolvedRefs and Programmed of one MeshGatewayRoute. */
function routeStatus(route: GatewayRoute, reach: RouteReach, unserved: readonly Tags[], facts: MeshFacts): ResourceStatus {
  const key = statusKey('MeshGatewayRoute', route.mesh, route.name);
  const reachedNames = new Set(reach.proxies);
  const reached = facts.proxies.filter((p) => reachedNames.has(p.proxy));
  const problems = facts.problems.get(key) ?? [];
  let accepted: ConditionDraft;
  if (reached.length === 0) accepted = falseDraft(CONDITION_ACCEPTED, REASON_NOT_BOUND, notBoundMessage(route, reach));
  else if (problems.length > 0) accepted = invalidDraft(CONDITION_ACCEPTED, joinListed(problems));
  else accepted = trueDraft(CONDITION_ACCEPTED, REASON_ACCEPTED, 'accepted');
  const resolved =
    unserved.length === 0
      ? trueDraft(CONDITION_RESOLVED_REFS, REASON_RESOLVED_REFS, 'every backend has an endpoint')
      : falseDraft(CONDITION_RESOLVED_REFS, REASON_BACKEND_NOT_FOUND, joinListed(unserved.map((d) => `no Dataplane serves ${describeDestination(d)}`)));
  const ownRejection: Attribution = (proxy, rejection) => rejectionOfRoute(rejection, reach.listeners.get(proxy) ?? []);
  const { draft, counts } = programmed(reached, facts.input.delivery, 'no gateway proxy serves this route', ownRejection);
  const previous = facts.clock.previous?.get(key);
  return { conditions: finishConditions([accepted, resolved, draft], route, previous, facts.clock.now), proxies: counts };
}

/** Why a route is bound nowhere; names the listener protocols its selectors matched in vain. */
function notBoundMessage(route: GatewayRoute, reach: RouteReach): string {
  const base = 'route is bound to no listener';
  if (reach.unsuitable.length === 0) return base;
  const suits = route.spec.conf.http !== undefined ? 'an http route binds only to HTTP and HTTPS listeners' : 'a tcp route binds only to TCP and TLS listeners';
  return `${base}: its selectors match only ${reach.unsuitable.join(' and ')} listeners, and ${suits}`;
}

/**
 * The Programmed draft and proxy counts over the proxies a resource reaches; `attributed` picks
 * the rejections that concern the resource.
 */
function programmed(
  proxies: readonly ProxyTranslation[],
  delivery: ReadonlyMap<string, ProxyDelivery>,
  noProxiesMessage: string,
  attributed: Attribution,
): { draft: ConditionDraft; counts: ProxyCounts } {
  const n = proxies.length;
  const rejections = collectRejections(proxies.map((p) => p.proxy), (proxy) => delivery.get(proxy)?.rejected ?? [], attributed);
  const rejecting = new Set(rejections.proxies);
  const states = proxies.map((p) => delivery.get(p.proxy));
  const connected = states.filter((d) => d?.connected === true).length;
  const acknowledged = proxies.filter((p) => {
    const d = delivery.get(p.proxy);
    return d?.connected === true && d.acked && !rejecting.has(p.proxy);
  }).length;
  const counts: ProxyCounts = { selected: n, connected, acknowledged, rejected: rejecting.size };
  const failed = proxies.filter(generationFailed);
  if (failed.length > 0) return { draft: invalidDraft(CONDITION_PROGRAMMED, failedMessage(failed, n)), counts };
  if (n === 0) return { draft: falseDraft(CONDITION_PROGRAMMED, REASON_NO_PROXIES, noProxiesMessage), counts };
  if (rejecting.size > 0) return { draft: falseDraft(CONDITION_PROGRAMMED, REASON_REJECTED, rejectedMessage(rejections, n)), counts };
  const message = `${acknowledged}/${n} proxies acknowledged the current configuration`;
  if (acknowledged === n) return { draft: trueDraft(CONDITION_PROGRAMMED, REASON_PROGRAMMED, message), counts };
  const disconnected = n - connected;
  const suffix = disconnected > 0 ? `; ${disconnected} not connected` : '';
  return { draft: falseDraft(CONDITION_PROGRAMMED, REASON_PENDING, message + suffix), counts };
}

/** Generation failed: the translation failed or threw, or the snapshot could not be published. */
function generationFailed(p: ProxyTranslation): boolean {
  return p.error !== undefined || p.translation === undefined || p.translation.failed === true;
}

/** `generation failed for k/n proxies, which keep their last good configuration[: errors]`. */
function failedMessage(failed: readonly ProxyTranslation[], n: number): string {
  const errors = [...new Set(failed.flatMap((p) => (p.error === undefined ? [] : [p.error])))];
  const base = `generation failed for ${failed.length}/${n} proxies, which keep their last good configuration`;
  return errors.length > 0 ? `${base}: ${joinListed(errors)}` : base;
}

function trueDraft(type: string, reason: string, message: string): ConditionDraft {
  return { type, status: 'True', reason, message };
}

function falseDraft(type: string, reason: string, message: string): ConditionDraft {
  return { type, status: 'False', reason, message };
}

function invalidDraft(type: string, message: string): ConditionDraft {
  return falseDraft(type, REASON_INVALID, message);
}
