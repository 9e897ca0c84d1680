// The policies a new Mesh comes with (mesh.md §5.5). Portico keeps Kuma 2.0-2.5's default
// `allow-all-<mesh>` TrafficPermission, so that turning mTLS on does not cut every connection of
// the mesh; `skipCreatingInitialPolicies` (`TrafficPermission` or `*`) opts out, as in Kuma.
import type { MeshSpec } from './mesh.js';
import { SERVICE_TAG } from './tags.js';
import type { TrafficPermissionSpec } from './traffic-permission.js';

/** What `skipCreatingInitialPolicies` lists to skip every default policy. */
export const SKIP_ALL_INITIAL_POLICIES = '*';

/** Name of a mesh's default TrafficPermission. */
export function defaultTrafficPermissionName(mesh: string): string {
  return `allow-all-${mesh}`;
}

/** Any client of the mesh may connect to any inbound. */
export const ALLOW_ALL_TRAFFIC_PERMISSION: TrafficPermissionSpec = {
  sources: [{ match: { [SERVICE_TAG]: '*' } }],
  destinations: [{ match: { [SERVICE_TAG]: '*' } }],
};

/** Whether a new mesh with `spec` gets its default policy of `kind`. */
export function createsInitialPolicy(spec: MeshSpec, kind: string): boolean {
  const skipped = spec.skipCreatingInitialPolicies ?? [];
  return !skipped.includes(SKIP_ALL_INITIAL_POLICIES) && !skipped.includes(kind);
}

/**
 * Whether a resource of `mesh` is one the control plane created with the Mesh (its builtin CA
 * Secrets are the other kind): it does not keep the Mesh from being deleted, and goes with it.
 */
export function isDefaultTrafficPermission(mesh: string, name: string): boolean {
  return name === defaultTrafficPermissionName(mesh);
}
