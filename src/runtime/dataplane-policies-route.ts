// GET /meshes/{mesh}/dataplanes/{name}/policies: what applies to one proxy, shaped after Kuma's
// inspect response. A BUILTIN gateway proxy is a `MeshGatewayDataplane`: the MeshGateway selected
// for it and the MeshGatewayRoutes its listeners bind; any other proxy is a `SidecarDataplane`.
// Both list `items`, one per place of the proxy's configuration (cluster, sidecar outbound,
// gateway route) with the connection policies applied and lost there (mesh/proxy-policies.ts,
// the inverse of each policy's status). Everything comes from the last generation's facts, the
// ones the statuses read.
import { notFound, type ApiResponse } from '../api-server/problem.js';
import type { ApiRequest } from '../api-server/resources.js';
import type { ExtraRoute } from '../api-server/router.js';
import type { StoredResource } from '../core/resource.js';
import type { ResourceStore } from '../core/store.js';
import { routeReachOf } from '../gateway/status.js';
import type { MeshStatusFacts } from '../generation/status-facts.js';
import { proxyPolicies, type PlacePolicies } from '../mesh/proxy-policies.js';
import type { InspectSource } from './gateway-overview-route.js';

/** The route's path. */
export const DATAPLANE_POLICIES_PATH = '/meshes/{mesh}/dataplanes/{name}/policies';

/** A resource named by mesh and name, as Kuma's inspect responses name them. */
interface ResourceRef {
  readonly mesh: string;
  readonly name: string;
}

/** The body for a BUILTIN gateway proxy. */
export interface GatewayDataplanePolicies {
  readonly kind: 'MeshGatewayDataplane';
  readonly dataplane: ResourceRef;
  /** Absent when no MeshGateway selects the proxy. */
  readonly gateway?: ResourceRef;
  /** The routes bound by a listener of this proxy, with those listeners (`<gateway>:<PROTOCOL>:<port>`). */
  readonly routes: readonly (ResourceRef & { readonly listeners: readonly string[] })[];
  readonly total: number;
  readonly items: readonly PlacePolicies[];
}

/** The body for any other proxy. */
export interface SidecarDataplanePolicies {
  readonly kind: 'SidecarDataplane';
  readonly dataplane: ResourceRef;
  readonly total: number;
  readonly items: readonly PlacePolicies[];
}

/** The route; 404 when the path names no Dataplane of the store. */
export function dataplanePoliciesRoute(store: ResourceStore, source: Pick<InspectSource, 'facts'>): ExtraRoute {
  return {
    method: 'GET',
    path: DATAPLANE_POLICIES_PATH,
    access: 'authenticated',
    handler: async (request: ApiRequest, params): Promise<ApiResponse> => {
      const { mesh, name } = params;
      const dataplane = mesh && name ? await store.get({ kind: 'Dataplane', mesh, name }) : undefined;
      if (dataplane === undefined) return notFound(request.url.pathname);
      return { status: 200, body: dataplanePolicies(dataplane, source.facts(dataplane.mesh)) };
    },
  };
}

/**
 * What applies to `dataplane`, from its mesh's last generation facts. With no facts (the mesh was
 * not generated yet, or this control plane generates nothing, as a global) nothing is known to
 * apply: no gateway, no routes, no items.
 */
export function dataplanePolicies(dataplane: StoredResource<'Dataplane'>, facts: MeshStatusFacts | undefined): GatewayDataplanePolicies | SidecarDataplanePolicies {
  const ref = { mesh: dataplane.mesh, name: dataplane.name };
  const places = facts?.policyPlaces?.find((p) => p.proxy === dataplane.name);
  const items = places === undefined ? [] : proxyPolicies(facts?.policies ?? {}, places);
  if (dataplane.spec.networking.gateway?.type !== 'BUILTIN') return { kind: 'SidecarDataplane', dataplane: ref, total: items.length, items };
  const gateway = facts?.translations.find((t) => t.proxy === dataplane.name)?.gateway;
  const routes: (ResourceRef & { listeners: readonly string[] })[] = [];
  for (const [route, reach] of facts === undefined ? [] : routeReachOf(facts)) {
    const listeners = reach.listeners.get(dataplane.name);
    if (listeners !== undefined) routes.push({ mesh: dataplane.mesh, name: route, listeners });
  }
  routes.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return {
    kind: 'MeshGatewayDataplane',
    dataplane: ref,
    ...(gateway === undefined ? {} : { gateway: { mesh: dataplane.mesh, name: gateway } }),
    routes,
    total: items.length,
    items,
  };
}
