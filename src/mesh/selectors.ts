// Tag selectors as docs/gateway.md and docs/mesh-mtls.md use them: subset tests with `*` (docs/gateway.md §2.2, §2.5) and selector ranks.
import type { Selector, Tags } from '../api/tags.js';

/** Rank of a matching selector: exact-valued tags and `*`-valued tags (docs/gateway.md §2.2). */
export interface SelectorRank {
  readonly exact: number;
  readonly wildcard: number;
}

/** True when every selector tag is in `tags` with the same value, `*` accepting any value. */
export function selectorMatches(match: Tags, tags: Tags): boolean {
  for (const key in match) {
    const value = match[key];
    const actual = tags[key];
    if (actual === undefined || (value !== '*' && value !== actual)) return false;
  }
  return true;
}

/** True when any of the selectors matches `tags`. */
export function anySelectorMatches(selectors: readonly Selector[], tags: Tags): boolean {
  // A loop, not `some` with a closure: binding asks this of every route for every listener.
  for (const s of selectors) if (selectorMatches(s.match, tags)) return true;
  return false;
}

/** The rank of a selector, from its own values (the matched tags play no part). */
export function selectorRank(match: Tags): SelectorRank {
  let wildcard = 0;
  const values = Object.values(match);
  for (const v of values) if (v === '*') wildcard++;
  return { exact: values.length - wildcard, wildcard };
}

/** Positive when `a` ranks higher: more tags in total first, then more exact tags. */
export function compareRanks(a: SelectorRank, b: SelectorRank): number {
  const total = a.exact + a.wildcard - (b.exact + b.wildcard);
  return total !== 0 ? total : a.exact - b.exact;
}
