// Outbound listeners and their EDS clusters (docs/mesh-mtls.md §4.5-§4.7, §8). Every outbound has one
// destination, equal to its tags (Kuma's classic generator with the default `route-all`). The
// cluster is named after those tags (`<service>` or `<service>-<hash>`, `_<mesh>` appended for
// another mesh), outbounds with equal tags share it, and its protocol is inferred from the
// service's endpoints, not from the outbound.
import { PROTOCOL_TAG, SERVICE_TAG, type Tags } from '../api/tags.js';
import type { StoredResource } from '../core/resource.js';
import type { Outbound, OutboundCluster } from '../ir/sidecar.js';
import { clusterName } from '../ir/names.js';
import { endpointsFor, indexEndpoints, taggedEndpointsFor } from '../mesh/endpoints.js';
import { remoteCrossMeshEndpoints, remoteEndpointsOfMesh } from '../mesh/remote-endpoints.js';
import { externalClusterFor, externalProtocols, indexExternalServices, secretsByName, type ExternalServiceIndex } from '../mesh/external-services.js';
import { upstreamMeshTls, type OwnMeshMtls } from '../mesh/mesh-mtls.js';
import { canonicalTags } from '../mesh/tag-maps.js';
import { enabledMtlsBackend } from '../api/mesh-validate.js';
import { matchesAny, SourcePolicies } from '../mesh/connection-policies.js';
import { clusterPolicies, outboundPolicies } from '../mesh/policy-effects.js';
import { accessLogOf } from '../mesh/traffic-log-effects.js';
import type { AccessLog, OutboundPolicies } from '../ir/policies.js';
import type { TrafficLogSpec } from '../api/traffic-log.js';
import type { DestinationPlace, PolicyPlaces } from '../mesh/policy-status.js';
import { serviceProtocol } from './service-protocol.js';
import type { SidecarInput } from './sidecar-input.js';

/** The tag naming the mesh of a cross-mesh destination (docs/mesh-mtls.md §8). */
export const MESH_TAG = 'kuma.io/mesh';

/** Default address of an outbound listener. */
const DEFAULT_OUTBOUND_ADDRESS = '127.0.0.1';

/** `outbound:<address>:<port>`, IPv6 addresses in brackets. */
export function outboundListenerName(address: string, port: number): string {
  return `outbound:${address.includes(':') ? `[${address}]` : address}:${port}`;
}

/** One outbound's destination: its full tags, its mesh, and the cluster tags (without the mesh). */
interface Destination {
  readonly tags: Tags;
  readonly mesh: string;
  readonly clusterTags: Tags;
  readonly service: string;
  readonly cluster: string;
}

function destinationOf(tags: Tags, ownMesh: string): Destination {
  const { [MESH_TAG]: meshTag, ...clusterTags } = tags;
  const mesh = meshTag ?? ownMesh;
  const base = clusterName(tags, {});
  return { tags, mesh, clusterTags: canonicalTags(clusterTags), service: tags[SERVICE_TAG] ?? '', cluster: mesh === ownMesh ? base : `${base}_${mesh}` };
}

/** The outbound listeners of a proxy and the clusters they send to. */
export function translateOutbounds(input: SidecarInput, mtls: OwnMeshMtls | undefined): { outbounds: Outbound[]; clusters: OutboundCluster[] } {
  const own = input.mesh.name;
  const destinations = (input.proxy.spec.networking.outbound ?? []).map((o) => ({
    outbound: o,
    destination: destinationOf(o.tags ?? (o.service !== undefined ? { [SERVICE_TAG]: o.service } : {}), own),
  }));
  const localServices = new Set(destinations.filter((d) => d.destination.mesh === own).map((d) => d.destination.service));
  const index = indexEndpoints(input.dataplanes, own, localServices, remoteEndpointsOfMesh(input.mesh, input));
  const protocols = new Map<string, ReturnType<typeof serviceProtocol>>();
  const protocolOfService = (service: string) => {
    let p = protocols.get(service);
    if (p === undefined) {
      const endpoints = endpointsFor(index, { [SERVICE_TAG]: service });
      // A service only ExternalServices provide keeps their protocol while none is usable, so that
      // a TrafficPermission change never flips the listener (a closed connection instead of a 503).
      const tags = endpoints.length > 0 ? endpoints.map((e) => e.tags) : (input.externalServices ?? []).filter((es) => es.spec.tags[SERVICE_TAG] === service).map((es) => es.spec.tags);
      p = serviceProtocol(tags.map((t) => t[PROTOCOL_TAG]));
      protocols.set(service, p);
    }
    return p;
  };
  const external = sidecarExternalServices(input);
  const outbounds: Outbound[] = [];
  const clusters = new Map<string, OutboundCluster>();
  // The proxy is the source of every outbound's policies (docs/gateway.md §2.16 with the dataplane as source).
  const sources = new SourcePolicies(input.policies ?? {}, matchesAny(proxyTagSets(input.proxy)));
  for (const { outbound, destination } of destinations) {
    // A usable ExternalService of the own mesh is reached directly, its protocol from its own tag.
    const externalCluster = destination.mesh === own ? externalClusterFor(external, destination.clusterTags) : undefined;
    // The protocol comes from the own mesh's endpoints of a service of that name (docs/mesh-mtls.md §8).
    const protocol = externalCluster ? serviceProtocol(externalProtocols(externalCluster)) : protocolOfService(destination.service);
    const address = outbound.address ?? DEFAULT_OUTBOUND_ADDRESS;
    const winners = sources.empty() ? {} : sources.winners(destination.clusterTags);
    const listenerPolicies = withAccessLog(outboundPolicies(winners, protocol), winners.TrafficLog && outboundAccessLog(input, winners.TrafficLog.spec, destination.service, protocol));
    outbounds.push({
      name: outboundListenerName(address, outbound.port),
      address,
      port: outbound.port,
      tags: destination.clusterTags,
      service: destination.service,
      protocol,
      cluster: destination.cluster,
      ...(listenerPolicies ? { policies: listenerPolicies } : {}),
    });
    if (clusters.has(destination.cluster)) continue;
    const policies = clusterPolicies(winners);
    if (externalCluster) {
      clusters.set(destination.cluster, { name: destination.cluster, service: destination.service, mesh: own, tags: destination.clusterTags, protocol, endpoints: [], external: externalCluster, ...(policies ? { policies } : {}) });
      continue;
    }
    const endpoints =
      destination.mesh === own
        ? endpointsFor(index, { ...destination.clusterTags })
        : taggedEndpointsFor([...(input.crossMeshEndpoints?.get(destination.mesh) ?? []), ...remoteCrossMeshEndpoints(input.mesh, input, destination.mesh)], destination.clusterTags);
    const tls = upstreamTlsOf(input, mtls, destination);
    clusters.set(destination.cluster, {
      name: destination.cluster,
      service: destination.service,
      mesh: destination.mesh,
      tags: destination.clusterTags,
      protocol,
      endpoints,
      ...(tls ? { upstreamTls: tls } : {}),
      ...(policies ? { policies } : {}),
    });
  }
  return { outbounds: outbounds.sort(byName), clusters: [...clusters.values()].sort(byName) };
}

/**
 * The ExternalServices the sidecar may reach: a TrafficPermission's source selectors are matched
 * against each of its inbounds' tags (a DELEGATED gateway: its gateway tags), as Kuma matches a
 * Dataplane. One whose TLS sources cannot be loaded is left out, as Kuma leaves its endpoint out.
 */
function sidecarExternalServices(input: SidecarInput): ExternalServiceIndex {
  const networking = input.proxy.spec.networking;
  const proxyTags = networking.gateway ? [networking.gateway.tags] : (networking.inbound ?? []).map((i) => i.tags);
  return indexExternalServices({
    externalServices: input.externalServices ?? [],
    trafficPermissions: input.trafficPermissions,
    proxyTags,
    secrets: secretsByName(input.mesh.name, input.secrets ?? []),
  });
}

/**
 * mTLS towards a destination when both meshes have it on, unless the upstream mesh is PERMISSIVE
 * and the service is not TLS ready yet (docs/mesh-mtls.md §4.6).
 */
function upstreamTlsOf(input: SidecarInput, mtls: OwnMeshMtls | undefined, destination: Destination) {
  if (!mtls) return undefined;
  const upstreamMesh = destination.mesh === input.mesh.name ? input.mesh : input.meshes?.get(destination.mesh);
  const backend = upstreamMesh && enabledMtlsBackend(upstreamMesh.spec);
  if (!backend) return undefined;
  const strict = (backend.mode ?? 'STRICT') === 'STRICT';
  if (!strict && !(input.tlsReadyServices?.has(destination.service) ?? false)) return undefined;
  return upstreamMeshTls(input.mesh.name, destination.mesh, destination.service, destination.clusterTags);
}

/**
 * The access log of an outbound (docs/mesh-mtls.md §4.9): Kuma logs the traffic of the proxy's service
 * (its first inbound's, or its gateway's) to the outbound's service, from the proxy's address.
 */
function outboundAccessLog(input: SidecarInput, spec: TrafficLogSpec, service: string, protocol: string): AccessLog | undefined {
  const networking = input.proxy.spec.networking;
  const source = networking.gateway?.tags[SERVICE_TAG] ?? networking.inbound?.[0]?.tags[SERVICE_TAG] ?? '';
  return accessLogOf(spec, input.mesh.spec.logging, {
    mesh: input.mesh.name,
    sourceService: source,
    destinationService: service,
    sourceAddress: networking.address,
    direction: 'OUTBOUND',
    protocol: protocol === 'tcp' ? 'tcp' : 'http',
  });
}

/** Outbound settings with an access log added; undefined when there are neither. */
function withAccessLog(policies: OutboundPolicies | undefined, accessLog: AccessLog | undefined): OutboundPolicies | undefined {
  if (accessLog === undefined) return policies;
  return { ...policies, accessLog };
}

/**
 * The policy places of a sidecar (mesh/policy-status.ts): its outbounds and their clusters, each
 * with its destination, all from the proxy as one source; undefined when the mesh has no policies.
 */
export function sidecarPolicyPlaces(input: SidecarInput, outbounds: readonly Outbound[], clusters: readonly OutboundCluster[]): PolicyPlaces | undefined {
  if (!Object.values(input.policies ?? {}).some((list) => list.length > 0)) return undefined;
  const destinations: DestinationPlace[] = [
    ...outbounds.map((o) => ({ type: 'outbound' as const, name: o.name, destination: o.tags, source: 0 })),
    ...clusters.map((c) => ({ type: 'cluster' as const, name: c.name, destination: c.tags, source: 0 })),
  ];
  return { sources: [proxyTagSets(input.proxy)], destinations, actions: [], routeTables: [] };
}

/** The tag sets a policy's sources are matched against: every inbound's, or a delegated gateway's. */
export function proxyTagSets(proxy: StoredResource<'Dataplane'>): Tags[] {
  const networking = proxy.spec.networking;
  if (networking.gateway !== undefined) return [networking.gateway.tags];
  return (networking.inbound ?? []).map((i) => i.tags);
}

function byName<T extends { readonly name: string }>(a: T, b: T): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}
