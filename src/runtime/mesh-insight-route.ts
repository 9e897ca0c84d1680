// GET /mesh-insights[/{mesh}] (Kuma 2.x's paths, which `kumactl inspect meshes` reads) and
// GET /meshes/_overview (Portico's alias of the list, beside the dataplanes' `_overview`): each
// mesh's MeshInsight (mesh-insight.ts), computed at the request from the store and the delivery
// state. Lists are paged as every list of the API.
import { badRequest, notFound, type ApiResponse } from '../api-server/problem.js';
import { pageOf, parsePaging } from '../api-server/paging.js';
import type { ApiRequest } from '../api-server/resources.js';
import type { ExtraRoute } from '../api-server/router.js';
import type { Kind, StoredResource } from '../core/resource.js';
import type { ResourceStore } from '../core/store.js';
import type { DeliveryRecords } from '../xds/cache/delivery-status.js';
import { proxyNodeId } from '../xds/server/proxy-id.js';
import type { CertificateInsights } from './dataplane-insight-route.js';
import { MESH_POLICY_KINDS, meshInsight, type MeshInsight } from './mesh-insight.js';

/** The paths of the list; the first is Kuma's. */
export const MESH_INSIGHT_LIST_PATHS = ['/mesh-insights', '/meshes/_overview'] as const;
/** The path of one mesh's insight. */
export const MESH_INSIGHT_PATH = '/mesh-insights/{mesh}';

/** The list routes and the one-mesh route. */
export function meshInsightRoutes(store: ResourceStore, records: DeliveryRecords, certificates: CertificateInsights = () => undefined): ExtraRoute[] {
  const list: ExtraRoute[] = MESH_INSIGHT_LIST_PATHS.map((path) => ({
    method: 'GET',
    path,
    access: 'authenticated',
    handler: async (request: ApiRequest) => listInsights(store, records, certificates, request),
  }));
  const one: ExtraRoute = {
    method: 'GET',
    path: MESH_INSIGHT_PATH,
    access: 'authenticated',
    handler: async (request, params) => {
      const mesh = params['mesh'] ? await store.get({ kind: 'Mesh', mesh: params['mesh'], name: params['mesh'] }) : undefined;
      if (mesh === undefined) return notFound(request.url.pathname);
      const [insight] = await insightsOf(store, records, certificates, [mesh], mesh.name);
      return { status: 200, body: insight };
    },
  };
  return [...list, one];
}

async function listInsights(store: ResourceStore, records: DeliveryRecords, certificates: CertificateInsights, request: ApiRequest): Promise<ApiResponse> {
  const paging = parsePaging(request.url.searchParams);
  if (!paging.ok) return badRequest(request.url.pathname, 'invalid paging parameters', paging.violations);
  // Only the page's meshes are computed; the store's list order is the page order.
  const meshes = await store.list('Mesh');
  const page = pageOf(meshes, paging.value, request.url);
  const insights = await insightsOf(store, records, certificates, page.items, page.items.length === 1 ? page.items[0]!.name : undefined);
  return { status: 200, body: { ...page, items: insights } };
}

/**
 * The insights of `meshes`, in their order. `only` names the one mesh asked for, so the store is
 * asked for that mesh's resources instead of every mesh's.
 */
async function insightsOf(store: ResourceStore, records: DeliveryRecords, certificates: CertificateInsights, meshes: readonly StoredResource<'Mesh'>[], only: string | undefined): Promise<MeshInsight[]> {
  if (meshes.length === 0) return [];
  const options = only === undefined ? undefined : { mesh: only };
  const dataplanes = await store.list('Dataplane', options);
  const externalServices = await store.list('ExternalService', options);
  const policies = await Promise.all(MESH_POLICY_KINDS.map(async (kind) => [kind, await store.list(kind, options)] as const));
  const connected = (dp: StoredResource<'Dataplane'>) => (records(proxyNodeId(dp.mesh, dp.name))?.connectedStreams ?? 0) > 0;
  const issuedBackend = (dp: StoredResource<'Dataplane'>) => certificates(proxyNodeId(dp.mesh, dp.name))?.issuedBackend;
  const dataplanesBy = byMesh(dataplanes);
  const externalBy = byMesh(externalServices);
  const policiesBy = policies.map(([kind, list]) => [kind, byMesh(list)] as const);
  return meshes.map((mesh) => {
    const policyCounts: Partial<Record<Kind, number>> = Object.fromEntries(policiesBy.map(([kind, by]) => [kind, by.get(mesh.name)?.length ?? 0]));
    const externals = externalBy.get(mesh.name)?.length ?? 0;
    return meshInsight({ mesh, dataplanes: dataplanesBy.get(mesh.name) ?? [], policyCounts, externalServices: externals, connected, issuedBackend });
  });
}

/** Resources grouped by mesh, each group in the store's order. */
function byMesh<T extends { readonly mesh: string }>(list: readonly T[]): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const r of list) {
    const group = out.get(r.mesh);
    if (group === undefined) out.set(r.mesh, [r]);
    else group.push(r);
  }
  return out;
}
