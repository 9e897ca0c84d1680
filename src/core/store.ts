import type { Kind, ResourceInput, ResourceKey, StoredResource } from './resource.js';

/** Thrown when an optimistic-concurrency precondition fails (REST answers 409). */
export class ConflictError extends Error {
  constructor(
    message: string,
    readonly key: ResourceKey,
  ) {
    super(message);
    this.name = 'ConflictError';
  }
}

/** Thrown when the store cannot serve a request at all (REST answers 503). */
export class StoreUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreUnavailableError';
  }
}

/** Preconditions for one write. */
export interface WriteOptions {
  /** Fail with ConflictError unless the stored version equals this (undefined = no check). */
  readonly expectedVersion?: string;
  /** Fail with ConflictError when the resource already exists. */
  readonly mustCreate?: boolean;
  /**
   * The resource belongs to its Mesh and goes when the Mesh goes (a builtin CA's Secrets). The
   * Kubernetes store records it as an owner reference for the garbage collector; the REST API
   * deletes such resources with their Mesh itself (api-server/resources.ts).
   */
  readonly ownedByMesh?: boolean;
}

/** One operation of an all-or-nothing batch. */
export type WriteOp =
  | { readonly op: 'put'; readonly resource: ResourceInput; readonly options?: WriteOptions }
  | { readonly op: 'delete'; readonly key: ResourceKey; readonly options?: WriteOptions };

/** A committed change, delivered to watchers after the commit is durable. */
export interface ChangeEvent {
  readonly type: 'put' | 'delete';
  readonly key: ResourceKey;
  /** The new resource for `put`; the last stored one for `delete`. */
  readonly resource: StoredResource;
}

/** Filter for list(). */
export interface ListOptions {
  /** Only resources of this mesh (ignored for global kinds). */
  readonly mesh?: string;
}

/**
 * The resource store: one interface for the in-memory, embedded (SQLite) and later Postgres and
 * Kubernetes stores. Contracts:
 * - a write either fully succeeds or stores nothing; commit() is all-or-nothing across ops when
 *   `atomicCommit` is true, and otherwise refuses more than one op (see `atomicCommit`);
 * - a write resolves only once durable (embedded: after the SQLite commit with synchronous=FULL);
 * - list() returns resources sorted by (mesh, name), never a partial result (throws instead);
 * - watchers are called synchronously after each committed write, once per changed resource, in
 *   commit order; a watcher must not throw and must not write to the store re-entrantly.
 */
export interface ResourceStore {
  /**
   * Whether commit() applies several ops all-or-nothing. The Kubernetes store cannot (the API has
   * no multi-object transactions) and refuses a commit of more than one op rather than leave half a
   * batch written; a caller with a batch asks this flag and either commits it or writes it op by op
   * (writeOps below) when a partial batch is acceptable to it.
   */
  readonly atomicCommit: boolean;
  get<K extends Kind>(key: ResourceKey & { kind: K }): Promise<StoredResource<K> | undefined>;
  list<K extends Kind>(kind: K, options?: ListOptions): Promise<StoredResource<K>[]>;
  /** Create or update one resource. Resolves to the stored resource with its new version. */
  put<K extends Kind>(resource: ResourceInput<K>, options?: WriteOptions): Promise<StoredResource<K>>;
  /** Delete one resource; resolves false when it did not exist (and no precondition failed). */
  delete(key: ResourceKey, options?: WriteOptions): Promise<boolean>;
  /** Apply every op or none; resolves to the stored resources of the put ops, in op order. */
  commit(ops: readonly WriteOp[]): Promise<StoredResource[]>;
  /** Subscribe to committed changes; returns the unsubscribe function. */
  watch(listener: (event: ChangeEvent) => void): () => void;
  close(): Promise<void>;
}

/**
 * Write `ops` in order: in one commit when the store is atomic, else one commit per op. Only for
 * callers that can live with a prefix of the batch written when an op fails (idempotent writers
 * that converge on their next run); resolves to the stored resources of the put ops, in op order.
 */
export async function writeOps(store: ResourceStore, ops: readonly WriteOp[]): Promise<StoredResource[]> {
  if (store.atomicCommit || ops.length <= 1) return store.commit(ops);
  const stored: StoredResource[] = [];
  for (const op of ops) stored.push(...(await store.commit([op])));
  return stored;
}
