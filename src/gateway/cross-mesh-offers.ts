// What a zone's ZoneIngress offers for cross-mesh gateways (docs/multizone.md "Available services",
// docs/mesh-mtls.md §8): one
// tag set per cross-mesh listener of every BUILTIN gateway Dataplane, the listener's merged tags
// (Dataplane gateway tags, MeshGateway tags, listener tags) under `kuma.io/mesh: <mesh>`, so
// sidecars of other meshes in other zones find the gateway through the ingress. The same
// endpoints a local client of another mesh gets (cross-mesh-endpoints.ts), as tag sets only.
import type { Tags } from '../api/tags.js';
import type { StoredResource } from '../core/resource.js';
import { crossMeshEndpoints } from './cross-mesh-endpoints.js';

/** The tag a cross-mesh destination names its mesh with (docs/mesh-mtls.md §8). */
const MESH_TAG = 'kuma.io/mesh';

/** One cross-mesh listener of one gateway Dataplane, as the ingress offers it. */
export interface CrossMeshOffer {
  readonly mesh: string;
  readonly tags: Tags;
}

/**
 * The offers of every mesh, given the MeshGateways and Dataplanes of any number of meshes. The
 * mesh tag comes first and the listener's tags after it, as Kuma merges them (a listener tag
 * `kuma.io/mesh` would win; validation keeps gateway tags from naming one in practice).
 */
export function crossMeshOffers(gateways: readonly StoredResource<'MeshGateway'>[], dataplanes: readonly StoredResource<'Dataplane'>[]): CrossMeshOffer[] {
  const gatewaysByMesh = groupByMesh(gateways.filter((g) => (g.spec.conf?.listeners ?? []).some((l) => l.crossMesh === true)));
  if (gatewaysByMesh.size === 0) return [];
  const gatewayProxies = groupByMesh(dataplanes.filter((d) => d.spec.networking.gateway?.type === 'BUILTIN' && gatewaysByMesh.has(d.mesh)));
  const offers: CrossMeshOffer[] = [];
  for (const [mesh, proxies] of gatewayProxies) {
    for (const endpoint of crossMeshEndpoints(gatewaysByMesh.get(mesh) ?? [], proxies)) offers.push({ mesh, tags: { [MESH_TAG]: mesh, ...endpoint.tags } });
  }
  return offers;
}

function groupByMesh<T extends { readonly mesh: string }>(items: readonly T[]): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const list = out.get(item.mesh);
    if (list) list.push(item);
    else out.set(item.mesh, [item]);
  }
  return out;
}
