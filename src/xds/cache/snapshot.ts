// Immutable per-config-identity snapshots (docs/xds-server.md §14 rules 1-4). Callers encode each
// resource once (deterministically); the snapshot hashes the bytes into versions and pre-builds
// the `Any` wrapper, so every stream assembles responses from the same objects and bytes. One
// Snapshot object may be set for many proxies (replicas of a gateway share it).
import { EMPTY_TYPE_VERSION, resourceVersion, typeVersion } from './version.js';
import { TypeUrl } from './resource-types.js';

/** An encoded resource as handed in by the caller. */
export interface EncodedResource {
  readonly name: string;
  /** Deterministic protobuf encoding of the resource; must never be mutated afterwards. */
  readonly bytes: Uint8Array;
}

/** Input of `buildSnapshot`: encoded resources per type URL. */
export type SnapshotInput = { readonly [typeUrl: string]: ReadonlyArray<EncodedResource> };

/** `google.protobuf.Any` as put on the wire; shared by every response that carries the resource. */
export interface AnyMessage {
  readonly type_url: string;
  readonly value: Uint8Array;
}

/** One resource of a snapshot with its content version. */
export interface SnapshotResource {
  readonly typeUrl: string;
  readonly name: string;
  readonly version: string;
  readonly bytes: Uint8Array;
  readonly any: AnyMessage;
}

/** All resources of one type in a snapshot. */
export interface SnapshotType {
  readonly typeUrl: string;
  /** Hash over the sorted (name, version) pairs, or `EMPTY_TYPE_VERSION`. */
  readonly version: string;
  /** Resources by name, iterated in name order (responses are sorted). */
  readonly resources: ReadonlyMap<string, SnapshotResource>;
  /** Sum of encoded sizes, for the size budget. */
  readonly totalBytes: number;
  /** Names given more than once in the input (the first occurrence is kept); a consistency problem. */
  readonly duplicateNames: readonly string[];
}

/** An immutable set of resources for one config identity. Streams never mutate it. */
export interface Snapshot {
  /** Hash over all type versions; debug only (delta `system_version_info` uses the type version). */
  readonly version: string;
  readonly types: ReadonlyMap<string, SnapshotType>;
}

const NO_RESOURCES: ReadonlyMap<string, SnapshotResource> = new Map();

/** The given type of a snapshot; an empty type (version `EMPTY_TYPE_VERSION`) when absent. */
export function snapshotType(snapshot: Snapshot, typeUrl: string): SnapshotType {
  return snapshot.types.get(typeUrl) ?? emptyType(typeUrl);
}

function emptyType(typeUrl: string): SnapshotType {
  return Object.freeze({ typeUrl, version: EMPTY_TYPE_VERSION, resources: NO_RESOURCES, totalBytes: 0, duplicateNames: [] });
}

/** An encoded resource whose version may already be known (the encoder's cache computed it). */
export interface VersionedResource extends EncodedResource {
  /** `resourceVersion(bytes)`; recomputed when absent or when a mix-in applies. */
  readonly version?: string;
}

/**
 * Builds a snapshot from encoded resources. CDS is hashed first because EDS versions mix in the
 * CDS type version (docs/xds-server.md §9). Types absent from the input are empty.
 */
export function buildSnapshot(input: SnapshotInput): Snapshot {
  const types = new Map<string, SnapshotType>();
  const clusters = buildSnapshotType(TypeUrl.Cluster, input[TypeUrl.Cluster] ?? []);
  types.set(TypeUrl.Cluster, clusters);
  for (const typeUrl of Object.keys(input).sort()) {
    if (typeUrl === TypeUrl.Cluster) continue;
    const mixIn = typeUrl === TypeUrl.ClusterLoadAssignment ? clusters.version : undefined;
    types.set(typeUrl, buildSnapshotType(typeUrl, input[typeUrl] ?? [], mixIn));
  }
  return composeSnapshot(types);
}

/**
 * A snapshot made of already built types. Types are immutable, so snapshots of replicas that
 * differ in one type (their listeners) share every other type object. The caller keeps the EDS
 * rule: the EDS type must have been built with the CDS type version as mix-in.
 */
export function composeSnapshot(types: ReadonlyMap<string, SnapshotType>): Snapshot {
  // CDS first, then by type URL: the order buildSnapshot always had, which dumps show.
  const rank = (typeUrl: string): string => (typeUrl === TypeUrl.Cluster ? '' : typeUrl);
  const sorted = new Map([...types].sort(([a], [b]) => (rank(a) < rank(b) ? -1 : rank(a) > rank(b) ? 1 : 0)));
  const version = typeVersion([...sorted.values()].map((t) => ({ name: t.typeUrl, version: t.version })));
  return Object.freeze({ version, types: sorted });
}

/** All resources of one type, sorted by name, versions hashed (with `mixIn` for EDS, docs/xds-server.md §9). */
export function buildSnapshotType(typeUrl: string, resources: ReadonlyArray<VersionedResource>, mixIn?: string): SnapshotType {
  const byName = new Map<string, SnapshotResource>();
  const duplicates = new Set<string>();
  let totalBytes = 0;
  for (const { name, bytes, version } of resources) {
    if (byName.has(name)) {
      duplicates.add(name);
      continue;
    }
    const any = Object.freeze({ type_url: typeUrl, value: bytes });
    const resolved = mixIn === undefined && version !== undefined ? version : resourceVersion(bytes, mixIn);
    byName.set(name, Object.freeze({ typeUrl, name, version: resolved, bytes, any }));
    totalBytes += bytes.byteLength;
  }
  const sorted = new Map([...byName.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return Object.freeze({
    typeUrl,
    version: typeVersion(sorted.values()),
    resources: sorted,
    totalBytes,
    duplicateNames: Object.freeze([...duplicates].sort()),
  });
}
