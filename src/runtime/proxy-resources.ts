// What one dataplane would receive, computed from a plain list of resources: no store, no server,
// no clock. `portico translate` uses it offline; it runs the control plane's own generation
// (translate, build, encode, consistency check) for BUILTIN gateways and for sidecars (DELEGATED
// gateways included), so that what it prints is what a running control plane would serve, or the
// reason it would not. In an mTLS mesh the proxy's own certificate is issued by a running control
// plane only: the output names `identity_cert:secret:<mesh>` but does not contain it.
import { connectionPoliciesOf } from '../mesh/connection-policies.js';
import type { Kind, StoredResource } from '../core/resource.js';
import { compareByMeshName, describeKey } from '../core/stored-resource.js';
import type { CertificateFile, GatewayInput, TranslationProblem } from '../gateway/gateway-input.js';
import { EncodeCache } from '../generation/encode-cache.js';
import { generateGatewayIdentity, replicaAddress, type IdentityGeneration } from '../generation/gateway-generation.js';
import type { SnapshotProblem } from '../xds/cache/consistency.js';
import { shortTypeName } from '../xds/cache/resource-types.js';
import type { EnvoyResources } from '../xds/translator/translate.js';
import { crossMeshEndpoints } from '../gateway/cross-mesh-endpoints.js';
import { generateSidecar, type SidecarGeneration } from '../generation/sidecar-generation.js';
import { resolveMeshCa, type MeshCa } from '../mesh/mesh-ca-source.js';
import type { SidecarInput } from '../sidecar/sidecar-input.js';
import { isSidecarProxy } from '../sidecar/translate-sidecar.js';

/** The resources of one proxy with the non-fatal problems found, or why there are none. */
export type ProxyResources =
  | { readonly ok: true; readonly resources: EnvoyResources; readonly problems: readonly TranslationProblem[] }
  | { readonly ok: false; readonly message: string };

/**
 * The Envoy resources the BUILTIN gateway dataplane `mesh/name` would receive, given every
 * resource (any meshes, any order) and the certificate files already read (keyed by the path
 * written in the MeshGateway). User mistakes (unknown mesh or dataplane, a generation-time error,
 * an inconsistent result) are `ok: false`; a translator bug throws with context.
 */
export function proxyEnvoyResources(
  resources: readonly StoredResource[],
  mesh: string,
  name: string,
  files: ReadonlyMap<string, CertificateFile>,
): ProxyResources {
  const dataplane = ofKind(resources, 'Dataplane', mesh).find((dp) => dp.name === name);
  if (dataplane && ofKind(resources, 'Mesh', mesh).length > 0 && isSidecarProxy(dataplane.spec.networking)) return sidecarResources(resources, dataplane, files);
  const input = gatewayInput(resources, mesh, name, files);
  if (!input.ok) return input;
  const { proxy } = input.value;
  const address = replicaAddress(proxy);
  const generation = generateWithContext(input.value, address);
  const translation = generation.translation!;
  if (translation.failed) return { ok: false, message: failureMessage(proxy, translation.problems) };
  if (generation.problems !== undefined) return { ok: false, message: consistencyMessage(proxy, generation.problems) };
  if (generation.error !== undefined) return { ok: false, message: `generating the configuration of ${describeKey(proxy)} failed; a running control plane keeps its last config:\n  ${generation.error}` };
  return { ok: true, resources: generation.resources!, problems: translation.problems };
}

/** The translation input of the proxy, its mesh's resources sorted as every store lists them. */
function gatewayInput(
  resources: readonly StoredResource[],
  mesh: string,
  name: string,
  files: ReadonlyMap<string, CertificateFile>,
): { ok: true; value: GatewayInput } | { ok: false; message: string } {
  const meshResource = ofKind(resources, 'Mesh', mesh).find((m) => m.name === mesh);
  if (meshResource === undefined) return { ok: false, message: `mesh "${mesh}" not found` };
  const dataplanes = ofKind(resources, 'Dataplane', mesh);
  const proxy = dataplanes.find((dp) => dp.name === name);
  if (proxy === undefined) return { ok: false, message: `dataplane "${name}" not found in mesh "${mesh}"` };
  if (proxy.spec.networking.gateway?.type !== 'BUILTIN') {
    return { ok: false, message: `${describeKey(proxy)} has neither inbounds nor a gateway: Portico has no configuration for it` };
  }
  return {
    ok: true,
    value: {
      mesh: meshResource,
      proxy,
      gateways: ofKind(resources, 'MeshGateway', mesh),
      routes: ofKind(resources, 'MeshGatewayRoute', mesh),
      dataplanes,
      externalServices: ofKind(resources, 'ExternalService', mesh),
      trafficPermissions: ofKind(resources, 'TrafficPermission', mesh),
      secrets: ofKind(resources, 'Secret', mesh),
      policies: connectionPoliciesOf((kind) => ofKind(resources, kind, mesh)),
      proxyTemplates: ofKind(resources, 'ProxyTemplate', mesh),
      trafficTraces: ofKind(resources, 'TrafficTrace', mesh),
      files,
      meshCas: meshCasOf(resources, files),
    },
  };
}

/** The CA of every mesh of `resources` with mTLS on, as the engine resolves them. */
function meshCasOf(resources: readonly StoredResource[], files: ReadonlyMap<string, CertificateFile>): Map<string, MeshCa> {
  const cas = new Map<string, MeshCa>();
  for (const m of resources.filter((r): r is StoredResource<'Mesh'> => r.kind === 'Mesh')) {
    const ca = resolveMeshCa(m, ofKind(resources, 'Secret', m.name), files);
    if (ca) cas.set(m.name, ca);
  }
  return cas;
}

/** A sidecar's (or DELEGATED gateway's) resources, through the control plane's sidecar generation. */
function sidecarResources(resources: readonly StoredResource[], proxy: StoredResource<'Dataplane'>, files: ReadonlyMap<string, CertificateFile>): ProxyResources {
  const meshes = new Map(resources.filter((r): r is StoredResource<'Mesh'> => r.kind === 'Mesh').map((m) => [m.name, m] as const));
  const others = [...meshes.keys()].filter((m) => m !== proxy.mesh);
  const input: SidecarInput = {
    mesh: meshes.get(proxy.mesh)!,
    proxy,
    dataplanes: ofKind(resources, 'Dataplane', proxy.mesh),
    trafficPermissions: ofKind(resources, 'TrafficPermission', proxy.mesh),
    policies: connectionPoliciesOf((kind) => ofKind(resources, kind, proxy.mesh)),
    proxyTemplates: ofKind(resources, 'ProxyTemplate', proxy.mesh),
    externalServices: ofKind(resources, 'ExternalService', proxy.mesh),
    secrets: ofKind(resources, 'Secret', proxy.mesh),
    trafficTraces: ofKind(resources, 'TrafficTrace', proxy.mesh),
    meshCas: meshCasOf(resources, files),
    meshes,
    crossMeshEndpoints: new Map(others.map((m) => [m, crossMeshEndpoints(ofKind(resources, 'MeshGateway', m), ofKind(resources, 'Dataplane', m))] as const)),
  };
  let generation: SidecarGeneration;
  try {
    generation = generateSidecar(input, new EncodeCache(), { keepResources: true });
  } catch (cause) {
    throw new Error(`translate ${describeKey(proxy)}`, { cause });
  }
  if (generation.problems !== undefined) return { ok: false, message: consistencyMessage(proxy, generation.problems) };
  if (generation.error !== undefined) return { ok: false, message: `generating the configuration of ${describeKey(proxy)} failed; a running control plane keeps its last config:\n  ${generation.error}` };
  return { ok: true, resources: generation.resources!, problems: [] };
}

/** Resources of one kind in one mesh, in (mesh, name) order so input order never shows. */
function ofKind<K extends Kind>(resources: readonly StoredResource[], kind: K, mesh: string): StoredResource<K>[] {
  return resources.filter((r): r is StoredResource<K> => r.kind === kind && r.mesh === mesh).sort(compareByMeshName);
}

/**
 * The control plane's own generation of the proxy's identity (generation/gateway-generation.ts),
 * with the proxy named when it throws (a bug, never a user mistake).
 */
function generateWithContext(input: GatewayInput, address: string): IdentityGeneration {
  try {
    return generateGatewayIdentity(input, new EncodeCache(), { address, keepResources: true });
  } catch (cause) {
    throw new Error(`translate ${describeKey(input.proxy)}`, { cause });
  }
}

/** Why generation failed (docs/gateway.md §4.6), one problem per line. */
function failureMessage(proxy: StoredResource<'Dataplane'>, problems: readonly TranslationProblem[]): string {
  const lines = problems.map((p) => `  ${describeKey(p.resource)}: ${p.message}`);
  return [`generating the configuration of ${describeKey(proxy)} failed; a running control plane keeps its last config:`, ...lines].join('\n');
}

/**
 * The pre-publish check the control plane runs (docs/xds-server.md §14 rule 8) failed: an inconsistent
 * snapshot is never served, so printing it would show something no proxy ever gets.
 */
function consistencyMessage(proxy: StoredResource<'Dataplane'>, problems: readonly SnapshotProblem[]): string {
  const lines = problems.map((p) => `  ${shortTypeName(p.typeUrl)}${p.name === undefined ? '' : ` ${p.name}`}: ${p.message}`);
  return [`the configuration of ${describeKey(proxy)} is inconsistent and would not be served:`, ...lines].join('\n');
}
