// Mesh mTLS facts shared by every proxy type (docs/mesh-mtls.md §2.3, §3, §4.6): the own mesh's CA bundle,
// other meshes' bundles, and the upstream TLS of a mesh destination. The CAs themselves are
// resolved by the caller (mesh-ca-source.ts) and passed in.
import { enabledMtlsBackend } from '../api/mesh-validate.js';
import type { StoredResource } from '../core/resource.js';
import type { CaBundle, Tags, UpstreamTls } from '../ir/gateway.js';
import { identityCertSecretName, meshCaSecretName, meshClusterSni, serviceSpiffeId } from '../ir/names.js';
import type { MeshCa } from './mesh-ca-source.js';

/** The own mesh's mTLS as a proxy sees it: its identity secret and CA bundle. */
export interface OwnMeshMtls {
  readonly mode: 'STRICT' | 'PERMISSIVE';
  readonly identitySecret: string;
  readonly bundle: CaBundle;
}

/** Mesh mTLS of a proxy of `mesh`: undefined when off, an error when on without a usable CA. */
export function ownMeshMtls(mesh: StoredResource<'Mesh'>, cas: ReadonlyMap<string, MeshCa> | undefined): OwnMeshMtls | { readonly error: string } | undefined {
  const backend = enabledMtlsBackend(mesh.spec);
  if (!backend) return undefined;
  const ca = cas?.get(mesh.name);
  if (!ca?.ok) return { error: `mTLS is enabled but the CA of mesh ${JSON.stringify(mesh.name)} is unavailable: ${ca?.message ?? 'not resolved'}` };
  return { mode: backend.mode ?? 'STRICT', identitySecret: identityCertSecretName(mesh.name), bundle: caBundle(meshCaSecretName(mesh.name), ca.certPem) };
}

/** A CA bundle secret; each PEM ends in a newline so bundles concatenate cleanly. */
export function caBundle(secretName: string, pem: string): CaBundle {
  return { secretName, pem: withNewline(pem) };
}

/** PEM text ending in a newline. */
export function withNewline(pem: string): string {
  return pem.endsWith('\n') ? pem : `${pem}\n`;
}

/**
 * The UpstreamTlsContext facts of a destination `service` with cluster tags `tags` in
 * `upstreamMesh`, called from a proxy of `localMesh` (docs/mesh-mtls.md §4.6): SNI with the upstream mesh,
 * the exact SPIFFE ID in the upstream mesh, that mesh's CA, the caller's own identity.
 */
export function upstreamMeshTls(localMesh: string, upstreamMesh: string, service: string, tags: Tags): UpstreamTls {
  return {
    sni: meshClusterSni({ ...tags, 'kuma.io/service': service }, upstreamMesh),
    san: serviceSpiffeId(upstreamMesh, service),
    caSecret: meshCaSecretName(upstreamMesh),
    identitySecret: identityCertSecretName(localMesh),
  };
}
