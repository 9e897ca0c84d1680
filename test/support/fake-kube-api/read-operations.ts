// get and list, and how objects are presented on the wire. Built-in list items carry no
// apiVersion/kind (the real server strips them because the list names its item kind; clients
// must not rely on item.kind), while custom resource list items, single objects and watch event
// objects always carry both.
import type { Obj } from './json.js';
import { metadataOf, str } from './json.js';
import type { ObjectStore } from './object-store.js';
import type { ResourceType } from './resource-types.js';
import { apiVersionOf } from './resource-types.js';
import { parseFieldSelector, parseLabelSelector } from './selectors.js';
import { badRequest, notFound } from './status-errors.js';

/** An object as sent for GET, create, update and in watch events: apiVersion and kind first. */
export function present(type: ResourceType, obj: Obj): Obj {
  const { apiVersion: _a, kind: _k, ...rest } = obj;
  return { apiVersion: apiVersionOf(type), kind: type.kind, ...rest };
}

function presentListItem(type: ResourceType, obj: Obj): Obj {
  if (type.custom) return present(type, obj);
  const { apiVersion: _a, kind: _k, ...rest } = obj;
  return rest;
}

/** Query parameters of a list or watch. */
export interface ListOptions {
  readonly labelSelector: string | null;
  readonly fieldSelector: string | null;
  readonly limit: string | null;
  readonly continueToken: string | null;
}

/** Reads the list options out of a query string. */
export function listOptionsOf(query: URLSearchParams): ListOptions {
  return { labelSelector: query.get('labelSelector'), fieldSelector: query.get('fieldSelector'), limit: query.get('limit'), continueToken: query.get('continue') };
}

/** GET of one object; 404 NotFound with the real message when absent. */
export function getObject(store: ObjectStore, type: ResourceType, namespace: string, name: string): Obj {
  const found = store.get(type, namespace, name);
  if (!found) throw notFound(type, name);
  return present(type, found);
}

/** A predicate combining the label and field selectors of a request. */
export function selectorOf(type: ResourceType, options: Pick<ListOptions, 'labelSelector' | 'fieldSelector'>): (obj: Obj) => boolean {
  const labels = parseLabelSelector(options.labelSelector);
  const fields = parseFieldSelector(options.fieldSelector, type);
  return (obj) => labels(obj) && fields(obj);
}

const keyOf = (obj: Obj): string => `${str(metadataOf(obj), 'namespace')}/${str(metadataOf(obj), 'name')}`;

// `limit`/`continue` page through the current state, a simplification: the real server pages a
// consistent snapshot at the first page's resourceVersion.
/** LIST: a `<Kind>List` whose resourceVersion is the store's current revision. */
export function listObjects(store: ObjectStore, type: ResourceType, namespace: string | undefined, options: ListOptions): Obj {
  const matches = selectorOf(type, options);
  let selected = store.list(type, namespace).filter(matches);
  if (options.continueToken) {
    let start: string;
    try {
      start = String((JSON.parse(Buffer.from(options.continueToken, 'base64').toString('utf8')) as { start?: unknown }).start ?? '');
    } catch {
      throw badRequest('continue key is not valid: illegal base64 data at input byte 0');
    }
    selected = selected.filter((obj) => keyOf(obj) > start);
  }
  const metadata: Obj = { resourceVersion: String(store.currentRevision()) };
  const limit = Number(options.limit ?? '0');
  if (limit > 0 && selected.length > limit) {
    const page = selected.slice(0, limit);
    const last = page[page.length - 1];
    metadata['continue'] = Buffer.from(JSON.stringify({ rv: store.currentRevision(), start: last ? keyOf(last) : '' })).toString('base64');
    metadata['remainingItemCount'] = selected.length - limit;
    selected = page;
  }
  return { apiVersion: apiVersionOf(type), kind: `${type.kind}List`, metadata, items: selected.map((obj) => presentListItem(type, obj)) };
}
