// Reading a whole paged list of the REST API (`{items, next}`, src/api-server/paging.ts): pages of
// the largest size the API serves, followed by `next` until it is null. Failures come back as data.
import type { ApiClient, ApiFailure } from './api-client.js';

/** Largest page the API serves: one request for any ordinary list. */
const PAGE_SIZE = 1000;

/** Every item of the list at `path`, or the first failed page's failure. */
export async function fetchAllPages(client: ApiClient, path: string, query = ''): Promise<{ readonly ok: true; readonly items: Readonly<Record<string, unknown>>[] } | ApiFailure> {
  const items: Readonly<Record<string, unknown>>[] = [];
  let next: string | null = client.url(`${path}?${query === '' ? '' : `${query}&`}size=${PAGE_SIZE}`);
  while (next !== null) {
    const result = await client.getUrl(next);
    if (!result.ok) return result;
    const page = result.body as { items?: unknown; next?: unknown };
    items.push(...(Array.isArray(page.items) ? (page.items as Readonly<Record<string, unknown>>[]) : []));
    next = typeof page.next === 'string' ? page.next : null;
  }
  return { ok: true, items };
}
