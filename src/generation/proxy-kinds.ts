// The proxy types the engine configures and how a change reaches them: which Dataplanes are
// configured at all, node ids, and the dependency predicate of each type's generation.
import type { StoredResource } from '../core/resource.js';
import { gatewayDependsOn } from '../gateway/gateway-dependencies.js';
import { ingressDependsOn } from '../ingress/ingress-dependencies.js';
import { sidecarDependsOn } from '../sidecar/sidecar-dependencies.js';
import { isSidecarProxy } from '../sidecar/translate-sidecar.js';
import type { GenerationOutcome } from './generator.js';

/** Node id of a proxy (docs/xds-server.md §3): `<mesh>.<name>`. */
export function nodeIdOf(mesh: string, name: string): string {
  return `${mesh}.${name}`;
}

/** A node id's mesh and name, split at the first dot as proxy ids are (xds/server/proxy-id.ts). */
export function splitNodeId(nodeId: string): [string, string] {
  const dot = nodeId.indexOf('.');
  return [nodeId.slice(0, dot), nodeId.slice(dot + 1)];
}

/** A Dataplane the engine configures: a BUILTIN gateway, or a sidecar (docs/mesh-mtls.md §4, §7). */
export function isConfiguredProxy(resource: StoredResource | undefined): resource is StoredResource<'Dataplane'> {
  if (resource?.kind !== 'Dataplane') return false;
  const networking = (resource as StoredResource<'Dataplane'>).spec.networking;
  return networking.gateway?.type === 'BUILTIN' || isSidecarProxy(networking);
}

/** Node id of a zone ingress proxy: Kuma's, an empty mesh, a dot and the ingress name. */
export function ingressNodeId(name: string): string {
  return `.${name}`;
}

/** Whether a node id names a zone ingress proxy. */
export function isIngressNodeId(nodeId: string): boolean {
  return nodeId.startsWith('.');
}

/**
 * A ZoneIngress this zone serves: its own (`zone` empty or this zone's name), never a copy of
 * another zone's, which is only a route to that zone (docs/multizone.md §7, §8).
 */
export function isLocalIngress(resource: StoredResource | undefined, localZone: string | undefined): resource is StoredResource<'ZoneIngress'> {
  if (resource?.kind !== 'ZoneIngress') return false;
  const zone = (resource as StoredResource<'ZoneIngress'>).spec.zone ?? '';
  return zone === '' || zone === localZone;
}

/** Whether a generation read another mesh (cross-mesh listeners, cross-mesh outbounds). */
export function readsOtherMeshes(deps: GenerationOutcome['dependencies']): boolean {
  if (!deps) return true;
  if (deps.kind === 'ingress') return true;
  return deps.kind === 'sidecar' ? deps.otherMeshes.size > 0 : deps.crossMesh === true;
}

/** Whether a change of `resource` may change a generation with these dependencies. */
export function dependsOn(deps: NonNullable<GenerationOutcome['dependencies']>, resource: StoredResource): boolean {
  if (deps.kind === 'ingress') return ingressDependsOn(deps, resource);
  return deps.kind === 'sidecar' ? sidecarDependsOn(deps, resource) : gatewayDependsOn(deps, resource);
}
