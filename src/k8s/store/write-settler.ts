// Read-your-writes for the Kubernetes store: a write waits until the store's own watch has
// delivered the change it made, so the caller's next read sees it and the store's change event
// came first, as with the other stores. The wait is bounded: a slow watch delays a write by at
// most `timeoutMs`, it never fails it (the API server has already accepted the write).
import type { KubernetesObject } from '@kubernetes/client-node';
import type { Kind } from '../../core/resource.js';
import type { ObjectRef } from './kuma-objects.js';

/** The watch's current object for a kind and reference. */
export type CurrentObject = (kind: Kind, ref: ObjectRef) => KubernetesObject | undefined;

interface Waiter {
  readonly done: () => boolean;
  readonly resolve: () => void;
}

/** Waits for the watch to catch up with a write. */
export class WriteSettler {
  private readonly waiters = new Map<string, Set<Waiter>>();

  constructor(
    private readonly timeoutMs: number,
    private readonly current: CurrentObject,
  ) {}

  /**
   * Resolves once the watch holds `written` (its resourceVersion or a later one), or holds no
   * object when `written` is undefined (a delete), or after the timeout.
   */
  settled(kind: Kind, ref: ObjectRef, written: KubernetesObject | undefined): Promise<void> {
    const version = written?.metadata?.resourceVersion;
    const done = (): boolean => {
      const seen = this.current(kind, ref);
      if (written === undefined) return seen === undefined;
      return seen !== undefined && version !== undefined && atLeast(seen.metadata?.resourceVersion, version);
    };
    if (done()) return Promise.resolve();
    const id = idOf(kind, ref);
    return new Promise((resolve) => {
      const set = this.waiters.get(id) ?? new Set<Waiter>();
      this.waiters.set(id, set);
      const waiter: Waiter = {
        done,
        resolve: () => {
          clearTimeout(timer);
          set.delete(waiter);
          if (set.size === 0 && this.waiters.get(id) === set) this.waiters.delete(id);
          resolve();
        },
      };
      const timer = setTimeout(waiter.resolve, this.timeoutMs);
      set.add(waiter);
    });
  }

  /** The watch delivered an event for this object: release the writes it completes. */
  observed(kind: Kind, ref: ObjectRef): void {
    const set = this.waiters.get(idOf(kind, ref));
    if (!set) return;
    for (const waiter of [...set]) if (waiter.done()) waiter.resolve();
  }

  /** Release every waiting write (the store is closing). */
  cancelAll(): void {
    for (const set of [...this.waiters.values()]) for (const waiter of [...set]) waiter.resolve();
  }
}

function idOf(kind: Kind, ref: ObjectRef): string {
  return `${kind}/${ref.namespace ?? ''}/${ref.name}`;
}

// resourceVersion is opaque to clients, but every etcd-backed API server uses the etcd revision,
// a decimal integer. Ordering is used only to stop waiting early, never to decide what the cache
// holds; any other format falls back to equality (and so, at worst, to the timeout).
function atLeast(seen: string | undefined, wanted: string): boolean {
  if (seen === undefined) return false;
  if (seen === wanted) return true;
  return /^\d+$/.test(seen) && /^\d+$/.test(wanted) && BigInt(seen) >= BigInt(wanted);
}
