// What one gateway dataplane would receive, computed from a plain list of resources: no store,
// no server, no clock. `portico translate` uses it offline; it runs the control plane's own
// generation (translate, build, encode, consistency check) so that what it prints is what a
// running control plane would serve, or the reason it would not.
import type { Kind, StoredResource } from '../core/resource.js';
import { compareByMeshName, describeKey } from '../core/stored-resource.js';
import type { CertificateFile, GatewayInput, TranslationProblem } from '../gateway/gateway-input.js';
import { EncodeCache } from '../generation/encode-cache.js';
import { generateGatewayIdentity, replicaAddress, type IdentityGeneration } from '../generation/gateway-generation.js';
import type { SnapshotProblem } from '../xds/cache/consistency.js';
import { shortTypeName } from '../xds/cache/resource-types.js';
import type { EnvoyResources } from '../xds/translator/translate.js';

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
  const input = gatewayInput(resources, mesh, name, files);
  if (!input.ok) return input;
  const { proxy } = input.value;
  const address = replicaAddress(proxy);
  const generation = generateWithContext(input.value, address);
  const translation = generation.translation!;
  if (translation.failed) return { ok: false, message: failureMessage(proxy, translation.problems) };
  if (generation.problems !== undefined) return { ok: false, message: consistencyMessage(proxy, generation.problems) };
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
  const gatewayType = proxy.spec.networking.gateway?.type;
  if (gatewayType !== 'BUILTIN') {
    const what = gatewayType === undefined ? 'a sidecar dataplane' : `a ${gatewayType} gateway dataplane`;
    return { ok: false, message: `${describeKey(proxy)} is ${what}; only BUILTIN gateway dataplanes get their configuration from Portico` };
  }
  return {
    ok: true,
    value: {
      mesh: meshResource,
      proxy,
      gateways: ofKind(resources, 'MeshGateway', mesh),
      routes: ofKind(resources, 'MeshGatewayRoute', mesh),
      dataplanes,
      secrets: ofKind(resources, 'Secret', mesh),
      files,
    },
  };
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

/** Why generation failed (gateway.md §4.6), one problem per line. */
function failureMessage(proxy: StoredResource<'Dataplane'>, problems: readonly TranslationProblem[]): string {
  const lines = problems.map((p) => `  ${describeKey(p.resource)}: ${p.message}`);
  return [`generating the configuration of ${describeKey(proxy)} failed; a running control plane keeps its last config:`, ...lines].join('\n');
}

/**
 * The pre-publish check the control plane runs (xds-server.md §14 rule 8) failed: an inconsistent
 * snapshot is never served, so printing it would show something no proxy ever gets.
 */
function consistencyMessage(proxy: StoredResource<'Dataplane'>, problems: readonly SnapshotProblem[]): string {
  const lines = problems.map((p) => `  ${shortTypeName(p.typeUrl)}${p.name === undefined ? '' : ` ${p.name}`}: ${p.message}`);
  return [`the configuration of ${describeKey(proxy)} is inconsistent and would not be served:`, ...lines].join('\n');
}
