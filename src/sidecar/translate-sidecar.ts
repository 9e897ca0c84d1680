// resources -> ir.Sidecar for one Dataplane with inbounds, or a DELEGATED gateway (docs/mesh-mtls.md §4, §7).
// Pure: no I/O, no clock, inputs never mutated, output sorted. Reads as the ordered steps of the
// reference.
import { SERVICE_TAG } from '../api/tags.js';
import type { StoredResource } from '../core/resource.js';
import type { CaBundle } from '../ir/gateway.js';
import { meshCaSecretName } from '../ir/names.js';
import type { Sidecar } from '../ir/sidecar.js';
import { caBundle, ownMeshMtls } from '../mesh/mesh-mtls.js';
import { translateInbounds } from './inbounds.js';
import { proxyTagSets, sidecarPolicyPlaces, translateOutbounds } from './outbounds.js';
import { selectTrafficTrace, tracingOf } from '../mesh/traffic-trace-effects.js';
import type { SidecarInput, SidecarTranslation } from './sidecar-input.js';

/** Whether a Dataplane gets the sidecar profile: inbounds, or a DELEGATED gateway (docs/mesh-mtls.md §7). */
export function isSidecarProxy(networking: { readonly gateway?: { readonly type?: string }; readonly inbound?: readonly unknown[] }): boolean {
  if (networking.gateway) return networking.gateway.type !== 'BUILTIN';
  return (networking.inbound ?? []).length > 0;
}

/** Translate one sidecar; see the file header. */
export function translateSidecar(input: SidecarInput): SidecarTranslation {
  const mesh = input.mesh.name;
  // docs/mesh-mtls.md §1, §3: the mesh's mTLS; on without a usable CA, nothing is generated (M4).
  const mtls = ownMeshMtls(input.mesh, input.meshCas);
  if (mtls && 'error' in mtls) return { error: mtls.error };
  // docs/mesh-mtls.md §4.2-§4.4, §5: inbounds, their RBAC and the local clusters they forward to; a DELEGATED
  // gateway has none.
  const gateway = input.proxy.spec.networking.gateway;
  const inbound = gateway ? { inbounds: [], localClusters: [] } : translateInbounds(input.proxy, mtls, input.trafficPermissions, input.policies);
  if ('error' in inbound) return { error: inbound.error };
  // docs/mesh-mtls.md §4.5-§4.7, §8: outbound listeners, their clusters and endpoints.
  const { outbounds, clusters } = translateOutbounds(input, mtls);
  // docs/mesh-mtls.md §3: the own CA, and the CA of every other mesh an mTLS cluster validates with.
  const bundles = new Map<string, CaBundle>(mtls ? [[mtls.bundle.secretName, mtls.bundle]] : []);
  for (const cluster of clusters) {
    if (!cluster.upstreamTls || bundles.has(cluster.upstreamTls.caSecret)) continue;
    const ca = input.meshCas?.get(cluster.mesh);
    if (!ca?.ok) return { error: `outbound ${cluster.name} needs the CA of mesh ${JSON.stringify(cluster.mesh)}, which is unavailable: ${ca?.message ?? 'mTLS is off there'}` };
    bundles.set(meshCaSecretName(cluster.mesh), caBundle(meshCaSecretName(cluster.mesh), ca.certPem));
  }
  // docs/mesh-mtls.md §4.9: the proxy's TrafficTrace traces its inbound and outbound connection managers.
  const traced = input.trafficTraces && input.trafficTraces.length > 0 ? tracingOf(selectTrafficTrace(input.trafficTraces, proxyTagSets(input.proxy)), input.mesh.spec.tracing) : undefined;
  const sidecar: Sidecar = {
    mesh,
    name: input.proxy.name,
    kumaTags: identityTagsValue(input),
    inbounds: inbound.inbounds,
    localClusters: inbound.localClusters,
    outbounds,
    clusters,
    ...(usesKumaTagsOnGrpc(input) ? { grpcKumaTags: true as const } : {}),
    ...(mtls ? { mtls: { identitySecret: mtls.identitySecret, caBundles: [...bundles.values()].sort((a, b) => (a.secretName < b.secretName ? -1 : 1)) } } : {}),
    ...(traced ? { tracing: traced.tracing, collectors: [traced.collector] } : {}),
  };
  const policyPlaces = sidecarPolicyPlaces(input, outbounds, clusters);
  return { sidecar, ...(policyPlaces ? { policyPlaces } : {}) };
}

/** Kuma's IsXKumaTagsUsed: gRPC outbounds send `x-kuma-tags` when the mesh has a RateLimit or FaultInjection. */
function usesKumaTagsOnGrpc(input: SidecarInput): boolean {
  return (input.policies?.RateLimit?.length ?? 0) > 0 || (input.policies?.FaultInjection?.length ?? 0) > 0;
}

/**
 * The proxy's identity tags (docs/mesh-mtls.md §2.1) as a tag map with multiple values comma-joined, sorted:
 * the union of its inbounds' tags, or its gateway tags.
 */
export function identityTags(input: SidecarInput): Map<string, string[]> {
  return dataplaneIdentityTags(input.proxy);
}

/**
 * A Dataplane's identity tags (docs/mesh-mtls.md §2.1): every value of every tag of its inbounds, or of its
 * gateway tags (BUILTIN and DELEGATED), values sorted.
 */
export function dataplaneIdentityTags(proxy: StoredResource<'Dataplane'>): Map<string, string[]> {
  const networking = proxy.spec.networking;
  const sources = networking.gateway ? [networking.gateway.tags] : (networking.inbound ?? []).map((i) => i.tags);
  const tags = new Map<string, Set<string>>();
  for (const source of sources) {
    for (const [k, v] of Object.entries(source)) {
      const set = tags.get(k) ?? new Set<string>();
      set.add(v);
      tags.set(k, set);
    }
  }
  return new Map([...tags].map(([k, v]) => [k, [...v].sort()]));
}

/** `x-kuma-tags` form of the identity tags: `&k=v1,v2&` per key, ascending key. */
function identityTagsValue(input: SidecarInput): string {
  const tags = identityTags(input);
  return [...tags.keys()]
    .sort()
    .map((k) => `&${k}=${tags.get(k)!.join(',')}&`)
    .join('');
}

/** The services a sidecar serves (its identity's `kuma.io/service` values). */
export function servedServices(input: SidecarInput): string[] {
  return identityTags(input).get(SERVICE_TAG) ?? [];
}
