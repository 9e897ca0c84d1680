// Store writes against the API server: create or replace with a resourceVersion precondition,
// delete with uid and resourceVersion preconditions, and the mapping of HTTP answers to the store's
// errors (409 -> ConflictError, unreachable/5xx -> StoreUnavailableError).
//
// Every write reads the object first: Kubernetes has no "create or replace" and custom resources
// refuse an update without a resourceVersion. The read also lets a write keep fields it does not
// own (annotations, owner references, finalizers) and check the store's preconditions. A write
// without preconditions that races another writer (409) is retried from a fresh read; a write with
// preconditions reports the conflict.
import type { KubeConfig } from '@kubernetes/client-node';
import type { ResourceInput, ResourceKey, StoredResource } from '../../core/resource.js';
import { ConflictError, StoreUnavailableError, type WriteOptions } from '../../core/store.js';
import { alreadyExists, describeKey, frozenKey, preconditionConflict, versionConflict } from '../../core/stored-resource.js';
import { KubeApiError, kubeRequest } from '../watch/kube-request.js';
import {
  collectionPath,
  desiredObject,
  itemPath,
  meshOf,
  objectRef,
  toStoredResource,
  type KindLocation,
  type KumaObject,
  type ObjectRef,
} from './kuma-objects.js';

/** Attempts of a write without preconditions that keeps losing races (409) before giving up. */
export const MAX_WRITE_ATTEMPTS = 5;

/** What the writer needs from the store. */
export interface KubeWriterContext {
  readonly kubeConfig: KubeConfig;
  readonly requestTimeoutMs: number;
  location(kind: ResourceKey['kind']): KindLocation;
  /** Resolves once the store's watch has seen `answer` (or a bounded wait ran out). */
  settled(location: KindLocation, ref: ObjectRef, answer: KumaObject | undefined): Promise<void>;
}

/** Writes store resources as Kubernetes objects. */
export class KubeWriter {
  constructor(private readonly ctx: KubeWriterContext) {}

  /** Create or replace one resource; resolves to it as the API server stored it. */
  async put(input: ResourceInput, options: WriteOptions | undefined): Promise<StoredResource> {
    return withContext(input, () => this.tryPut(input, options));
  }

  /** Delete one resource; false when it did not exist in that mesh. */
  async delete(key: ResourceKey, options: WriteOptions | undefined): Promise<boolean> {
    return withContext(key, () => this.tryDelete(key, options));
  }

  private async tryPut(input: ResourceInput, options: WriteOptions | undefined): Promise<StoredResource> {
    const location = this.ctx.location(input.kind);
    const ref = this.refOf(location, input);
    for (let attempt = 1; ; attempt++) {
      const current = await this.read(location, ref, input);
      const foreign = foreignReason(location, input, current);
      if (foreign !== undefined) throw new ConflictError(`resource ${describeKey(input)}: the Kubernetes object ${describeRef(ref)} ${foreign}`, frozenKey(input));
      const version = current?.metadata?.resourceVersion;
      const conflict = preconditionConflict(input, options, version);
      if (conflict) throw conflict;
      const body = options?.ownedByMesh ? await this.ownedByMesh(desiredObject(location, ref, input, current), input) : desiredObject(location, ref, input, current);
      try {
        const answer = current
          ? await this.send(input, { method: 'PUT', path: itemPath(location, ref), body })
          : await this.send(input, { method: 'POST', path: collectionPath(location, ref.namespace), body });
        await this.ctx.settled(location, ref, answer);
        return this.stored(location, input, answer);
      } catch (err) {
        const raced = err instanceof KubeApiError && (err.status === 409 || (err.status === 404 && current !== undefined));
        if (!raced) throw err;
        if (options?.mustCreate) throw alreadyExists(input);
        if (options?.expectedVersion !== undefined) throw concurrentChange(input, options.expectedVersion);
        if (attempt >= MAX_WRITE_ATTEMPTS) throw concurrentChange(input, version ?? 'none');
      }
    }
  }

  private async tryDelete(key: ResourceKey, options: WriteOptions | undefined): Promise<boolean> {
    const location = this.ctx.location(key.kind);
    const expected = options?.expectedVersion;
    const ref = objectRef(location, key.name);
    for (let attempt = 1; ; attempt++) {
      // An object of that name in another mesh, or a Secret of another type, is not this resource.
      const found = ref && (await this.read(location, ref, key));
      const current = foreignReason(location, key, found) === undefined ? found : undefined;
      const version = current?.metadata?.resourceVersion;
      if (expected !== undefined && expected !== version) throw versionConflict(key, expected, version);
      if (!ref || !current || version === undefined) return false;
      const preconditions = { uid: current.metadata?.uid, resourceVersion: version };
      try {
        await this.send(key, { method: 'DELETE', path: itemPath(location, ref), body: { apiVersion: 'v1', kind: 'DeleteOptions', preconditions } });
        await this.ctx.settled(location, ref, undefined);
        return true;
      } catch (err) {
        if (!(err instanceof KubeApiError) || (err.status !== 409 && err.status !== 404)) throw err;
        if (expected !== undefined) throw concurrentChange(key, expected);
        if (err.status === 404) return false;
        if (attempt >= MAX_WRITE_ATTEMPTS) throw concurrentChange(key, version);
      }
    }
  }

  /**
   * The object with its Mesh as owner, so that Kubernetes' garbage collector deletes it with the
   * Mesh (a cluster-scoped owner of a namespaced object is allowed). Fails when the Mesh is gone.
   */
  private async ownedByMesh(body: KumaObject, input: ResourceInput): Promise<KumaObject> {
    const location = this.ctx.location('Mesh');
    const mesh = await this.read(location, this.refOf(location, { kind: 'Mesh', mesh: input.mesh, name: input.mesh, spec: {} } as ResourceInput), input);
    const uid = mesh?.metadata?.uid;
    if (uid === undefined) throw new ConflictError(`resource ${describeKey(input)}: its Mesh ${input.mesh} does not exist`, frozenKey(input));
    const owner = { apiVersion: 'kuma.io/v1alpha1', kind: 'Mesh', name: input.mesh, uid };
    return { ...body, metadata: { ...body.metadata, ownerReferences: [owner] } } as KumaObject;
  }

  private refOf(location: KindLocation, input: ResourceInput): ObjectRef {
    const ref = objectRef(location, input.name);
    if (ref) return ref;
    throw new Error(`write ${describeKey(input)}: on Kubernetes a ${input.kind} name is "<name>.<namespace>"`);
  }

  private async read(location: KindLocation, ref: ObjectRef, key: ResourceKey): Promise<KumaObject | undefined> {
    try {
      return await this.send(key, { method: 'GET', path: itemPath(location, ref) });
    } catch (err) {
      if (err instanceof KubeApiError && err.status === 404) return undefined;
      throw err;
    }
  }

  private stored(location: KindLocation, input: ResourceInput, answer: KumaObject): StoredResource {
    const converted = toStoredResource(location, answer);
    if (converted.ok) return converted.value;
    const detail = converted.violations.map((v) => `${v.field}: ${v.message}`).join('; ');
    throw new Error(`write ${describeKey(input)}: the API server stored an object Portico cannot read (${detail})`);
  }

  private async send(key: ResourceKey, request: Parameters<typeof kubeRequest>[1]): Promise<KumaObject> {
    try {
      return await kubeRequest<KumaObject>(this.ctx.kubeConfig, { ...request, timeoutMs: this.ctx.requestTimeoutMs });
    } catch (err) {
      if (err instanceof KubeApiError && err.unavailable) {
        throw new StoreUnavailableError(`${request.method ?? 'GET'} ${describeKey(key)}: Kubernetes API unavailable`, { cause: err });
      }
      throw err;
    }
  }
}

// Why an existing object of the resource's name is not that resource, or undefined when it is. One
// Kubernetes object holds a name for every mesh, and the system namespace holds Secrets that are
// not Kuma's: a write must never take either over, nor a delete remove it.
function foreignReason(location: KindLocation, key: ResourceKey, current: KumaObject | undefined): string | undefined {
  if (!current) return undefined;
  if (location.secretType !== undefined && current.type !== location.secretType) {
    return `has type ${JSON.stringify(current.type ?? '')}, not ${JSON.stringify(location.secretType)}`;
  }
  const mesh = meshOf(location, current);
  return mesh === key.mesh ? undefined : `belongs to mesh ${JSON.stringify(mesh)}`;
}

function describeRef(ref: ObjectRef): string {
  return ref.namespace === undefined ? ref.name : `${ref.namespace}/${ref.name}`;
}

// Store errors pass through; any other answer of the API server (403, 422, ...) gets the context.
async function withContext<T>(key: ResourceKey, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (err) {
    if (!(err instanceof KubeApiError)) throw err;
    throw new Error(`write ${describeKey(key)} to the Kubernetes API`, { cause: err });
  }
}

function concurrentChange(key: ResourceKey, expected: string): ConflictError {
  return new ConflictError(`resource ${describeKey(key)}: version conflict (expected ${expected}, changed concurrently)`, frozenKey(key));
}
