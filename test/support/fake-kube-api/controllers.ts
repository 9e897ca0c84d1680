// The two controllers whose effects clients observe even though the fake runs no
// kube-controller-manager: the garbage collector and the namespace controller.
//
// Garbage collector (background propagation): when an owner is deleted, each dependent whose
// ownerReferences name its uid is deleted if no other owner still exists (cascading through the
// dependent's own DELETED event), or has the dangling reference removed otherwise. A dependent
// created with owners that do not exist is collected too, as in a cluster. `Orphan` propagation
// removes the reference instead. Foreground propagation is treated as background (simplification).
// Namespace controller: a deleted namespace is Terminating until its contents are removed, then
// it disappears. Contents are removed directly, ignoring their finalizers (simplification).
// Both run after the request that caused them has been answered (setImmediate), as in a cluster
// where dependents outlive their owner briefly; `settle()` waits until they are idle.
import type { Obj } from './json.js';
import { isObj, items, metadataOf, str } from './json.js';
import type { ObjectStore, StoreEvent } from './object-store.js';
import type { ResourceType } from './resource-types.js';
import { timestamp } from './write-operations.js';
import type { DeleteHooks } from './write-operations.js';

const ownerUids = (obj: Obj): string[] => items(metadataOf(obj), 'ownerReferences').filter(isObj).map((r) => str(r, 'uid'));

/** Garbage collector and namespace controller over one store. */
export class Controllers implements DeleteHooks {
  private readonly orphans = new Set<string>();
  private readonly queue: Array<() => void> = [];
  private readonly idleWaiters: Array<() => void> = [];
  private scheduled = false;
  private readonly unsubscribe: () => void;

  constructor(private readonly store: ObjectStore) {
    this.unsubscribe = store.subscribe((event) => this.observe(event));
  }

  /** Records that deleting `uid` orphans its dependents (propagationPolicy Orphan). */
  markOrphan(uid: string): void {
    this.orphans.add(uid);
  }

  /** Resolves once no collection or namespace cleanup is pending. */
  settle(): Promise<void> {
    if (!this.scheduled && this.queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Stops observing the store. */
  stop(): void {
    this.unsubscribe();
  }

  private observe(event: StoreEvent): void {
    const meta = metadataOf(event.object);
    if (event.type === 'DELETED') {
      const uid = str(meta, 'uid');
      this.enqueue(() => this.collectDependents(uid));
      return;
    }
    if (ownerUids(event.object).length > 0) this.enqueue(() => this.checkOwners(event.resource, str(meta, 'namespace'), str(meta, 'name')));
    if (event.resource.kind === 'Namespace' && str(meta, 'deletionTimestamp')) this.enqueue(() => this.finalizeNamespace(event.resource, str(meta, 'name')));
  }

  private enqueue(work: () => void): void {
    this.queue.push(work);
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.run());
  }

  private run(): void {
    // Work done here writes to the store, which may enqueue more work; it runs in this same batch.
    for (let work = this.queue.shift(); work; work = this.queue.shift()) work();
    this.scheduled = false;
    for (const resolve of this.idleWaiters.splice(0)) resolve();
  }

  private ownerExists(dependent: Obj, uid: string): boolean {
    const owner = this.store.findByUid(uid);
    if (!owner) return false;
    return !owner.type.namespaced || str(metadataOf(owner.object), 'namespace') === str(metadataOf(dependent), 'namespace');
  }

  private collectDependents(ownerUid: string): void {
    const orphan = this.orphans.delete(ownerUid);
    for (const { type, object } of this.store.all()) {
      if (!ownerUids(object).includes(ownerUid)) continue;
      if (orphan) this.dropReferences(type, object, [ownerUid]);
      else this.checkOwners(type, str(metadataOf(object), 'namespace'), str(metadataOf(object), 'name'));
    }
  }

  private checkOwners(type: ResourceType, namespace: string, name: string): void {
    const object = this.store.get(type, namespace, name);
    if (!object || str(metadataOf(object), 'deletionTimestamp')) return;
    const uids = ownerUids(object);
    const dangling = uids.filter((uid) => !this.ownerExists(object, uid));
    if (dangling.length === 0) return;
    if (dangling.length < uids.length) {
      this.dropReferences(type, object, dangling);
    } else if (items(metadataOf(object), 'finalizers').length > 0) {
      metadataOf(object)['deletionTimestamp'] = timestamp();
      this.store.update(type, object);
    } else {
      this.store.remove(type, namespace, name);
    }
  }

  private dropReferences(type: ResourceType, object: Obj, uids: readonly string[]): void {
    const meta = metadataOf(object);
    const kept = items(meta, 'ownerReferences').filter((r) => !(isObj(r) && uids.includes(str(r, 'uid'))));
    if (kept.length > 0) meta['ownerReferences'] = kept;
    else delete meta['ownerReferences'];
    this.store.update(type, object);
  }

  private finalizeNamespace(namespaceType: ResourceType, name: string): void {
    if (!this.store.get(namespaceType, '', name)) return;
    for (const { type, object } of this.store.all()) {
      const meta = metadataOf(object);
      if (type.namespaced && str(meta, 'namespace') === name) this.store.remove(type, name, str(meta, 'name'));
    }
    this.store.remove(namespaceType, '', name);
  }
}
