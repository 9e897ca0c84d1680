// What a sidecar translation read (the counterpart of gateway/gateway-dependencies.ts): the
// runtime keeps it beside each generation and regenerates only when a change touches it. As for
// gateways, the predicates err on the side of "affected".
import { SERVICE_TAG, type Tags } from '../api/tags.js';
import type { StoredResource } from '../core/resource.js';
import { meshCaSecretNames } from '../mesh/mesh-ca-source.js';
import { isConnectionPolicyKind } from '../mesh/connection-policies.js';
import { proxyTemplateMayConcern, proxyTemplateTagSets } from '../mesh/proxy-template-selection.js';
import { externalServiceSecrets } from '../mesh/external-services.js';
import { MESH_TAG } from './outbounds.js';
import type { SidecarInput } from './sidecar-input.js';

/** The inputs one sidecar translation depends on, as plain data. */
export interface SidecarDependencies {
  readonly kind: 'sidecar';
  readonly mesh: string;
  /** The Dataplane itself. */
  readonly proxy: string;
  /** Services of its outbounds in its own mesh: their Dataplanes are its endpoints. */
  readonly services: ReadonlySet<string>;
  /** Other meshes its outbounds name (their Mesh, CA Secrets, cross-mesh MeshGateways and Dataplanes). */
  readonly otherMeshes: ReadonlySet<string>;
  /** Secrets of its own mesh's CA and of its mesh's ExternalServices' TLS data sources. */
  readonly secrets: ReadonlySet<string>;
  /** The tag sets ProxyTemplates are matched by (mesh/proxy-template-selection.ts). */
  readonly proxyTags?: readonly Tags[];
}

/** The dependencies of the translation of `input`. */
export function sidecarDependencies(input: SidecarInput): SidecarDependencies {
  const services = new Set<string>();
  const otherMeshes = new Set<string>();
  for (const outbound of input.proxy.spec.networking.outbound ?? []) {
    const tags = outbound.tags ?? {};
    const mesh = tags[MESH_TAG];
    if (mesh !== undefined && mesh !== input.mesh.name) otherMeshes.add(mesh);
    else services.add(tags[SERVICE_TAG] ?? outbound.service ?? '');
  }
  return { kind: 'sidecar', mesh: input.mesh.name, proxy: input.proxy.name, services, otherMeshes, secrets: new Set([...meshCaSecretNames(input.mesh), ...externalServiceSecrets(input.externalServices ?? [])]), proxyTags: proxyTemplateTagSets(input.proxy) };
}

/** What a sidecar reads of another mesh. */
const OTHER_MESH_KINDS: ReadonlySet<string> = new Set(['Mesh', 'Secret', 'MeshGateway', 'Dataplane']);

/** True when a change of `resource` (old or new version) may change the translation. */
export function sidecarDependsOn(deps: SidecarDependencies, resource: StoredResource): boolean {
  // Another mesh named by an outbound: its mTLS and CA, and its cross-mesh gateways and their Dataplanes.
  if (resource.mesh !== deps.mesh) return deps.otherMeshes.has(resource.mesh) && OTHER_MESH_KINDS.has(resource.kind);
  switch (resource.kind) {
    case 'Mesh':
      return true;
    // Any TrafficPermission of the mesh may become, or stop being, the one of an inbound (docs/mesh-mtls.md §5.2).
    case 'TrafficPermission':
      return true;
    case 'Secret':
      return deps.secrets.has(resource.name);
    case 'ProxyTemplate':
      return proxyTemplateMayConcern(resource as StoredResource<'ProxyTemplate'>, deps.proxyTags ?? []);
    // An outbound's service may become, or stop being, external (docs/gateway.md §2.15).
    case 'ExternalService':
      return deps.services.has((resource as StoredResource<'ExternalService'>).spec.tags[SERVICE_TAG] ?? '');
    case 'Dataplane': {
      if (resource.name === deps.proxy) return true;
      const inbounds = (resource as StoredResource<'Dataplane'>).spec.networking.inbound ?? [];
      return inbounds.some((i) => deps.services.has(i.tags[SERVICE_TAG] ?? ''));
    }
    default:
      // A connection policy may start or stop winning for any outbound, a TrafficTrace for the
      // proxy (docs/mesh-mtls.md §4.9).
      return isConnectionPolicyKind(resource.kind) || resource.kind === 'TrafficTrace';
  }
}
