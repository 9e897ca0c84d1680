// Route ordering (gateway.md §2.8): most specific first with a stable sort over generation
// order [D10], because Envoy takes the first route that matches.
import { compareBytes, utf8Length } from '../core/byte-order.js';
import type { Entry } from './route-entries.js';

/** An entry with its path length in bytes, computed once per sort. */
interface Keyed {
  readonly entry: Entry;
  readonly length: number;
}

/** Negative when a sorts first; 0 when criteria cannot separate them (generation order decides). */
function compareKeyed(a: Keyed, b: Keyed): number {
  const ka = a.entry.path.kind;
  const kb = b.entry.path.kind;
  // 1. Exact paths first, longer first; 2. then prefixes, longer first.
  for (const kind of ['exact', 'prefix'] as const) {
    if ((ka === kind) !== (kb === kind)) return ka === kind ? -1 : 1;
    if (ka === kind && a.length !== b.length) return b.length - a.length;
  }
  // 3. Both are regexes here (every entry has a path): longer first; equal lengths are equivalent
  //    and no further criterion is consulted.
  if (ka === 'regex' && kb === 'regex') return b.length - a.length;
  // 4. A method condition first.
  if ((a.entry.method === undefined) !== (b.entry.method === undefined)) return a.entry.method !== undefined ? -1 : 1;
  // 5. More header conditions (method excluded) first; 6. more query conditions first.
  if (a.entry.headers.length !== b.entry.headers.length) return b.entry.headers.length - a.entry.headers.length;
  if (a.entry.queryParameters.length !== b.entry.queryParameters.length) {
    return b.entry.queryParameters.length - a.entry.queryParameters.length;
  }
  // 7. The smaller path string in byte order first.
  return compareBytes(a.entry.path.value, b.entry.path.value);
}

/** The entries most specific first; ties keep their input (generation) order. */
export function sortEntries(entries: readonly Entry[]): Entry[] {
  return entries
    .map((entry) => ({ entry, length: utf8Length(entry.path.value) }))
    .sort(compareKeyed)
    .map((k) => k.entry);
}
