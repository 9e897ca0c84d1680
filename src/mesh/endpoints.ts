// Mesh endpoints (docs/gateway.md §2.15, docs/mesh-mtls.md §4.7): healthy inbounds of the mesh's sidecar
// dataplanes, indexed by service once per translation so that clusters never scan every
// dataplane.
import type { DataplaneInbound } from '../api/dataplane.js';
import { SERVICE_TAG, type Tags } from '../api/tags.js';
import type { StoredResource } from '../core/resource.js';
import type { Endpoint } from '../ir/gateway.js';
import { compareBytes } from '../core/byte-order.js';
import { canonicalTags, tagsKey } from './tag-maps.js';
import { selectorMatches } from './selectors.js';
import { NO_REMOTE_ENDPOINTS, type RemoteEndpoints } from './remote-endpoints.js';

/** An endpoint with the full inbound tags it is matched by. */
interface IndexedEndpoint {
  readonly endpoint: Endpoint;
  readonly inboundTags: Tags;
}

/** Endpoints by service, each list sorted by (address, port, tags). */
export type EndpointIndex = ReadonlyMap<string, readonly IndexedEndpoint[]>;

/**
 * Index the healthy inbounds of every non-gateway dataplane of `mesh`
 * whose service is in `services`. Address: the inbound's, else the dataplane's advertised
 * address, else its address; port: the inbound (proxy) port, not the service port.
 * With `remote` endpoints (other zones' ingresses, docs/multizone.md §8), those of the services are
 * added with their instance counts as weights, and every local endpoint weighs as many as the
 * remote ingress addresses.
 */
export function indexEndpoints(
  dataplanes: readonly StoredResource<'Dataplane'>[],
  mesh: string,
  services: ReadonlySet<string>,
  remote: RemoteEndpoints = NO_REMOTE_ENDPOINTS,
): EndpointIndex {
  const localWeight = remote.addresses > 0 ? { weight: remote.addresses } : {};
  const index = new Map<string, IndexedEndpoint[]>();
  if (services.size === 0) return index;
  for (const dp of dataplanes) {
    const networking = dp.spec.networking;
    if (dp.mesh !== mesh || networking.gateway !== undefined) continue;
    for (const inbound of networking.inbound ?? []) {
      const service = inbound.tags[SERVICE_TAG];
      if (service === undefined || !services.has(service) || !healthy(inbound)) continue;
      const { [SERVICE_TAG]: _service, ...tags } = inbound.tags;
      const address = inbound.address || networking.advertisedAddress || networking.address;
      const list = index.get(service) ?? [];
      list.push({ endpoint: { address, port: inbound.port, tags: canonicalTags(tags), ...localWeight }, inboundTags: inbound.tags });
      index.set(service, list);
    }
  }
  for (const [service, endpoints] of remote.byService) {
    if (!services.has(service)) continue;
    const list = index.get(service) ?? [];
    for (const e of endpoints) {
      const { [SERVICE_TAG]: _service, ...tags } = e.tags;
      list.push({ endpoint: { address: e.address, port: e.port, tags: canonicalTags(tags), weight: e.instances }, inboundTags: e.tags });
    }
    index.set(service, list);
  }
  for (const list of index.values()) list.sort(compareEndpoints);
  return index;
}

/** Healthy: not reported unready (`health.ready: false`), and not NotReady or Ignored by state. */
function healthy(inbound: DataplaneInbound): boolean {
  return inbound.health?.ready !== false && inbound.state !== 'NotReady' && inbound.state !== 'Ignored';
}

/** Total order so equal inputs give equal output: address, port, then tags. */
function compareEndpoints(a: IndexedEndpoint, b: IndexedEndpoint): number {
  const byAddress = compareBytes(a.endpoint.address, b.endpoint.address);
  if (byAddress !== 0) return byAddress;
  if (a.endpoint.port !== b.endpoint.port) return a.endpoint.port - b.endpoint.port;
  return compareBytes(tagsKey(a.endpoint.tags), tagsKey(b.endpoint.tags));
}

/** The endpoints of a destination: its service's inbounds whose tags contain every destination tag. */
export function endpointsFor(index: EndpointIndex, destination: Tags): Endpoint[] {
  const service = destination[SERVICE_TAG];
  const list = service === undefined ? undefined : index.get(service);
  if (list === undefined) return [];
  return list.filter((e) => selectorMatches(destination, e.inboundTags)).map((e) => e.endpoint);
}

/** An endpoint with all its tags, `kuma.io/service` included (cross-mesh gateway listeners, docs/mesh-mtls.md §8). */
export interface TaggedEndpoint {
  readonly address: string;
  readonly port: number;
  readonly tags: Tags;
  /** Load-balancing weight; absent means 1 (a remote zone's ingress: its instances). */
  readonly weight?: number;
}

/** The endpoints among `candidates` whose tags contain every tag of `clusterTags`, as EDS endpoints. */
export function taggedEndpointsFor(candidates: readonly TaggedEndpoint[], clusterTags: Tags): Endpoint[] {
  return candidates
    .filter((e) => selectorMatches(clusterTags, e.tags))
    .map((e) => {
      const { [SERVICE_TAG]: _service, ...tags } = e.tags;
      return { address: e.address, port: e.port, tags: canonicalTags(tags), ...(e.weight !== undefined ? { weight: e.weight } : {}) };
    })
    .sort((a, b) => compareBytes(a.address, b.address) || a.port - b.port || compareBytes(tagsKey(a.tags), tagsKey(b.tags)));
}
