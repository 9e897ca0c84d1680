// The watcher's own view of one resource collection, and the only place that decides what counts
// as a change. client-node's informer keeps a cache too, but it is rebuilt per watch session (see
// resource-watcher.ts); this one lives as long as the watcher, so a relist is diffed against
// everything ever reported and a repeated observation of the same resourceVersion is silent.
import type { KubernetesObject } from '@kubernetes/client-node';
import { deepFreeze } from '../../core/stored-resource.js';

/** One change of the collection, as reported to watcher listeners. */
export type ObjectChange<T extends KubernetesObject> =
  | { readonly type: 'add'; readonly object: T }
  | { readonly type: 'update'; readonly object: T; readonly previous: T }
  | { readonly type: 'delete'; readonly object: T };

/** Cache key of an object: `namespace/name`, with an empty namespace for cluster-scoped ones. */
export function objectKey(namespace: string | undefined, name: string): string {
  return `${namespace ?? ''}/${name}`;
}

function keyOf(obj: KubernetesObject): string {
  return objectKey(obj.metadata?.namespace, obj.metadata?.name ?? '');
}

/** Objects by `namespace/name`; every object held is deep-frozen, since listeners share it. */
export class ObjectCache<T extends KubernetesObject> {
  private readonly objects = new Map<string, T>();

  /** The object, if present. */
  get(namespace: string | undefined, name: string): T | undefined {
    return this.objects.get(objectKey(namespace, name));
  }

  /** Every object, sorted by namespace then name so callers iterate deterministically. */
  list(): T[] {
    return [...this.objects.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, obj]) => obj);
  }

  /** Number of objects held. */
  get size(): number {
    return this.objects.size;
  }

  /** Record an added or modified object; undefined when its resourceVersion is already known. */
  upsert(obj: T): ObjectChange<T> | undefined {
    const key = keyOf(obj);
    const previous = this.objects.get(key);
    if (previous && sameVersion(previous, obj)) return undefined;
    const object = deepFreeze(obj);
    this.objects.set(key, object);
    return previous ? { type: 'update', object, previous } : { type: 'add', object };
  }

  /** Record a deletion; undefined when the object was not held (already reported deleted). */
  remove(obj: T): ObjectChange<T> | undefined {
    const key = keyOf(obj);
    if (!this.objects.has(key)) return undefined;
    this.objects.delete(key);
    return { type: 'delete', object: deepFreeze(obj) };
  }

  /**
   * Replace the content with a complete, successful list: objects absent from it are deleted,
   * objects with another resourceVersion updated, new ones added, unchanged ones not reported.
   * Only ever called with a whole list; a failed list never reaches here, so an outage can never
   * look like "everything was deleted". Deletions come first, then the list order.
   */
  replaceAll(items: readonly T[]): ObjectChange<T>[] {
    const listed = new Set(items.map(keyOf));
    const changes: ObjectChange<T>[] = [];
    for (const [key, previous] of [...this.objects.entries()]) {
      if (listed.has(key)) continue;
      this.objects.delete(key);
      changes.push({ type: 'delete', object: previous });
    }
    for (const item of items) {
      const change = this.upsert(item);
      if (change) changes.push(change);
    }
    return changes;
  }
}

// resourceVersion is opaque: only equality is meaningful. An object without one (never from a
// real API server) always counts as changed.
function sameVersion(a: KubernetesObject, b: KubernetesObject): boolean {
  const version = a.metadata?.resourceVersion;
  return version !== undefined && version === b.metadata?.resourceVersion;
}
