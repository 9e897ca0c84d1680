// Content-hash versions (docs/xds-server.md §14 rule 3). No counters: a restarted control plane with
// unchanged config computes the same versions, so reconnecting proxies are not re-sent anything
// (docs/xds-server.md §13 item 9). Every version is 16 hex characters (64 bits) to keep delta
// `initial_resource_versions` and SotW name lists small (docs/xds-server.md §15).
import { createHash } from 'node:crypto';

/** Version of a type with no resources; distinct from every hash so SotW clients see removals. */
export const EMPTY_TYPE_VERSION = 'empty';

const VERSION_HEX_CHARS = 16;

/**
 * Version of one resource: the first 16 hex chars of SHA-256 over its deterministic encoding.
 * `mixIn` (the CDS type version, for EDS) is hashed in front of the bytes so that any CDS change
 * yields new EDS versions and Envoy's updated clusters finish warming (docs/xds-server.md §9).
 */
export function resourceVersion(bytes: Uint8Array, mixIn?: string): string {
  const hash = createHash('sha256');
  if (mixIn !== undefined) hash.update(`${mixIn}\0`);
  hash.update(bytes);
  return hash.digest('hex').slice(0, VERSION_HEX_CHARS);
}

/**
 * Version of a whole type: a hash over the (name, version) pairs sorted by name; the fixed
 * `EMPTY_TYPE_VERSION` when there are none. Input order does not matter.
 */
export function typeVersion(entries: Iterable<{ readonly name: string; readonly version: string }>): string {
  const pairs = [...entries].map((e) => [e.name, e.version] as const);
  if (pairs.length === 0) return EMPTY_TYPE_VERSION;
  pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const hash = createHash('sha256');
  for (const [name, version] of pairs) hash.update(`${name}\0${version}\n`);
  return hash.digest('hex').slice(0, VERSION_HEX_CHARS);
}

/** Short stable digest of arbitrary strings (response signatures for NACK bookkeeping). */
export function digestStrings(parts: Iterable<string>): string {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(`${part}\n`);
  return hash.digest('hex').slice(0, VERSION_HEX_CHARS);
}
