// What an ingress translation read: its own ZoneIngress, and the Dataplanes and gateway routes of
// the meshes its available services name (their endpoints and destinations), their MeshGateways
// (cross-mesh listeners), plus those Meshes.
import type { StoredResource } from '../core/resource.js';

/** The inputs one ingress translation depends on. */
export interface IngressDependencies {
  readonly kind: 'ingress';
  /** Name of the ZoneIngress. */
  readonly ingress: string;
  /** Meshes its available services name. */
  readonly meshes: ReadonlySet<string>;
}

/** The dependencies of an ingress's translation. */
export function ingressDependencies(ingress: StoredResource<'ZoneIngress'>): IngressDependencies {
  return { kind: 'ingress', ingress: ingress.name, meshes: new Set((ingress.spec.availableServices ?? []).map((s) => s.mesh ?? '')) };
}

const MESH_KINDS: ReadonlySet<string> = new Set(['Mesh', 'Dataplane', 'MeshGatewayRoute', 'MeshGateway']);

/** True when a change of `resource` (old or new version) may change the translation. */
export function ingressDependsOn(deps: IngressDependencies, resource: StoredResource): boolean {
  if (resource.kind === 'ZoneIngress') return resource.name === deps.ingress;
  return MESH_KINDS.has(resource.kind) && deps.meshes.has(resource.mesh);
}
