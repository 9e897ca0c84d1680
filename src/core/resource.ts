import type { ResourceKindName, SpecByKind } from '../api/resource-kinds.js';

/** Resource kinds Portico stores (derived from the descriptor list in src/api/resource-kinds.ts). */
export type Kind = ResourceKindName;

/** Spec type of each kind. */
export type SpecOf = SpecByKind;

/** Identity of a stored resource. For a global kind (Mesh, GlobalSecret), `mesh` equals `name`. */
export interface ResourceKey {
  readonly kind: Kind;
  readonly mesh: string;
  readonly name: string;
}

/** What a caller asks the store to write. `spec` is already validated and normalised. */
export interface ResourceInput<K extends Kind = Kind> extends ResourceKey {
  readonly kind: K;
  readonly spec: SpecOf[K];
  readonly labels?: Readonly<Record<string, string>>;
}

/** A resource as stored: immutable; `version` changes on every successful write. */
export interface StoredResource<K extends Kind = Kind> extends ResourceInput<K> {
  /** Opaque optimistic-concurrency token ("1", "2", ...). */
  readonly version: string;
  /** RFC 3339 with milliseconds, set on create and kept on update. */
  readonly creationTime: string;
  /** RFC 3339 with milliseconds, set on every write. */
  readonly modificationTime: string;
}
