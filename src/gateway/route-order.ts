// Route ordering (docs/gateway.md §2.8): most specific first with a stable sort over generation
// order [D10], because Envoy takes the first route that matches.
import { compareBytes, utf8Length } from '../core/byte-order.js';
import type { Entry } from './route-entries.js';

/** Path kinds in the order of criteria 1-3: exact paths, then prefixes, then regexes. */
const KIND_RANK = { exact: 0, prefix: 1, regex: 2 } as const;

/**
 * An entry with every sort criterion computed once: a host's sort compares each entry about
 * log2(n) times, so reading them through the entry (and measuring UTF-8 lengths) per comparison
 * would dominate the sort.
 */
interface Keyed {
  readonly entry: Entry;
  readonly kind: number;
  readonly path: string;
  /** Path length in UTF-8 bytes. */
  readonly length: number;
  /** The path is ASCII (as long in bytes as in code units): then code unit order is byte order. */
  readonly ascii: boolean;
  /** 1 with a method condition, else 0. */
  readonly method: number;
  readonly headers: number;
  readonly query: number;
}

function keyed(entry: Entry): Keyed {
  const path = entry.path.value;
  const length = utf8Length(path);
  return {
    entry,
    kind: KIND_RANK[entry.path.kind],
    path,
    length,
    ascii: length === path.length,
    method: entry.method === undefined ? 0 : 1,
    headers: entry.headers.length,
    query: entry.queryParameters.length,
  };
}

/** Negative when a sorts first; 0 when criteria cannot separate them (generation order decides). */
function compareKeyed(a: Keyed, b: Keyed): number {
  // 1. Exact paths first, 2. then prefixes, 3. then regexes; within each kind longer first.
  if (a.kind !== b.kind) return a.kind - b.kind;
  if (a.length !== b.length) return b.length - a.length;
  // Regexes of equal length are equivalent: no further criterion is consulted.
  if (a.kind === KIND_RANK.regex) return 0;
  // 4. A method condition first.
  if (a.method !== b.method) return b.method - a.method;
  // 5. More header conditions (method excluded) first; 6. more query conditions first.
  if (a.headers !== b.headers) return b.headers - a.headers;
  if (a.query !== b.query) return b.query - a.query;
  // 7. The smaller path string in byte order first. Most comparisons of a large host end here, and
  //    for ASCII paths the engine's own string comparison gives the same order much faster.
  if (a.ascii && b.ascii) return a.path < b.path ? -1 : a.path > b.path ? 1 : 0;
  return compareBytes(a.path, b.path);
}

/** The entries most specific first; ties keep their input (generation) order. */
export function sortEntries(entries: readonly Entry[]): Entry[] {
  return entries.map(keyed).sort(compareKeyed).map((k) => k.entry);
}
