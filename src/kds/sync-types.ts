// What a sending side offers: per kind, the encoded envelopes of its current copies, in the
// shape the xDS server's delta builder reads (SnapshotType), so both sides of the sync reuse the
// ADS server's subscription, version and NACK rules instead of a second implementation.
import type { SnapshotResource, SnapshotType } from '../xds/cache/snapshot.js';
import { EMPTY_TYPE_VERSION, resourceVersion, typeVersion } from '../xds/cache/version.js';
import type { SyncResource } from '../multizone/sync-resource.js';
import { encodeSyncResource, RESOURCE_TYPE_URL, wireName } from './kds-protocol.js';

/** Everything one side sends right now, by kind. Immutable. */
export type SyncOffer = ReadonlyMap<string, SnapshotType>;

/** One encoded copy; its version is the hash of its envelope (equal content, equal version). */
export function encodedCopy(kind: string, resource: SyncResource): SnapshotResource {
  const bytes = encodeSyncResource(resource);
  return Object.freeze({ typeUrl: kind, name: wireName(resource), version: resourceVersion(bytes), bytes, any: Object.freeze({ type_url: RESOURCE_TYPE_URL, value: bytes }) });
}

/** One kind's copies as a snapshot type, sorted by wire name. */
export function syncType(kind: string, copies: readonly SnapshotResource[]): SnapshotType {
  const sorted = [...copies].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const resources = new Map<string, SnapshotResource>();
  let totalBytes = 0;
  const duplicates: string[] = [];
  for (const copy of sorted) {
    if (resources.has(copy.name)) {
      duplicates.push(copy.name);
      continue;
    }
    resources.set(copy.name, copy);
    totalBytes += copy.bytes.byteLength;
  }
  return Object.freeze({
    typeUrl: kind,
    version: resources.size === 0 ? EMPTY_TYPE_VERSION : typeVersion(resources.values()),
    resources,
    totalBytes,
    duplicateNames: Object.freeze(duplicates),
  });
}

/** An offer of the given kinds (each present, possibly empty) from copies of any kind. */
export function buildOffer(kinds: readonly string[], copies: ReadonlyArray<SnapshotResource>): SyncOffer {
  const byKind = new Map<string, SnapshotResource[]>(kinds.map((k) => [k, []]));
  for (const copy of copies) byKind.get(copy.typeUrl)?.push(copy);
  return new Map([...byKind].map(([kind, list]) => [kind, syncType(kind, list)]));
}
