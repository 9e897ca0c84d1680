// The overviews of a mesh's MeshGateways and MeshGatewayRoutes (GET .../meshgateways/_overview,
// .../meshgatewayroutes/_overview): each resource with its computed status conditions and the
// gateway proxies it reaches, each proxy with its delivery state. Pure: the route
// (gateway-overview-route.ts) reads the store, the status holder and the xDS delivery records.
// Which proxies a gateway selects and which a route binds to come from the last generation's facts,
// the same ones the status conditions are computed from, so the lists and the counts agree.
import { toUniversal } from '../api-server/resource-form.js';
import type { StoredResource } from '../core/resource.js';
import { routeReachOf, statusKey, type ProxyDelivery, type ResourceStatus, type StatusMap } from '../gateway/status.js';
import type { MeshStatusFacts } from '../generation/status-facts.js';
import type { NodeDelivery } from '../xds/cache/delivery-status.js';
import { envoyTypeName } from './resource-status.js';

/** A gateway proxy as the overviews show it. */
export interface ProxySummary {
  /** The Dataplane's name. */
  readonly name: string;
  /** An ADS stream is open. */
  readonly connected: boolean;
  /** Connected, and runs the current configuration of every type it did not reject (Programmed's rule). */
  readonly acknowledged: boolean;
  /** The newest NACK still standing (one per type is kept until that type is ACKed again). */
  readonly lastNack?: { readonly type: string; readonly version: string; readonly message: string; readonly time: string };
}

/** What a proxy's summary is made of: the status rule's delivery and the server's records. */
export interface ProxyDeliveryFacts {
  readonly delivery: ProxyDelivery;
  readonly node: NodeDelivery | undefined;
}

/** The summary of one proxy. */
export function proxySummary(name: string, facts: ProxyDeliveryFacts): ProxySummary {
  const { delivery, node } = facts;
  const nack = lastNackOf(node);
  return {
    name,
    connected: delivery.connected,
    acknowledged: delivery.connected && delivery.acked && (delivery.rejected ?? []).length === 0,
    ...(nack ? { lastNack: nack } : {}),
  };
}

/** The newest standing NACK of any type, or undefined. */
export function lastNackOf(node: NodeDelivery | undefined): ProxySummary['lastNack'] {
  let newest: ProxySummary['lastNack'];
  let at = -Infinity;
  for (const t of node?.types ?? []) {
    const nack = t.lastNack;
    if (nack === undefined || nack.at.getTime() <= at) continue;
    at = nack.at.getTime();
    newest = { type: envoyTypeName(t.typeUrl), version: nack.version, message: nack.message, time: nack.at.toISOString() };
  }
  return newest;
}

/** What the overviews of one mesh are computed from. */
export interface GatewayOverviewInput {
  readonly gateways: readonly StoredResource<'MeshGateway'>[];
  readonly routes: readonly StoredResource<'MeshGatewayRoute'>[];
  /** The last generation's facts; undefined before the first, or where nothing is generated (a global). */
  readonly facts: MeshStatusFacts | undefined;
  readonly statuses: StatusMap | undefined;
  readonly proxy: (name: string) => ProxyDeliveryFacts;
}

/** `{type: MeshGatewayOverview, mesh, name, ..., meshGateway, status?, dataplanes}` per gateway. */
export function gatewayOverviews(input: GatewayOverviewInput): Record<string, unknown>[] {
  const byGateway = new Map<string, string[]>();
  for (const t of input.facts?.translations ?? []) {
    if (t.gateway === undefined) continue;
    const list = byGateway.get(t.gateway) ?? [];
    if (!list.includes(t.proxy)) list.push(t.proxy);
    byGateway.set(t.gateway, list);
  }
  return input.gateways.map((gateway) => {
    const proxies = [...(byGateway.get(gateway.name) ?? [])].sort();
    const status = input.statuses?.get(statusKey('MeshGateway', gateway.mesh, gateway.name));
    return { ...overviewOf(gateway, 'MeshGatewayOverview', 'meshGateway', status), dataplanes: proxies.map((p) => proxySummary(p, input.proxy(p))) };
  });
}

/** `{type: MeshGatewayRouteOverview, ..., meshGatewayRoute, status?, gateways, dataplanes}` per route. */
export function routeOverviews(input: GatewayOverviewInput): Record<string, unknown>[] {
  const reach = input.facts === undefined ? new Map() : routeReachOf(input.facts);
  const gatewayOf = new Map((input.facts?.translations ?? []).map((t) => [t.proxy, t.gateway] as const));
  return input.routes.map((route) => {
    const proxies: readonly string[] = reach.get(route.name)?.proxies ?? [];
    const gateways = [...new Set(proxies.map((p) => gatewayOf.get(p)).filter((g): g is string => g !== undefined))].sort();
    const status = input.statuses?.get(statusKey('MeshGatewayRoute', route.mesh, route.name));
    return { ...overviewOf(route, 'MeshGatewayRouteOverview', 'meshGatewayRoute', status), gateways, dataplanes: proxies.map((p) => proxySummary(p, input.proxy(p))) };
  });
}

/** The common head of an overview: the resource's meta, its spec under `specKey`, its status. */
function overviewOf(resource: StoredResource, type: string, specKey: string, status: ResourceStatus | undefined): Record<string, unknown> {
  const { type: _type, mesh, name, creationTime, modificationTime, labels, ...spec } = toUniversal(resource);
  return {
    type,
    mesh,
    name,
    creationTime,
    modificationTime,
    ...(labels === undefined ? {} : { labels }),
    [specKey]: spec,
    ...(status === undefined ? {} : { status: status.proxies ? { conditions: status.conditions, proxies: status.proxies } : { conditions: status.conditions } }),
  };
}
