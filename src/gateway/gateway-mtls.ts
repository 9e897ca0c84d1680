// What mesh mTLS changes for a builtin gateway (docs/gateway.md §1.5, §2.15, §2.17; docs/mesh-mtls.md §6): the
// proxy's identity secret, the CA bundles its TLS contexts validate with, and upstream mTLS on
// mesh clusters. The CA material itself is resolved by the caller (mesh/mesh-ca-source.ts) and
// passed in; a mesh with mTLS on whose CA cannot be had fails generation, so the proxies keep
// their last configuration rather than fall back to plaintext (docs/mesh-mtls.md M4).
import type { CaBundle, Cluster, GatewayMtls } from '../ir/gateway.js';
import { ALL_MESHES_CA_SECRET_NAME } from '../ir/names.js';
import { caBundle, ownMeshMtls, upstreamMeshTls, withNewline } from '../mesh/mesh-mtls.js';
import type { MeshCa } from '../mesh/mesh-ca-source.js';
import type { GatewayInput } from './gateway-input.js';

/** The mTLS facts of one gateway translation, or why it cannot have them. */
export type GatewayMtlsFacts =
  | { readonly ok: true; readonly mtls?: GatewayMtls; readonly upstream?: (cluster: Cluster) => Cluster }
  | { readonly ok: false; readonly message: string };

/** mTLS of the gateway: none when the mesh has it off; `crossMesh` asks for `mesh_ca:secret:all`. */
export function gatewayMtls(input: GatewayInput, crossMesh: boolean): GatewayMtlsFacts {
  const mesh = input.mesh.name;
  const own = ownMeshMtls(input.mesh, input.meshCas);
  if (!own) return { ok: true };
  if ('error' in own) return { ok: false, message: own.error };
  const bundles: CaBundle[] = [own.bundle];
  if (crossMesh) {
    const all = allMeshesBundle(mesh, input.meshCas ?? new Map());
    if (!all.ok) return all;
    bundles.push(caBundle(ALL_MESHES_CA_SECRET_NAME, all.pem));
  }
  bundles.sort((a, b) => (a.secretName < b.secretName ? -1 : 1));
  const ready = input.tlsReadyServices ?? new Set<string>();
  // External clusters leave the mesh: the ExternalService's own TLS, if any, never mesh mTLS.
  const upstream = (cluster: Cluster): Cluster =>
    cluster.external === undefined && (own.mode === 'STRICT' || ready.has(cluster.service)) ? { ...cluster, upstreamTls: upstreamMeshTls(mesh, mesh, cluster.service, cluster.destination) } : cluster;
  return { ok: true, mtls: { identitySecret: own.identitySecret, caBundles: bundles }, upstream };
}

/**
 * `mesh_ca:secret:all`: the CAs of every other mesh with mTLS on, by mesh name, then the own
 * mesh's (docs/gateway.md §2.17). Another mesh whose CA cannot be had fails the generation: a bundle
 * silently missing a mesh would refuse that mesh's clients with no trace of why.
 */
function allMeshesBundle(mesh: string, cas: ReadonlyMap<string, MeshCa>): { ok: true; pem: string } | { ok: false; message: string } {
  let pem = '';
  let own = '';
  for (const name of [...cas.keys()].sort()) {
    const ca = cas.get(name)!;
    if (!ca.ok) return { ok: false, message: `cross-mesh listeners need the CA of every mTLS mesh, and the CA of mesh ${JSON.stringify(name)} is unavailable: ${ca.message}` };
    if (name === mesh) own = withNewline(ca.certPem);
    else pem += withNewline(ca.certPem);
  }
  return { ok: true, pem: pem + own };
}
