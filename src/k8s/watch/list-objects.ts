// The list half of list+watch: one complete, consistent list of a collection, or an error. Never
// a partial result: pages are followed to the end, and any failure on the way fails the whole
// list, which the watcher then retries while it keeps serving what it had (docs/robustness.md §3.5).
import type { KubeConfig, KubernetesListObject, KubernetesObject } from '@kubernetes/client-node';
import { KubeApiError, kubeRequest } from './kube-request.js';

/** Page size of a list; the API server answers with `continue` tokens for larger collections. */
export const LIST_PAGE_SIZE = 500;

/** Selectors of a list or watch, in the API server's query syntax. */
export interface Selectors {
  readonly labelSelector?: string;
  readonly fieldSelector?: string;
}

/**
 * Every object of the collection at `path`, with `kind` and `apiVersion` filled in on each item:
 * the API server omits them from list items of built-in kinds, while watch events carry them.
 */
export async function listObjects<T extends KubernetesObject>(
  kubeConfig: KubeConfig,
  path: string,
  selectors: Selectors,
): Promise<KubernetesListObject<T>> {
  const items: T[] = [];
  let page: KubernetesListObject<T> | undefined;
  let continueToken: string | undefined;
  do {
    const query = { ...selectors, limit: String(LIST_PAGE_SIZE), continue: continueToken };
    const current = checkedPage<T>(await kubeRequest<unknown>(kubeConfig, { path, query }), path);
    items.push(...current.items.map((item) => withTypeMeta(item, current)));
    page = current;
    // Raw JSON, so the field is `continue` (the generated V1ListMeta model calls it `_continue`).
    continueToken = (page.metadata as { continue?: string } | undefined)?.continue || undefined;
  } while (continueToken);
  return { apiVersion: page.apiVersion, kind: page.kind, metadata: { resourceVersion: page.metadata?.resourceVersion }, items };
}

// A 200 answer without an item array is not an empty collection: refuse it.
function checkedPage<T extends KubernetesObject>(answer: unknown, path: string): KubernetesListObject<T> {
  const page = answer as KubernetesListObject<T> | undefined;
  if (!page || typeof page !== 'object' || !Array.isArray(page.items)) {
    throw new KubeApiError(`GET ${path}: the list answer has no items array`, 0, undefined);
  }
  if (!page.metadata?.resourceVersion) {
    throw new KubeApiError(`GET ${path}: the list answer has no resourceVersion to watch from`, 0, undefined);
  }
  return page;
}

function withTypeMeta<T extends KubernetesObject>(item: T, list: KubernetesListObject<T>): T {
  if (item.kind !== undefined && item.apiVersion !== undefined) return item;
  const kind = list.kind?.endsWith('List') ? list.kind.slice(0, -'List'.length) : list.kind;
  return { ...item, kind: item.kind ?? kind, apiVersion: item.apiVersion ?? list.apiVersion };
}
