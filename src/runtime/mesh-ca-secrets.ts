// The builtin CA's material in the store (docs/mesh-mtls.md §1.3): two Secrets per builtin backend,
// `<mesh>.ca-builtin-cert-<backend>` and `<mesh>.ca-builtin-key-<backend>`, created once, for every
// builtin backend whether enabled or not, and never regenerated. They are created with the Mesh
// write that declares the backend (REST PUT and apply, through mesh-companions.ts) and, for Meshes
// written any other way (kubectl, a store from before), by MeshCaReconciler. Writes are
// conditional (mustCreate), so control-plane replicas racing to create one CA cannot both win.
import type { Logger } from 'pino';
import { builtinCaCertSecretName, builtinCaConf, builtinCaKeySecretName, DEFAULT_BUILTIN_CA } from '../api/mesh-validate.js';
import type { MeshSpec } from '../api/mesh.js';
import { createBuiltinCa } from '../ca/mesh-ca.js';
import type { ResourceInput } from '../core/resource.js';
import { ConflictError, type ResourceStore, type WriteOp } from '../core/store.js';
import { MeshReconcileQueue } from './mesh-reconcile-queue.js';

/** The writes creating the CA Secrets `mesh` declares and the store lacks; none when all exist. */
export async function builtinCaWrites(store: ResourceStore, mesh: string, spec: MeshSpec, now: Date = new Date()): Promise<WriteOp[]> {
  const ops: WriteOp[] = [];
  for (const backend of spec.mtls?.backends ?? []) {
    if (backend.type !== 'builtin') continue;
    const certName = builtinCaCertSecretName(mesh, backend.name);
    const keyName = builtinCaKeySecretName(mesh, backend.name);
    const [cert, key] = await Promise.all([store.get({ kind: 'Secret', mesh, name: certName }), store.get({ kind: 'Secret', mesh, name: keyName })]);
    if (cert && key) continue;
    // Validation accepted the Mesh, so its conf converts; with skipValidation it may not: defaults then.
    const conf = builtinCaConf(backend.conf);
    const settings = conf.ok && conf.violations.length === 0 ? conf.settings : DEFAULT_BUILTIN_CA;
    const ca = await createBuiltinCa(mesh, { ...settings, now });
    // A half-present pair (one Secret deleted by hand) is replaced whole: a key without its
    // certificate, or the reverse, is unusable.
    ops.push(secretWrite(mesh, certName, ca.certPem, cert?.version), secretWrite(mesh, keyName, ca.keyPem, key?.version));
  }
  return ops;
}

function secretWrite(mesh: string, name: string, pem: string, version: string | undefined): WriteOp {
  const resource: ResourceInput<'Secret'> = { kind: 'Secret', mesh, name, spec: { data: Buffer.from(pem, 'utf8').toString('base64') } };
  return { op: 'put', resource, options: version === undefined ? { mustCreate: true, ownedByMesh: true } : { expectedVersion: version, ownedByMesh: true } };
}

/**
 * Ensures every Mesh's builtin CA Secrets exist: at start for every Mesh, then for each written
 * Mesh, one at a time. A lost race (another replica created them) is not an error.
 */
export class MeshCaReconciler {
  private readonly loop: MeshReconcileQueue;

  /**
   * `atomic: false` for stores without multi-object commits (Kubernetes): the key is written
   * before the certificate, so a crash between them leaves a half pair, which the next pass
   * replaces whole, and never a certificate without its key.
   */
  constructor(
    private readonly store: ResourceStore,
    private readonly logger: Logger,
    private readonly options: { readonly atomic: boolean } = { atomic: true },
  ) {
    this.loop = new MeshReconcileQueue(store, (mesh) => this.ensure(mesh));
  }

  /** Queues every stored Mesh and follows Mesh writes; returns the function that stops it. */
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
      if (!mesh) return;
      const ops = await builtinCaWrites(this.store, name, mesh.spec);
      if (ops.length === 0) return;
      if (this.options.atomic) await this.store.commit(ops);
      else for (const op of [...ops].reverse()) await this.store.commit([op]);
      this.logger.info({ mesh: name, secrets: ops.length }, 'created builtin CA');
    } catch (err) {
      if (err instanceof ConflictError) return;
      this.logger.error({ err, mesh: name }, 'could not create the builtin CA of a mesh; retrying on its next change');
    }
  }
}
