// Endpoints in other zones (docs/multizone.md, "Cross-zone endpoints"): a service of a remote zone
// is reached through that zone's ZoneIngress, at its advertised address, once for every distinct
// address, weighted by how many instances the ingress announces. Pure.
import { SERVICE_TAG, ZONE_TAG, type Tags } from '../api/tags.js';
import type { StoredResource } from '../core/resource.js';
import { ingressReachability } from '../api/zone-ingress.js';
import { compareBytes } from '../core/byte-order.js';
import type { TaggedEndpoint } from './endpoints.js';

/** One available service of a remote ingress, as an endpoint of `mesh`. */
export interface RemoteEndpoint {
  readonly address: string;
  readonly port: number;
  /** The entry's tags, `kuma.io/service` and the remote `kuma.io/zone` included. */
  readonly tags: Tags;
  /** Instances behind the ingress with these tags: the endpoint's weight. */
  readonly instances: number;
}

/** What a mesh's proxies reach in other zones, and how many remote ingress addresses there are. */
export interface RemoteEndpoints {
  /** By service. */
  readonly byService: ReadonlyMap<string, readonly RemoteEndpoint[]>;
  /** Distinct remote ingress addresses that contributed: the weight of every local endpoint. */
  readonly addresses: number;
}

/**
 * What a zone knows of the others: every ZoneIngress it holds, its own name, and the IP address
 * of each advertised DNS name its control plane resolved. Gateway and sidecar inputs carry it.
 */
export interface CrossZoneInput {
  readonly zoneIngresses?: readonly StoredResource<'ZoneIngress'>[];
  /** The zone this control plane serves; its own ingresses are never endpoints. */
  readonly localZone?: string;
  /** Advertised DNS name -> IP address; a name absent here is skipped. */
  readonly resolvedHosts?: ReadonlyMap<string, string>;
}

/** No remote endpoints. */
export const NO_REMOTE_ENDPOINTS: RemoteEndpoints = { byService: new Map(), addresses: 0 };

/**
 * The remote endpoints of `mesh` for a proxy in `localZone` (docs/multizone.md §8 steps 1-5):
 * ingresses of other zones (their `zone` set and not ours), with an advertised address (an IP, or
 * a name this zone resolved) and port;
 * ingresses sharing one advertised address (replicas behind a load balancer) count once, and only
 * one whose available services are filled may stand for the address. The caller skips all of it
 * when the mesh has mTLS off, as the ingress routes by SNI.
 */
export function remoteEndpoints(crossZone: CrossZoneInput, mesh: string): RemoteEndpoints {
  const { localZone, resolvedHosts } = crossZone;
  const resolve = (name: string) => resolvedHosts?.get(name);
  const byAddress = new Map<string, { ingress: StoredResource<'ZoneIngress'>; address: string; port: number }>();
  const sorted = [...(crossZone.zoneIngresses ?? [])].sort((a, b) => compareBytes(a.name, b.name));
  for (const ingress of sorted) {
    const zone = ingress.spec.zone ?? '';
    if (zone === '' || zone === localZone) continue;
    const at = ingressReachability(ingress.spec, resolve);
    if (!at.reachable) continue;
    const key = `${at.address}:${at.port}`;
    if (!byAddress.has(key)) byAddress.set(key, { ingress, address: at.address, port: at.port });
  }
  const byService = new Map<string, RemoteEndpoint[]>();
  for (const { ingress, ...at } of byAddress.values()) {
    for (const entry of ingress.spec.availableServices ?? []) {
      const service = entry.tags[SERVICE_TAG];
      if (entry.mesh !== mesh || service === undefined || entry.externalService === true || (entry.instances ?? 0) < 1) continue;
      const list = byService.get(service) ?? [];
      // The zone is the ingress's, which the global pinned to the zone that sent it; inbound tags
      // carry it only where the zone stamps it, so it is set here for the endpoint's locality.
      list.push({ address: at.address, port: at.port, tags: { ...entry.tags, [ZONE_TAG]: ingress.spec.zone! }, instances: entry.instances! });
      byService.set(service, list);
    }
  }
  return { byService, addresses: byAddress.size };
}

/** The services that have remote endpoints in `mesh` through `ingress` (dependency tracking). */
export function remoteServicesOf(ingress: StoredResource<'ZoneIngress'>, mesh: string): string[] {
  return (ingress.spec.availableServices ?? []).filter((e) => e.mesh === mesh).map((e) => e.tags[SERVICE_TAG] ?? '');
}

/** What a proxy of `mesh` reaches in other zones: nothing while the mesh has mTLS off (docs/multizone.md §8 step 2). */
export function remoteEndpointsOfMesh(mesh: StoredResource<'Mesh'>, crossZone: CrossZoneInput): RemoteEndpoints {
  if ((crossZone.zoneIngresses ?? []).length === 0 || !mesh.spec.mtls?.enabledBackend) return NO_REMOTE_ENDPOINTS;
  return remoteEndpoints(crossZone, mesh.name);
}

/** The tag a cross-mesh destination names its mesh with. */
const MESH_TAG = 'kuma.io/mesh';

/**
 * Cross-mesh gateway listeners of `otherMesh` that other zones' ingresses offer (docs/multizone.md §9),
 * as endpoints for a client of another mesh: the ingress's advertised address, the listener's
 * tags (without `kuma.io/mesh`), weighted by instances. Only for a client mesh with mTLS on.
 */
export function remoteCrossMeshEndpoints(clientMesh: StoredResource<'Mesh'>, crossZone: CrossZoneInput, otherMesh: string): TaggedEndpoint[] {
  if ((crossZone.zoneIngresses ?? []).length === 0 || !clientMesh.spec.mtls?.enabledBackend) return [];
  const { byService } = remoteEndpoints(crossZone, otherMesh);
  return [...byService.values()].flat().filter((e) => e.tags[MESH_TAG] === otherMesh).map((e) => {
    const { [MESH_TAG]: _mesh, ...tags } = e.tags;
    return { address: e.address, port: e.port, tags, weight: e.instances };
  });
}
