// resources -> ir.ZoneIngressProxy (docs/multizone.md §7.3): what one zone ingress forwards, by SNI, to
// which of the zone's inbounds. Pure: no I/O, inputs never mutated, output sorted. The steps:
//   1. each available service of each mesh, with every destination of that service the mesh's
//      gateway routes name, plus the match-all destination, gives one SNI (duplicates dropped);
//   2. a destination tag narrows the chain (a subset) only when it excludes some endpoint address;
//   3. one cluster per (mesh, service), its endpoints the zone's own healthy inbounds, or the
//      gateway Dataplanes on their cross-mesh listeners;
//   4. with no service at all, one chain answers with the proxy's id and zone.
import { SERVICE_TAG, type Tags } from '../api/tags.js';
import type { StoredResource } from '../core/resource.js';
import { compareBytes } from '../core/byte-order.js';
import type { Endpoint } from '../ir/gateway.js';
import { meshClusterSni } from '../ir/names.js';
import type { IngressChain, IngressCluster, ZoneIngressProxy } from '../ir/zone-ingress.js';
import { crossMeshEndpoints } from '../gateway/cross-mesh-endpoints.js';
import { endpointsFor, indexEndpoints, taggedEndpointsFor, type TaggedEndpoint } from '../mesh/endpoints.js';
import { canonicalTags } from '../mesh/tag-maps.js';

/** The resources of one mesh an ingress reads. */
export interface IngressMeshInput {
  readonly dataplanes: readonly StoredResource<'Dataplane'>[];
  readonly routes: readonly StoredResource<'MeshGatewayRoute'>[];
  /** Cross-mesh listeners of the mesh's gateways are offered through the ingress too. */
  readonly gateways?: readonly StoredResource<'MeshGateway'>[];
}

/** Everything one ingress's configuration is derived from. */
export interface IngressInput {
  readonly ingress: StoredResource<'ZoneIngress'>;
  /** The zone this control plane serves (the direct response names it). */
  readonly zone: string;
  /** By mesh name. */
  readonly meshes: ReadonlyMap<string, IngressMeshInput>;
}

/** Port Envoy listens on when the ZoneIngress names none (Kuma's default). */
export const DEFAULT_INGRESS_PORT = 10001;

/** Kuma's match-all destination: every service of the mesh by its plain SNI. */
const MATCH_ALL = '*';

/** Translate one zone ingress; see the file header. */
export function translateIngress(input: IngressInput): ZoneIngressProxy {
  const { ingress } = input;
  const networking = ingress.spec.networking ?? {};
  const base = { name: ingress.name, address: networking.address ?? '0.0.0.0', port: networking.port ?? DEFAULT_INGRESS_PORT };
  const chains = new Map<string, IngressChain>();
  const clusters = new Map<string, { endpoints: Endpoint[]; subsetKeys: Map<string, string[]> }>();
  const destinationsByMesh = new Map<string, Map<string, Tags[]>>();
  const endpointIndexes = new Map<string, ReturnType<typeof indexEndpoints>>();
  const crossMeshByMesh = new Map<string, TaggedEndpoint[]>();
  const crossMesh = (mesh: string, meshInput: IngressMeshInput): TaggedEndpoint[] => {
    let endpoints = crossMeshByMesh.get(mesh);
    if (!endpoints) {
      endpoints = crossMeshEndpoints(meshInput.gateways ?? [], meshInput.dataplanes);
      crossMeshByMesh.set(mesh, endpoints);
    }
    return endpoints;
  };
  for (const available of sortedServices(ingress)) {
    const mesh = available.mesh ?? '';
    const service = available.tags[SERVICE_TAG]!;
    const meshInput = input.meshes.get(mesh);
    if (!meshInput) continue;
    const name = `${mesh}:${service}`;
    let cluster = clusters.get(name);
    if (!cluster) {
      let index = endpointIndexes.get(mesh);
      if (!index) {
        index = indexEndpoints(meshInput.dataplanes, mesh, servicesOf(ingress, mesh));
        endpointIndexes.set(mesh, index);
      }
      cluster = { endpoints: clusterEndpoints(index, crossMesh(mesh, meshInput), service), subsetKeys: new Map() };
      clusters.set(name, cluster);
    }
    let destinations = destinationsByMesh.get(mesh);
    if (!destinations) {
      destinations = routeDestinations(meshInput.routes);
      destinationsByMesh.set(mesh, destinations);
    }
    for (const destination of [...(destinations.get(service) ?? []), ...(destinations.get(MATCH_ALL) ?? []), { [SERVICE_TAG]: MATCH_ALL }]) {
      const tags = { ...destination, [SERVICE_TAG]: service };
      const sni = meshClusterSni(tags, mesh);
      if (chains.has(sni)) continue;
      const subset = relevantTags(tags, cluster.endpoints);
      chains.set(sni, { sni, cluster: name, statPrefix: `${mesh}_${service}`, subset });
      // Envoy picks a subset by the exact key set of the chain's metadata match.
      const keys = Object.keys(subset).sort();
      if (keys.length > 0) cluster.subsetKeys.set(keys.join('\n'), keys);
    }
  }
  if (chains.size === 0) return { ...base, chains: [], clusters: [], directResponse: JSON.stringify({ proxy: `.${ingress.name}`, zone: input.zone }) };
  return {
    ...base,
    chains: [...chains.values()].sort((a, b) => compareBytes(a.sni, b.sni)),
    clusters: [...clusters.entries()]
      .sort(([a], [b]) => compareBytes(a, b))
      .map(([name, c]): IngressCluster => ({
        name,
        altStatName: name.replace(':', '_'),
        subsetKeys: [...c.subsetKeys.entries()].sort(([a], [b]) => compareBytes(a, b)).map(([, keys]) => keys),
        endpoints: c.endpoints,
      })),
  };
}

/**
 * A cluster's endpoints: the zone's healthy inbounds of the service and, when the service is a
 * gateway with cross-mesh listeners, its Dataplanes on those listeners' ports (the same endpoints
 * a client of another mesh in this zone gets).
 */
function clusterEndpoints(index: ReturnType<typeof indexEndpoints>, crossMesh: readonly TaggedEndpoint[], service: string): Endpoint[] {
  const inbounds = endpointsFor(index, { [SERVICE_TAG]: service });
  const listeners = taggedEndpointsFor(crossMesh, { [SERVICE_TAG]: service });
  if (listeners.length === 0) return inbounds;
  return [...inbounds, ...listeners].sort((a, b) => compareBytes(a.address, b.address) || a.port - b.port);
}

/** The available services with a service tag, in the order the zone wrote them. */
function sortedServices(ingress: StoredResource<'ZoneIngress'>) {
  return (ingress.spec.availableServices ?? []).filter((s) => s.tags[SERVICE_TAG] !== undefined && s.externalService !== true);
}

function servicesOf(ingress: StoredResource<'ZoneIngress'>, mesh: string): Set<string> {
  return new Set(sortedServices(ingress).filter((s) => (s.mesh ?? '') === mesh).map((s) => s.tags[SERVICE_TAG]!));
}

/**
 * Every backend destination of the mesh's gateway routes (HTTP rules, mirrors, TCP rules), by
 * service, each once: all zones hold the global's routes, so the ingress knows which subsets a
 * gateway in another zone asks for.
 */
function routeDestinations(routes: readonly StoredResource<'MeshGatewayRoute'>[]): Map<string, Tags[]> {
  const seen = new Map<string, Map<string, Tags>>();
  const add = (destination: Tags): void => {
    const service = destination[SERVICE_TAG];
    if (service === undefined) return;
    const tags = canonicalTags(destination);
    const byKey = seen.get(service) ?? new Map<string, Tags>();
    byKey.set(JSON.stringify(tags), tags);
    seen.set(service, byKey);
  };
  for (const route of routes) {
    const { http, tcp } = route.spec.conf;
    for (const rule of http?.rules ?? []) {
      for (const backend of rule.backends) add(backend.destination);
      for (const filter of rule.filters) if (filter.mirror) add(filter.mirror.backend.destination);
    }
    for (const rule of tcp?.rules ?? []) for (const backend of rule.backends) add(backend.destination);
  }
  return new Map([...seen].map(([service, byKey]) => [service, [...byKey.entries()].sort(([a], [b]) => compareBytes(a, b)).map(([, t]) => t)]));
}

/**
 * The destination tags that narrow the endpoints (Kuma's relevant tags): a tag is kept only when
 * the endpoint addresses carrying it are fewer than all the cluster's addresses.
 */
function relevantTags(destination: Tags, endpoints: readonly Endpoint[]): Tags {
  const all = new Set(endpoints.map(addressOf));
  const relevant: Record<string, string> = {};
  for (const key of Object.keys(destination).sort()) {
    if (key === SERVICE_TAG) continue;
    const value = destination[key]!;
    const matched = new Set(endpoints.filter((e) => value === MATCH_ALL || e.tags[key] === value).map(addressOf));
    if (matched.size < all.size) relevant[key] = value;
  }
  return relevant;
}

function addressOf(e: Endpoint): string {
  return `${e.address}:${e.port}`;
}
