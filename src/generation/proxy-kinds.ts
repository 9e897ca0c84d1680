// The proxy types the engine configures and how a change reaches them: which Dataplanes are
// configured at all, node ids, and the dependency predicate of each type's generation.
import type { StoredResource } from '../core/resource.js';
import { gatewayDependsOn } from '../gateway/gateway-dependencies.js';
import { sidecarDependsOn } from '../sidecar/sidecar-dependencies.js';
import { isSidecarProxy } from '../sidecar/translate-sidecar.js';
import type { GenerationOutcome } from './generator.js';

/** Node id of a proxy (xds-server.md §3): `<mesh>.<name>`. */
export function nodeIdOf(mesh: string, name: string): string {
  return `${mesh}.${name}`;
}

/** A node id's mesh and name, split at the first dot as proxy ids are (xds/server/proxy-id.ts). */
export function splitNodeId(nodeId: string): [string, string] {
  const dot = nodeId.indexOf('.');
  return [nodeId.slice(0, dot), nodeId.slice(dot + 1)];
}

/** A Dataplane the engine configures: a BUILTIN gateway, or a sidecar (mesh.md §4, §7). */
export function isConfiguredProxy(resource: StoredResource | undefined): resource is StoredResource<'Dataplane'> {
  if (resource?.kind !== 'Dataplane') return false;
  const networking = (resource as StoredResource<'Dataplane'>).spec.networking;
  return networking.gateway?.type === 'BUILTIN' || isSidecarProxy(networking);
}

/** Whether a generation read another mesh (cross-mesh listeners, cross-mesh outbounds). */
export function readsOtherMeshes(deps: GenerationOutcome['dependencies']): boolean {
  if (!deps) return true;
  return deps.kind === 'sidecar' ? deps.otherMeshes.size > 0 : deps.crossMesh === true;
}

/** Whether a change of `resource` may change a generation with these dependencies. */
export function dependsOn(deps: NonNullable<GenerationOutcome['dependencies']>, resource: StoredResource): boolean {
  return deps.kind === 'sidecar' ? sidecarDependsOn(deps, resource) : gatewayDependsOn(deps, resource);
}
