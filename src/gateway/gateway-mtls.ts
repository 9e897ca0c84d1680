// What mesh mTLS changes for a builtin gateway (gateway.md §1.5, §2.15, §2.17; mesh.md §6): the
// proxy's identity secret, the CA bundles its TLS contexts validate with, and upstream mTLS on
// mesh clusters. The CA material itself is resolved by the caller (mesh/mesh-ca-source.ts) and
// passed in; a mesh with mTLS on whose CA cannot be had fails generation, so the proxies keep
// their last configuration rather than fall back to plaintext (mesh.md M4).
import { enabledMtlsBackend } from '../api/mesh-validate.js';
import type { CaBundle, Cluster, GatewayMtls } from '../ir/gateway.js';
import { ALL_MESHES_CA_SECRET_NAME, identityCertSecretName, meshCaSecretName, meshClusterSni, serviceSpiffeId } from '../ir/names.js';
import type { MeshCa } from '../mesh/mesh-ca-source.js';
import type { GatewayInput } from './gateway-input.js';

/** The mTLS facts of one gateway translation, or why it cannot have them. */
export type GatewayMtlsFacts =
  | { readonly ok: true; readonly mtls?: GatewayMtls; readonly upstream?: (cluster: Cluster) => Cluster }
  | { readonly ok: false; readonly message: string };

/** mTLS of the gateway: none when the mesh has it off; `crossMesh` asks for `mesh_ca:secret:all`. */
export function gatewayMtls(input: GatewayInput, crossMesh: boolean): GatewayMtlsFacts {
  const mesh = input.mesh.name;
  const backend = enabledMtlsBackend(input.mesh.spec);
  if (!backend) return { ok: true };
  const own = input.meshCas?.get(mesh);
  if (!own?.ok) return { ok: false, message: `mTLS is enabled but the CA of mesh ${JSON.stringify(mesh)} is unavailable: ${own?.message ?? 'not resolved'}` };
  const bundles: CaBundle[] = [{ secretName: meshCaSecretName(mesh), pem: withNewline(own.certPem) }];
  if (crossMesh) {
    const all = allMeshesBundle(mesh, own, input.meshCas ?? new Map());
    if (!all.ok) return all;
    bundles.push({ secretName: ALL_MESHES_CA_SECRET_NAME, pem: all.pem });
  }
  bundles.sort((a, b) => (a.secretName < b.secretName ? -1 : 1));
  const identitySecret = identityCertSecretName(mesh);
  const strict = (backend.mode ?? 'STRICT') === 'STRICT';
  const ready = input.tlsReadyServices ?? new Set<string>();
  const upstream = (cluster: Cluster): Cluster =>
    strict || ready.has(cluster.service)
      ? {
          ...cluster,
          upstreamTls: { sni: meshClusterSni(cluster.destination, mesh), san: serviceSpiffeId(mesh, cluster.service), caSecret: meshCaSecretName(mesh), identitySecret },
        }
      : cluster;
  return { ok: true, mtls: { identitySecret, caBundles: bundles }, upstream };
}

/**
 * `mesh_ca:secret:all`: the CAs of every other mesh with mTLS on, by mesh name, then the own
 * mesh's (gateway.md §2.17). Another mesh whose CA cannot be had fails the generation: a bundle
 * silently missing a mesh would refuse that mesh's clients with no trace of why.
 */
function allMeshesBundle(mesh: string, own: MeshCa & { ok: true }, cas: ReadonlyMap<string, MeshCa>): { ok: true; pem: string } | { ok: false; message: string } {
  let pem = '';
  for (const name of [...cas.keys()].sort()) {
    if (name === mesh) continue;
    const ca = cas.get(name)!;
    if (!ca.ok) return { ok: false, message: `cross-mesh listeners need the CA of every mTLS mesh, and the CA of mesh ${JSON.stringify(name)} is unavailable: ${ca.message}` };
    pem += withNewline(ca.certPem);
  }
  return { ok: true, pem: pem + withNewline(own.certPem) };
}

function withNewline(pem: string): string {
  return pem.endsWith('\n') ? pem : `${pem}\n`;
}
