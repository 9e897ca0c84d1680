// The fake's "etcd": objects by type/namespace/name, one global revision counter that every
// write bumps (so resourceVersions are comparable across types, as etcd revisions are), and a
// bounded window of past events that watches replay from. The store commits what it is given;
// defaulting, validation and concurrency checks happen in the handlers before a write.
import type { Obj } from './json.js';
import { clone, metadataOf, str } from './json.js';
import type { ResourceType } from './resource-types.js';

/** The watch event types of stored objects (BOOKMARK and ERROR are made by the watch stream). */
export type EventType = 'ADDED' | 'MODIFIED' | 'DELETED';

/** One committed change; `previous` lets selector-filtered watches detect objects leaving the selection. */
export interface StoreEvent {
  readonly type: EventType;
  readonly revision: number;
  readonly resource: ResourceType;
  readonly object: Obj;
  readonly previous?: Obj;
}

/** A stored object with its type. */
export interface StoredObject {
  readonly type: ResourceType;
  readonly object: Obj;
}

const typeKey = (type: ResourceType): string => `${type.group}/${type.plural}`;
const objectKey = (type: ResourceType, namespace: string, name: string): string => `${typeKey(type)}/${namespace}/${name}`;

/** In-memory objects, revision counter and event window. */
export class ObjectStore {
  private revision = 0;
  private compacted = 0;
  private readonly objects = new Map<string, StoredObject>();
  private readonly history: StoreEvent[] = [];
  private readonly subscribers = new Set<(event: StoreEvent) => void>();

  constructor(private readonly historyLimit: number) {}

  /** The current revision: what a list reports as its resourceVersion. */
  currentRevision(): number {
    return this.revision;
  }

  /** The oldest revision a watch may still start from. */
  oldestWatchable(): number {
    return this.compacted;
  }

  /** A copy of the stored object, or undefined. */
  get(type: ResourceType, namespace: string, name: string): Obj | undefined {
    const found = this.objects.get(objectKey(type, namespace, name));
    return found ? clone(found.object) : undefined;
  }

  /** Copies of the objects of a type (in one namespace, or all), sorted by namespace then name like etcd keys. */
  list(type: ResourceType, namespace?: string): Obj[] {
    const prefix = namespace === undefined ? `${typeKey(type)}/` : `${typeKey(type)}/${namespace}/`;
    return [...this.objects.entries()]
      .filter(([key]) => key.startsWith(prefix))
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([, stored]) => clone(stored.object));
  }

  /** Every stored object with its type (used by the garbage collector); copies. */
  all(): StoredObject[] {
    return [...this.objects.values()].map((s) => ({ type: s.type, object: clone(s.object) }));
  }

  /** The object with this uid, if any. */
  findByUid(uid: string): StoredObject | undefined {
    for (const stored of this.objects.values()) {
      if (str(metadataOf(stored.object), 'uid') === uid) return { type: stored.type, object: clone(stored.object) };
    }
    return undefined;
  }

  /** Stores a new object under the next revision; returns the stored copy. */
  create(type: ResourceType, object: Obj): Obj {
    return this.commit('ADDED', type, object, undefined);
  }

  /** Replaces an existing object under the next revision; returns the stored copy. */
  update(type: ResourceType, object: Obj): Obj {
    const meta = metadataOf(object);
    const previous = this.objects.get(objectKey(type, str(meta, 'namespace'), str(meta, 'name')));
    return this.commit('MODIFIED', type, object, previous?.object);
  }

  /** Removes an object; the DELETED event carries the deletion revision, as the real watch cache does. */
  remove(type: ResourceType, namespace: string, name: string): Obj | undefined {
    const key = objectKey(type, namespace, name);
    const found = this.objects.get(key);
    if (!found) return undefined;
    this.objects.delete(key);
    const object = clone(found.object);
    return this.record('DELETED', type, object, found.object);
  }

  private commit(type: EventType, resource: ResourceType, object: Obj, previous: Obj | undefined): Obj {
    const stored = clone(object);
    const meta = metadataOf(stored);
    this.objects.set(objectKey(resource, str(meta, 'namespace'), str(meta, 'name')), { type: resource, object: stored });
    return this.record(type, resource, stored, previous);
  }

  private record(type: EventType, resource: ResourceType, object: Obj, previous: Obj | undefined): Obj {
    this.revision += 1;
    metadataOf(object)['resourceVersion'] = String(this.revision);
    const event: StoreEvent = { type, revision: this.revision, resource, object: clone(object), ...(previous ? { previous: clone(previous) } : {}) };
    this.history.push(event);
    while (this.history.length > this.historyLimit) {
      const dropped = this.history.shift();
      if (dropped) this.compacted = dropped.revision;
    }
    for (const subscriber of [...this.subscribers]) subscriber(event);
    return clone(object);
  }

  /** Events after `revision`, or 'expired' when the window no longer reaches back that far. */
  eventsAfter(revision: number): StoreEvent[] | 'expired' {
    if (revision < this.compacted) return 'expired';
    return this.history.filter((e) => e.revision > revision);
  }

  /** Forgets all past events, like an etcd compaction: older resourceVersions now get 410 Gone. */
  compact(): void {
    this.history.length = 0;
    this.compacted = this.revision;
  }

  /** Calls `listener` synchronously for every committed event; returns the unsubscribe function. */
  subscribe(listener: (event: StoreEvent) => void): () => void {
    this.subscribers.add(listener);
    return () => this.subscribers.delete(listener);
  }
}
