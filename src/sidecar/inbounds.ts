// Inbound listeners and local clusters (docs/mesh-mtls.md §4.2-§4.4): where each inbound listens, which
// workload port it forwards to, and the mTLS of its chains. Two inbounds forwarding one workload
// port to different addresses cannot share `localhost:<port>`: Kuma silently keeps the later
// address; Portico refuses to generate (difference M5).
import { PROTOCOL_TAG, SERVICE_TAG } from '../api/tags.js';
import type { StoredResource } from '../core/resource.js';
import type { Inbound, InboundRbac, InboundTls, LocalCluster } from '../ir/sidecar.js';
import { canonicalTags } from '../mesh/tag-maps.js';
import type { ConnectionPolicies } from '../mesh/connection-policies.js';
import { inboundPolicies } from '../mesh/inbound-policies.js';
import type { OwnMeshMtls } from '../mesh/mesh-mtls.js';
import { protocolOf } from './service-protocol.js';
import { inboundRbac, type TrafficPermission } from './traffic-permission.js';

/** `inbound:<address>:<port>`, IPv6 addresses in brackets. */
export function inboundListenerName(address: string, port: number): string {
  return `inbound:${address.includes(':') ? `[${address}]` : address}:${port}`;
}

/** `localhost:<workload port>`. */
export function localClusterName(port: number): string {
  return `localhost:${port}`;
}

/**
 * The inbounds of a Dataplane and their local clusters, or why they conflict. With mTLS on, each
 * inbound's TLS chain admits the sources of its one TrafficPermission (docs/mesh-mtls.md §5); HTTP-based
 * inbounds carry the FaultInjections and RateLimits selecting them.
 */
export function translateInbounds(
  proxy: StoredResource<'Dataplane'>,
  mtls: OwnMeshMtls | undefined,
  trafficPermissions: readonly TrafficPermission[],
  policies: ConnectionPolicies = {},
): { inbounds: Inbound[]; localClusters: LocalCluster[] } | { error: string } {
  const networking = proxy.spec.networking;
  const inbounds: Inbound[] = [];
  const locals = new Map<string, LocalCluster & { index: number }>();
  for (const [index, inbound] of (networking.inbound ?? []).entries()) {
    // Ignored inbounds keep the identity but get no listener (docs/mesh-mtls.md §4.8).
    if (inbound.state === 'Ignored') continue;
    const address = inbound.address ?? networking.address;
    const workloadAddress = inbound.serviceAddress ?? address;
    const workloadPort = inbound.servicePort ?? inbound.port;
    const protocol = protocolOf(inbound.tags[PROTOCOL_TAG]);
    const localCluster = localClusterName(workloadPort);
    const seen = locals.get(localCluster);
    if (seen && seen.address !== workloadAddress) {
      return { error: `networking.inbound[${seen.index}] and networking.inbound[${index}] forward workload port ${workloadPort} to different addresses (${seen.address}, ${workloadAddress}); give them different servicePorts` };
    }
    if (!seen) locals.set(localCluster, { name: localCluster, address: workloadAddress, port: workloadPort, protocol, index });
    const service = inbound.tags[SERVICE_TAG] ?? '';
    // FaultInjection and RateLimit need an HTTP connection manager (Kuma applies them to HTTP-based inbounds only).
    const applied = protocol === 'tcp' ? undefined : inboundPolicies(policies, inbound.tags);
    inbounds.push({
      name: inboundListenerName(address, inbound.port),
      address,
      port: inbound.port,
      protocol,
      service,
      tags: canonicalTags(inbound.tags),
      localCluster,
      workloadPort,
      ...(mtls ? { tls: inboundTls(proxy.mesh, mtls, inboundRbac(proxy.mesh, trafficPermissions, inbound.tags)) } : {}),
      ...(applied ? { policies: applied } : {}),
    });
  }
  const localClusters = [...locals.values()].map(({ index: _index, ...c }) => c);
  return { inbounds: byName(inbounds), localClusters: byName(localClusters) };
}

/** The mTLS of an inbound's chains: clients must present a certificate of the mesh, and be admitted. */
function inboundTls(mesh: string, mtls: OwnMeshMtls, rbac: InboundRbac): InboundTls {
  return { mode: mtls.mode, clientSanPrefix: `spiffe://${mesh}/`, caSecret: mtls.bundle.secretName, identitySecret: mtls.identitySecret, rbac };
}

function byName<T extends { readonly name: string }>(items: T[]): T[] {
  return items.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
