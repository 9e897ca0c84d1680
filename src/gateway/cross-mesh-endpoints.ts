// The endpoints other meshes reach a mesh's cross-mesh gateway listeners at (docs/mesh-mtls.md §8,
// docs/gateway.md §2.17): for every BUILTIN gateway Dataplane of the mesh served by a MeshGateway with cross-mesh
// listeners, one endpoint per such listener, at the Dataplane's `networking.address` (not its
// advertised address, as in Kuma) and the listener's port, tagged with the listener's merged tags
// (Dataplane gateway tags, MeshGateway tags, listener tags).
import type { StoredResource } from '../core/resource.js';
import { canonicalTags } from '../mesh/tag-maps.js';
import type { TaggedEndpoint } from '../mesh/endpoints.js';
import { mergeListenerTags } from './listener-tags.js';
import { proxyGatewayTags, selectGateway } from './select-gateway.js';

/** The cross-mesh endpoints of one mesh, given its MeshGateways and Dataplanes. */
export function crossMeshEndpoints(gateways: readonly StoredResource<'MeshGateway'>[], dataplanes: readonly StoredResource<'Dataplane'>[]): TaggedEndpoint[] {
  if (!gateways.some((g) => (g.spec.conf?.listeners ?? []).some((l) => l.crossMesh === true))) return [];
  const endpoints: TaggedEndpoint[] = [];
  for (const dp of dataplanes) {
    const gateway = selectGateway(dp, gateways);
    if (!gateway) continue;
    for (const listener of gateway.spec.conf?.listeners ?? []) {
      if (listener.crossMesh !== true) continue;
      endpoints.push({ address: dp.spec.networking.address, port: listener.port, tags: canonicalTags(mergeListenerTags(proxyGatewayTags(dp), gateway.spec.tags ?? {}, listener)) });
    }
  }
  return endpoints;
}
