// The write-time checks of a provided mesh CA (docs/mesh-mtls.md §1.2): its certificate and key are loaded
// from their sources as the control plane will load them (a Secret of the mesh, a file on this
// host, inline) and checked as a pair that may sign workload certificates. `skipValidation: true`
// skips them, as in Kuma. A Secret written in the same apply batch is not seen yet: write it first.
import type { MeshSpec } from '../api/mesh.js';
import type { Violation } from '../api/violation.js';
import type { WriteChecks } from '../api-server/write-checks.js';
import { checkProvidedCa } from '../ca/provided-ca-checks.js';
import type { StoredResource } from '../core/resource.js';
import type { ResourceStore } from '../core/store.js';
import { meshCaFiles, resolveMeshCa } from '../mesh/mesh-ca-source.js';
import type { FileReader } from '../generation/engine.js';

/** The checks of every provided backend of a written Mesh. */
export function meshCaChecks(store: ResourceStore, readFiles: FileReader): WriteChecks {
  return async (input) => {
    if (input.kind !== 'Mesh') return [];
    const spec = input.spec as MeshSpec;
    if (spec.mtls?.skipValidation === true) return [];
    const violations: Violation[] = [];
    for (const [i, backend] of (spec.mtls?.backends ?? []).entries()) {
      if (backend.type !== 'provided') continue;
      // The backend as if enabled, so the control plane's own loader reads it.
      const mesh = { kind: 'Mesh', mesh: input.name, name: input.name, spec: { ...spec, mtls: { ...spec.mtls, enabledBackend: backend.name } } } as StoredResource<'Mesh'>;
      const files = await readFiles(meshCaFiles(mesh));
      const ca = resolveMeshCa(mesh, await store.list('Secret', { mesh: input.name }), files);
      const path = `mtls.backends[${i}].conf`;
      if (!ca?.ok) {
        const message = ca?.message ?? 'cannot be loaded';
        violations.push({ field: `${path}.cert`, message }, { field: `${path}.key`, message });
        continue;
      }
      violations.push(...checkProvidedCa(ca.certPem, ca.keyPem).map((p) => ({ field: `${path}.${p.field}`, message: p.message })));
    }
    return violations;
  };
}
