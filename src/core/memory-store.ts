// The in-memory store: tests and `--store memory`. It keeps exactly the semantics of the SQLite
// store (same encoding through JSON, same versions, conflicts, ordering and event rules), because
// tests that pass against it must mean something for the persistent stores.
import { pino, type Logger } from 'pino';
import type { Kind, ResourceInput, ResourceKey, StoredResource } from './resource.js';
import { isGlobalKind } from '../api/resource-kinds.js';
import { ChangeFanOut } from './store-events.js';
import {
  assertValidKey,
  buildStored,
  compareByMeshName,
  decodeJson,
  encodeResource,
  frozenKey,
  keyId,
  keyOfOp,
  preconditionConflict,
} from './stored-resource.js';
import {
  StoreUnavailableError,
  type ChangeEvent,
  type ListOptions,
  type ResourceStore,
  type WriteOp,
  type WriteOptions,
} from './store.js';

/** Options of the in-memory store. */
export interface MemoryStoreOptions {
  /** Parent logger; the store logs under `module: store`. */
  readonly logger?: Logger;
  /** Source of creation and modification times (tests pin it). */
  readonly clock?: () => Date;
}

// Pending changes of one commit: a resource, or null for a deletion. Applied to the live map only
// once every op passed, which is what makes commit() all-or-nothing.
type Staged = Map<string, StoredResource | null>;

interface Applied {
  readonly stored: StoredResource[];
  readonly events: ChangeEvent[];
}

/** A ResourceStore held in process memory; nothing survives the process. Loaded on construction. */
export class MemoryStore implements ResourceStore {
  /** Every commit is one transaction. */
  readonly atomicCommit: boolean = true;
  private readonly rows = new Map<string, StoredResource>();
  private readonly fanOut: ChangeFanOut;
  private readonly clock: () => Date;
  private closed = false;

  constructor(options: MemoryStoreOptions = {}) {
    const logger = (options.logger ?? pino()).child({ module: 'store' });
    this.fanOut = new ChangeFanOut(logger);
    this.clock = options.clock ?? (() => new Date());
  }

  /** Resolves once the store has loaded its data; an in-memory store is loaded from the start. */
  async ready(): Promise<void> {
    this.assertOpen();
  }

  /** Look one resource up. */
  async get<K extends Kind>(key: ResourceKey & { kind: K }): Promise<StoredResource<K> | undefined> {
    this.assertOpen();
    return this.rows.get(keyId(key)) as StoredResource<K> | undefined;
  }

  /** All resources of a kind, sorted by (mesh, name). */
  async list<K extends Kind>(kind: K, options?: ListOptions): Promise<StoredResource<K>[]> {
    this.assertOpen();
    const mesh = isGlobalKind(kind) ? undefined : options?.mesh;
    const found: StoredResource[] = [];
    for (const row of this.rows.values()) {
      if (row.kind === kind && (mesh === undefined || row.mesh === mesh)) found.push(row);
    }
    return found.sort(compareByMeshName) as StoredResource<K>[];
  }

  /** Create or update one resource. */
  async put<K extends Kind>(resource: ResourceInput<K>, options?: WriteOptions): Promise<StoredResource<K>> {
    const [stored] = this.write([{ op: 'put', resource, ...(options ? { options } : {}) }]).stored;
    return stored as StoredResource<K>;
  }

  /** Delete one resource; false when it did not exist. */
  async delete(key: ResourceKey, options?: WriteOptions): Promise<boolean> {
    return this.write([{ op: 'delete', key, ...(options ? { options } : {}) }]).events.length > 0;
  }

  /** Apply every op or none. */
  async commit(ops: readonly WriteOp[]): Promise<StoredResource[]> {
    return this.write(ops).stored;
  }

  /** Subscribe to committed changes. */
  watch(listener: (event: ChangeEvent) => void): () => void {
    return this.fanOut.watch(listener);
  }

  /** Close the store; later calls fail with StoreUnavailableError. Idempotent. */
  async close(): Promise<void> {
    this.closed = true;
  }

  private write(ops: readonly WriteOp[]): Applied {
    this.assertWritable();
    for (const op of ops) assertValidKey(keyOfOp(op));
    const staged: Staged = new Map();
    const applied = this.stage(ops, staged, this.clock().toISOString());
    for (const [id, row] of staged) {
      if (row) this.rows.set(id, row);
      else this.rows.delete(id);
    }
    this.fanOut.emit(applied.events);
    return applied;
  }

  private stage(ops: readonly WriteOp[], staged: Staged, now: string): Applied {
    const applied: Applied = { stored: [], events: [] };
    for (const op of ops) {
      if (op.op === 'put') {
        const stored = this.stagePut(op.resource, op.options, staged, now);
        applied.stored.push(stored);
        applied.events.push({ type: 'put', key: frozenKey(stored), resource: stored });
      } else {
        const previous = this.stageDelete(op.key, op.options, staged);
        if (previous) applied.events.push({ type: 'delete', key: frozenKey(previous), resource: previous });
      }
    }
    return applied;
  }

  private stagePut(input: ResourceInput, options: WriteOptions | undefined, staged: Staged, now: string): StoredResource {
    const encoded = encodeResource(input);
    const current = this.current(encoded.key, staged);
    const conflict = preconditionConflict(encoded.key, options, current?.version);
    if (conflict) throw conflict;
    // Round-trip through JSON like the persistent stores do: the caller keeps its input object
    // and the stored copy looks exactly like what SQLite would return.
    const stored = buildStored(encoded.key, {
      spec: decodeJson(encoded.spec),
      labels: encoded.labels === null ? undefined : decodeJson(encoded.labels),
      version: current ? String(Number(current.version) + 1) : '1',
      creationTime: current?.creationTime ?? now,
      modificationTime: now,
    });
    staged.set(keyId(encoded.key), stored);
    return stored;
  }

  private stageDelete(key: ResourceKey, options: WriteOptions | undefined, staged: Staged): StoredResource | undefined {
    const current = this.current(key, staged);
    // mustCreate means nothing for a delete; only expectedVersion is checked.
    const expectedVersion = options?.expectedVersion;
    const conflict = preconditionConflict(key, expectedVersion === undefined ? undefined : { expectedVersion }, current?.version);
    if (conflict) throw conflict;
    if (current) staged.set(keyId(key), null);
    return current;
  }

  private current(key: ResourceKey, staged: Staged): StoredResource | undefined {
    const id = keyId(key);
    const pending = staged.get(id);
    if (pending !== undefined) return pending ?? undefined;
    return this.rows.get(id);
  }

  private assertOpen(): void {
    if (this.closed) throw new StoreUnavailableError('memory store is closed');
  }

  private assertWritable(): void {
    this.assertOpen();
    if (this.fanOut.isEmitting) throw new Error('store write from inside a watcher: watchers must not write to the store');
  }
}
