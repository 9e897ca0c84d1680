// The pieces every store shares, so the in-memory, SQLite and later Postgres stores agree byte
// for byte on encoding, ordering, immutability and the wording of conflicts.
import { compareBytes } from './byte-order.js';
import type { ResourceInput, ResourceKey, StoredResource } from './resource.js';
import { isGlobalKind } from '../api/resource-kinds.js';
import { ConflictError, type WriteOp, type WriteOptions } from './store.js';

/** A resource input encoded the way it is persisted: spec and labels as JSON text. */
export interface EncodedResource {
  readonly key: ResourceKey;
  readonly spec: string;
  /** null when the input carried no labels, so they stay absent on read. */
  readonly labels: string | null;
}

/** Stored fields of one resource, already decoded from their persisted form. */
export interface StoredFields {
  readonly spec: unknown;
  readonly labels: Readonly<Record<string, string>> | undefined;
  readonly version: string;
  readonly creationTime: string;
  readonly modificationTime: string;
}

/** How errors and logs name a resource: `MeshGateway default/edge`, or `Mesh default`. */
export function describeKey(key: ResourceKey): string {
  return isGlobalKind(key.kind) ? `${key.kind} ${key.name}` : `${key.kind} ${key.mesh}/${key.name}`;
}

/** A map key unique per (kind, mesh, name); NUL cannot occur in a validated name. */
export function keyId(key: ResourceKey): string {
  return `${key.kind}\u0000${key.mesh}\u0000${key.name}`;
}

/** A frozen copy holding only the identity fields (a StoredResource is also a key, but a fat one). */
export function frozenKey(key: ResourceKey): ResourceKey {
  return Object.freeze({ kind: key.kind, mesh: key.mesh, name: key.name });
}

/** The key an op writes. */
export function keyOfOp(op: WriteOp): ResourceKey {
  return op.op === 'put' ? op.resource : op.key;
}

/**
 * Reject keys that break the store's identity rules. A global kind (Mesh, GlobalSecret) is stored under
 * mesh = name (see ResourceKey); anything else would make the same resource addressable twice. This is a programming
 * error of the caller, not a user mistake (validators run before the store), so it throws.
 */
export function assertValidKey(key: ResourceKey): void {
  if (isGlobalKind(key.kind) && key.mesh !== key.name) {
    throw new Error(`resource ${key.kind} ${key.name}: a ${key.kind} is stored with mesh equal to name (got mesh "${key.mesh}")`);
  }
}

/** The error for a write whose expectedVersion does not match (stored undefined = not found). */
export function versionConflict(key: ResourceKey, expected: string, stored: string | undefined): ConflictError {
  const found = stored === undefined ? 'not found' : `stored ${stored}`;
  return new ConflictError(`resource ${describeKey(key)}: version conflict (expected ${expected}, ${found})`, frozenKey(key));
}

/** The error for a mustCreate write on a resource that already exists. */
export function alreadyExists(key: ResourceKey): ConflictError {
  return new ConflictError(`resource ${describeKey(key)}: already exists`, frozenKey(key));
}

/**
 * The conflict a precondition raises against the stored version, or undefined when it holds.
 * Every store decides conflicts with this one function, so they can never disagree.
 */
export function preconditionConflict(
  key: ResourceKey,
  options: WriteOptions | undefined,
  stored: string | undefined,
): ConflictError | undefined {
  if (options?.mustCreate && stored !== undefined) return alreadyExists(key);
  const expected = options?.expectedVersion;
  if (expected !== undefined && expected !== stored) return versionConflict(key, expected, stored);
  return undefined;
}

/** Encode a write once, before any transaction starts, so a bad value fails without touching storage. */
export function encodeResource(input: ResourceInput): EncodedResource {
  return {
    key: { kind: input.kind, mesh: input.mesh, name: input.name },
    spec: JSON.stringify(input.spec),
    labels: input.labels === undefined ? null : JSON.stringify(input.labels),
  };
}

/**
 * Build the frozen StoredResource every store hands out. Frozen (deeply) because one object is
 * shared between the store, every reader and every watcher: nobody may mutate it.
 */
export function buildStored(key: ResourceKey, fields: StoredFields): StoredResource {
  const resource: Record<string, unknown> = { kind: key.kind, mesh: key.mesh, name: key.name };
  if (fields.labels !== undefined) resource.labels = fields.labels;
  resource.spec = fields.spec;
  resource.version = fields.version;
  resource.creationTime = fields.creationTime;
  resource.modificationTime = fields.modificationTime;
  return deepFreeze(resource) as unknown as StoredResource;
}

/** Decode persisted JSON text (spec or labels) into a fresh value. */
export function decodeJson<T>(text: string): T {
  return JSON.parse(text) as T;
}

/** Freeze a JSON value and everything inside it. */
export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}

/**
 * Order by (mesh, name) in Unicode code-point order. That is the order of SQLite's BINARY
 * collation over UTF-8 (and of Postgres with COLLATE "C"), so every store lists identically.
 */
export function compareByMeshName(a: ResourceKey, b: ResourceKey): number {
  return compareBytes(a.mesh, b.mesh) || compareBytes(a.name, b.name);
}

/** A write op after validation and encoding, ready for a persistent store's transaction. */
export type EncodedOp =
  | { readonly op: 'put'; readonly resource: EncodedResource; readonly options: WriteOptions | undefined }
  | { readonly op: 'delete'; readonly key: ResourceKey; readonly expectedVersion: string | undefined };

/** Validates and encodes one op; throws on an invalid key before any store is touched. */
export function encodeOp(op: WriteOp): EncodedOp {
  if (op.op === 'put') {
    assertValidKey(op.resource);
    return { op: 'put', resource: encodeResource(op.resource), options: op.options };
  }
  assertValidKey(op.key);
  // mustCreate means nothing for a delete; only expectedVersion is checked.
  const key = { kind: op.key.kind, mesh: op.key.mesh, name: op.key.name };
  return { op: 'delete', key, expectedVersion: op.options?.expectedVersion };
}
