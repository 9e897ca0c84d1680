// Host name comparisons of docs/gateway.md §2.6 and §2.7: wildcard matching on label boundaries and
// the two orders (filter chains by exactness, virtual hosts by descending bytes).
import { compareBytes } from '../core/byte-order.js';

/** True for `*` and for names whose leftmost label is `*` (`*.example.com`). */
export function isWildcard(name: string): boolean {
  return name === '*' || name.startsWith('*.');
}

/**
 * docs/gateway.md §2.7 step 1: equal names match, and a wildcard `*.D` matches a name whose trailing labels equal
 * D's labels, in either direction (`*.com` matches `*.example.com`; `*.example.com` matches
 * neither `example.com` nor `foo.examples.com`). `*` alone is a wildcard with no further labels,
 * so it matches every name.
 */
export function hostnamesMatch(a: string, b: string): boolean {
  if (a === b || a === '*' || b === '*') return true;
  return wildcardCovers(a, b) || wildcardCovers(b, a);
}

/** `*.D` covers a name ending in `.D` (which includes `*.D` itself and deeper wildcards). */
function wildcardCovers(wildcard: string, name: string): boolean {
  return wildcard.startsWith('*.') && name.endsWith(wildcard.slice(1));
}

/** Number of dot-separated labels; `*` alone counts one. */
function labelCount(name: string): number {
  let n = 1;
  for (let i = 0; i < name.length; i++) if (name.charCodeAt(i) === 0x2e) n++;
  return n;
}

/**
 * Group (filter chain) order, docs/gateway.md §2.6: non-wildcards first; among wildcards more labels first (`*`
 * last); otherwise ascending byte order.
 */
export function compareGroupOrder(a: string, b: string): number {
  const wa = isWildcard(a);
  const wb = isWildcard(b);
  if (wa !== wb) return wa ? 1 : -1;
  if (wa) {
    const byLabels = labelCount(b) - labelCount(a);
    if (byLabels !== 0) return byLabels;
  }
  return compareBytes(a, b);
}

/** Virtual host order, docs/gateway.md §2.6: descending byte order, so exact names precede wildcards and `*` is last. */
export function compareVirtualHostOrder(a: string, b: string): number {
  return compareBytes(b, a);
}
