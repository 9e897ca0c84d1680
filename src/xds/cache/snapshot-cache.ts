// Snapshots by node id plus the readiness gate (docs/xds-server.md §14 rules 1, 2 and 10). The cache
// only stores and notifies: streams own their per-proxy state and read snapshots through
// `current()`, which hides everything until `setReady()` — so a proxy that connects before the
// store's first full load is accepted but answered nothing, and can never receive an empty LDS/CDS
// that would wipe its config.
//
// Snapshots of proxies nobody watches need not exist (docs/xds-server.md §14 rule 2): a producer may `invalidate()` a
// node instead of setting it, and the cache then asks its provider when the snapshot is read; a
// snapshot whose node has had no watcher for the idle grace period is dropped the same way.
import type { Snapshot } from './snapshot.js';
import { DeliveryStatus } from './delivery-status.js';

/** Called when what `current(nodeId)` returns may have changed. Must not throw. */
export type SnapshotListener = () => void;

/** Called when a node's snapshot is replaced by `set`; `previous` is undefined for its first. */
export type PublishListener = (nodeId: string, snapshot: Snapshot, previous: Snapshot | undefined) => void;

/** Builds a node's snapshot on demand; undefined when the node has none. Must not throw. */
export type SnapshotProvider = (nodeId: string) => Snapshot | undefined;

/** Options of the cache. */
export interface SnapshotCacheOptions {
  /** A snapshot unwatched this long is dropped, to be rebuilt by the provider (default 5 min). */
  readonly idleGraceMs?: number;
  readonly now?: () => number;
}

/** Per-node snapshots shared by all streams of the process. */
export class SnapshotCache {
  /** Sent/ACK/NACK bookkeeping per (node, type), written by the xDS server. */
  readonly delivery: DeliveryStatus;
  private readonly snapshots = new Map<string, Snapshot>();
  private readonly listeners = new Map<string, Set<SnapshotListener>>();
  private readonly publishListeners = new Set<PublishListener>();
  private ready = false;
  private provider: SnapshotProvider | undefined;
  /** Node -> when its last watcher left, for nodes holding a snapshot and no watcher. */
  private readonly idleSince = new Map<string, number>();
  private sweeper: NodeJS.Timeout | undefined;
  private readonly idleGraceMs: number;
  private readonly now: () => number;

  constructor(delivery: DeliveryStatus = new DeliveryStatus(), options: SnapshotCacheOptions = {}) {
    this.delivery = delivery;
    this.idleGraceMs = options.idleGraceMs ?? 5 * 60_000;
    this.now = options.now ?? Date.now;
  }

  /** Where `get`/`current` find snapshots that were invalidated or dropped while idle. */
  setProvider(provider: SnapshotProvider): void {
    this.provider = provider;
  }

  /**
   * Publishes a snapshot for a node. The same Snapshot object may be set for many nodes; setting
   * the object a node already has is a no-op, so unchanged proxies get no work.
   */
  set(nodeId: string, snapshot: Snapshot): void {
    const previous = this.snapshots.get(nodeId);
    if (previous === snapshot) return;
    this.snapshots.set(nodeId, snapshot);
    for (const listener of this.publishListeners) listener(nodeId, snapshot, previous);
    this.notify(nodeId);
  }

  /**
   * Listen for snapshots published with `set` (not those the provider builds on demand); the
   * listener gets the node's previous snapshot too. Returns the unsubscribe function.
   */
  onPublish(listener: PublishListener): () => void {
    this.publishListeners.add(listener);
    return () => this.publishListeners.delete(listener);
  }

  /** The node's snapshot, ready or not (built by the provider when not held). */
  get(nodeId: string): Snapshot | undefined {
    const held = this.snapshots.get(nodeId);
    if (held !== undefined || this.provider === undefined) return held;
    const built = this.provider(nodeId);
    if (built !== undefined) {
      this.snapshots.set(nodeId, built);
      if (this.watcherCount(nodeId) === 0) this.markIdle(nodeId);
    }
    return built;
  }

  /** The snapshot held right now, without asking the provider (status reads of idle proxies). */
  peek(nodeId: string): Snapshot | undefined {
    return this.ready ? this.snapshots.get(nodeId) : undefined;
  }

  /** What streams may serve: the node's snapshot once the cache is ready, else undefined. */
  current(nodeId: string): Snapshot | undefined {
    return this.ready ? this.get(nodeId) : undefined;
  }

  /**
   * Forgets a node's snapshot because it changed, for a node nobody watches: the next read asks
   * the provider. Watchers are notified as by `set` (a producer normally sets watched nodes).
   */
  invalidate(nodeId: string): void {
    if (this.snapshots.delete(nodeId)) {
      this.idleSince.delete(nodeId);
      this.notify(nodeId);
    }
  }

  /** Removes a node's snapshot; its streams keep what they were sent but get nothing new. */
  delete(nodeId: string): void {
    this.idleSince.delete(nodeId);
    if (this.snapshots.delete(nodeId)) this.notify(nodeId);
  }

  /** Node ids that have a snapshot, sorted. */
  nodeIds(): string[] {
    return [...this.snapshots.keys()].sort();
  }

  /** Opens the readiness gate (the store completed its first full load); idempotent. */
  setReady(): void {
    if (this.ready) return;
    this.ready = true;
    for (const nodeId of [...this.listeners.keys()]) this.notify(nodeId);
  }

  /** Whether `setReady()` was called. */
  isReady(): boolean {
    return this.ready;
  }

  /** Subscribes to changes of one node's current snapshot; returns the unsubscribe function. */
  watch(nodeId: string, listener: SnapshotListener): () => void {
    let set = this.listeners.get(nodeId);
    if (!set) {
      set = new Set();
      this.listeners.set(nodeId, set);
    }
    set.add(listener);
    this.idleSince.delete(nodeId);
    return () => {
      const current = this.listeners.get(nodeId);
      current?.delete(listener);
      if (current?.size === 0) {
        this.listeners.delete(nodeId);
        if (this.snapshots.has(nodeId)) this.markIdle(nodeId);
      }
    };
  }

  /** Stops the idle sweep (the cache stays usable). */
  close(): void {
    if (this.sweeper) clearInterval(this.sweeper);
    this.sweeper = undefined;
  }

  /** Drops snapshots idle for longer than the grace period, when a provider can rebuild them. */
  sweepIdle(): void {
    if (this.provider === undefined) return;
    const limit = this.now() - this.idleGraceMs;
    for (const [nodeId, since] of this.idleSince) {
      if (since > limit) continue;
      this.idleSince.delete(nodeId);
      if (this.watcherCount(nodeId) === 0) this.snapshots.delete(nodeId);
    }
  }

  private markIdle(nodeId: string): void {
    this.idleSince.set(nodeId, this.now());
    if (this.sweeper === undefined && this.provider !== undefined) {
      this.sweeper = setInterval(() => this.sweepIdle(), Math.max(1000, this.idleGraceMs / 2));
      this.sweeper.unref();
    }
  }

  /** Number of watchers of a node (open streams), e.g. to drop snapshots nobody uses. */
  watcherCount(nodeId: string): number {
    return this.listeners.get(nodeId)?.size ?? 0;
  }

  private notify(nodeId: string): void {
    if (!this.ready) return;
    for (const listener of [...(this.listeners.get(nodeId) ?? [])]) listener();
  }
}
