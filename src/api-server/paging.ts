// Kuma's list paging: `size` (default 100, at most 1000) and a numeric `offset`; the answer is
// `{total, items, next}` where `next` is the full URL of the following page, or null.
import type { Result, Violation } from '../api/violation.js';

/** Page size when the client gives none (Kuma's default). */
export const DEFAULT_PAGE_SIZE = 100;
/** Largest page a client may ask for (Kuma's limit). */
export const MAX_PAGE_SIZE = 1000;

/** A validated page request. */
export interface Paging {
  readonly size: number;
  readonly offset: number;
}

/** One page of a list answer. */
export interface Page<T> {
  readonly total: number;
  readonly items: readonly T[];
  readonly next: string | null;
}

/** Read `size` and `offset` from the query; every bad value is reported. */
export function parsePaging(query: URLSearchParams): Result<Paging> {
  const violations: Violation[] = [];
  const size = readInt(query, 'size', DEFAULT_PAGE_SIZE, 1, MAX_PAGE_SIZE, violations);
  const offset = readInt(query, 'offset', 0, 0, Number.MAX_SAFE_INTEGER, violations);
  return violations.length > 0 ? { ok: false, violations } : { ok: true, value: { size, offset } };
}

/**
 * The page of `all` selected by `paging`. `url` is the request URL; `next` keeps its other query
 * parameters and changes only offset and size, so a client can follow it blindly.
 */
export function pageOf<T>(all: readonly T[], paging: Paging, url: URL): Page<T> {
  const end = paging.offset + paging.size;
  const items = all.slice(paging.offset, end);
  if (end >= all.length) return { total: all.length, items, next: null };
  const next = new URL(url.href);
  next.searchParams.set('offset', String(end));
  next.searchParams.set('size', String(paging.size));
  return { total: all.length, items, next: next.href };
}

/** An integer query parameter within [min, max], or the default when absent. */
function readInt(
  query: URLSearchParams,
  name: string,
  fallback: number,
  min: number,
  max: number,
  violations: Violation[],
): number {
  const raw = query.get(name);
  if (raw === null) return fallback;
  const value = /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `at least ${min}` : `in the range [${min}, ${max}]`;
    violations.push({ field: name, message: `must be an integer ${range}` });
    return fallback;
  }
  return value;
}
