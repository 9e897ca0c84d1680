// What a Mesh write brings along in its commit (src/api-server/write-companions.ts): the builtin
// CA Secrets it declares and the store lacks (on every write, docs/mesh-mtls.md §1.3), and, only when the
// write creates the Mesh, its default policies (docs/mesh-mtls.md §5.5; src/api/mesh-default-policies.ts), unless
// the control plane runs with them turned off. Defaults are never re-created on a later write: a
// user who deleted `allow-all-<mesh>` meant it.
import { initialPolicies } from '../api/mesh-default-policies.js';
import type { MeshSpec } from '../api/mesh.js';
import type { WriteCompanions } from '../api-server/write-companions.js';
import type { ResourceInput } from '../core/resource.js';
import type { ResourceStore, WriteOp } from '../core/store.js';
import { builtinCaWrites } from './mesh-ca-secrets.js';

/** The writes creating a new mesh's default policies, unless its spec skips them. */
export function defaultPolicyWrites(mesh: string, spec: MeshSpec): WriteOp[] {
  return initialPolicies(mesh, spec).map(({ kind, name, spec: policy }) => {
    const resource = { kind, mesh, name, spec: policy } as ResourceInput;
    return { op: 'put', resource, options: { mustCreate: true } };
  });
}

/** Options of meshCompanions. */
export interface MeshCompanionOptions {
  /** Create a new mesh's default policies (default true; `cp run --mesh-default-policies`). */
  readonly defaultPolicies?: boolean;
}

/** The REST write hook: a Mesh write brings its missing CA Secrets, a Mesh create its defaults. */
export function meshCompanions(store: ResourceStore, options: MeshCompanionOptions = {}): WriteCompanions {
  const defaults = options.defaultPolicies ?? true;
  return async (input, existing) => {
    if (input.kind !== 'Mesh') return [];
    const spec = input.spec as MeshSpec;
    return [...(await builtinCaWrites(store, input.name, spec)), ...(existing || !defaults ? [] : defaultPolicyWrites(input.name, spec))];
  };
}
