// GET /meshes/{mesh}/meshgateways/_overview and /meshes/{mesh}/meshgatewayroutes/_overview: every
// gateway (route) of a mesh with its status conditions and the proxies it reaches, each with its
// delivery state (gateway-overview.ts). Paged as every list of the API; 404 for an unknown mesh.
// They are matched before the resource routes, so `_overview` is never read as a resource name
// (names starting with `_` are not valid resource names anyway).
import { badRequest, notFound, type ApiResponse } from '../api-server/problem.js';
import { pageOf, parsePaging } from '../api-server/paging.js';
import type { ApiRequest } from '../api-server/resources.js';
import type { ExtraRoute } from '../api-server/router.js';
import type { ResourceStore } from '../core/store.js';
import type { ProxyDelivery, StatusMap } from '../gateway/status.js';
import type { MeshStatusFacts } from '../generation/status-facts.js';
import type { DeliveryRecords } from '../xds/cache/delivery-status.js';
import { proxyNodeId } from '../xds/server/proxy-id.js';
import { gatewayOverviews, routeOverviews, type GatewayOverviewInput } from './gateway-overview.js';

/** What the inspect views read of the status holder (ResourceStatuses implements it). */
export interface InspectSource {
  all(mesh: string): StatusMap | undefined;
  facts(mesh: string): MeshStatusFacts | undefined;
  delivery(mesh: string, proxy: string): ProxyDelivery;
}

/** The kinds with an overview. */
type OverviewKind = 'MeshGateway' | 'MeshGatewayRoute';

/** The two paths. */
export const GATEWAY_OVERVIEW_PATH = '/meshes/{mesh}/meshgateways/_overview';
export const ROUTE_OVERVIEW_PATH = '/meshes/{mesh}/meshgatewayroutes/_overview';

/** The gateway and route overview routes. */
export function gatewayOverviewRoutes(store: ResourceStore, records: DeliveryRecords, source: InspectSource): ExtraRoute[] {
  const route = (path: string, kind: OverviewKind): ExtraRoute => ({
    method: 'GET',
    path,
    access: 'authenticated',
    handler: async (request, params) => answer(store, records, source, request, params['mesh'] ?? '', kind),
  });
  return [route(GATEWAY_OVERVIEW_PATH, 'MeshGateway'), route(ROUTE_OVERVIEW_PATH, 'MeshGatewayRoute')];
}

async function answer(
  store: ResourceStore,
  records: DeliveryRecords,
  source: InspectSource,
  request: ApiRequest,
  mesh: string,
  kind: OverviewKind,
): Promise<ApiResponse> {
  const paging = parsePaging(request.url.searchParams);
  if (!paging.ok) return badRequest(request.url.pathname, 'invalid paging parameters', paging.violations);
  if (!mesh || (await store.get({ kind: 'Mesh', mesh, name: mesh })) === undefined) return notFound(request.url.pathname);
  // Only the page's resources are described; which proxies they reach comes from the facts.
  const all = await store.list(kind, { mesh });
  const page = pageOf(all, paging.value, request.url);
  const input: GatewayOverviewInput = {
    gateways: kind === 'MeshGateway' ? (page.items as GatewayOverviewInput['gateways']) : [],
    routes: kind === 'MeshGatewayRoute' ? (page.items as GatewayOverviewInput['routes']) : [],
    facts: source.facts(mesh),
    statuses: source.all(mesh),
    proxy: (name) => ({ delivery: source.delivery(mesh, name), node: records(proxyNodeId(mesh, name)) }),
  };
  const items = kind === 'MeshGateway' ? gatewayOverviews(input) : routeOverviews(input);
  return { status: 200, body: { ...page, items } };
}
