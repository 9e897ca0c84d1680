// Default policies of Meshes created with kubectl (Kubernetes mode; docs/mesh-mtls.md §5.5): the REST API
// creates `allow-all-<mesh>` in the commit that creates the Mesh, but on Kubernetes nothing
// passes through Portico when a Mesh is created. As Kuma's mesh-defaults controller does, this
// creates the defaults once per Mesh and then marks the Mesh with a label, so that a default the
// user deleted is never brought back (not by another replica, not after a restart). The policy is
// owned by its Mesh and goes with it. With default policies turned off, Meshes are still marked:
// turning them on later does not give defaults to Meshes created meanwhile, as in universal mode.
import type { Logger } from 'pino';
import { ConflictError, type ResourceStore } from '../core/store.js';
import { defaultPolicyWrites } from './mesh-companions.js';
import { MeshReconcileQueue } from './mesh-reconcile-queue.js';

/** Label of a Mesh whose default policies were created (Kuma uses an annotation of this name). */
export const MESH_DEFAULTS_GENERATED_LABEL = 'kuma.io/mesh-defaults-generated';

/** Creates the defaults of every unmarked Mesh, one Mesh at a time, at start and on each write. */
export class MeshDefaultsReconciler {
  private readonly loop: MeshReconcileQueue;

  constructor(
    private readonly store: ResourceStore,
    private readonly logger: Logger,
    private readonly defaultPolicies = true,
  ) {
    this.loop = new MeshReconcileQueue(store, (mesh) => this.ensure(mesh), (mesh) => mesh.labels?.[MESH_DEFAULTS_GENERATED_LABEL] !== 'true');
  }

  /** Queues every unmarked Mesh and follows Mesh writes; returns the function that stops it. */
  start(): Promise<() => Promise<void>> {
    return this.loop.start();
  }

  /** Settles once every queued Mesh has been handled (tests). */
  idle(): Promise<void> {
    return this.loop.idle();
  }

  private async ensure(name: string): Promise<void> {
    try {
      const mesh = await this.store.get({ kind: 'Mesh', mesh: name, name });
      if (!mesh || mesh.labels?.[MESH_DEFAULTS_GENERATED_LABEL] === 'true') return;
      const writes = this.defaultPolicies ? defaultPolicyWrites(name, mesh.spec) : [];
      for (const op of writes) {
        if (op.op !== 'put') continue;
        await this.store.put(op.resource, { ...op.options, ownedByMesh: true }).catch((err: unknown) => {
          // Another replica (or the user) created it first: the default exists.
          if (!(err instanceof ConflictError)) throw err;
        });
      }
      await this.store.put({ kind: 'Mesh', mesh: name, name, spec: mesh.spec, labels: { ...mesh.labels, [MESH_DEFAULTS_GENERATED_LABEL]: 'true' } }, { expectedVersion: mesh.version });
      if (writes.length > 0) this.logger.info({ mesh: name, policies: writes.length }, 'created the default policies of a new mesh');
    } catch (err) {
      if (err instanceof ConflictError) return;
      this.logger.error({ err, mesh: name }, 'could not create the default policies of a mesh; retrying on its next change');
    }
  }
}
