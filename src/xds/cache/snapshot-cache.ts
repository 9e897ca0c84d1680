// Snapshots by node id plus the readiness gate (xds-server.md §14 rules 1, 2 and 10). The cache
// only stores and notifies: streams own their per-proxy state and read snapshots through
// `current()`, which hides everything until `setReady()` — so a proxy that connects before the
// store's first full load is accepted but answered nothing, and can never receive an empty LDS/CDS
// that would wipe its config.
import type { Snapshot } from './snapshot.js';
import { DeliveryStatus } from './delivery-status.js';

/** Called when what `current(nodeId)` returns may have changed. Must not throw. */
export type SnapshotListener = () => void;

/** Per-node snapshots shared by all streams of the process. */
export class SnapshotCache {
  /** Sent/ACK/NACK bookkeeping per (node, type), written by the xDS server. */
  readonly delivery: DeliveryStatus;
  private readonly snapshots = new Map<string, Snapshot>();
  private readonly listeners = new Map<string, Set<SnapshotListener>>();
  private ready = false;

  constructor(delivery: DeliveryStatus = new DeliveryStatus()) {
    this.delivery = delivery;
  }

  /**
   * Publishes a snapshot for a node. The same Snapshot object may be set for many nodes; setting
   * the object a node already has is a no-op, so unchanged proxies get no work.
   */
  set(nodeId: string, snapshot: Snapshot): void {
    if (this.snapshots.get(nodeId) === snapshot) return;
    this.snapshots.set(nodeId, snapshot);
    this.notify(nodeId);
  }

  /** The last snapshot set for a node, ready or not. */
  get(nodeId: string): Snapshot | undefined {
    return this.snapshots.get(nodeId);
  }

  /** What streams may serve: the node's snapshot once the cache is ready, else undefined. */
  current(nodeId: string): Snapshot | undefined {
    return this.ready ? this.snapshots.get(nodeId) : undefined;
  }

  /** Removes a node's snapshot; its streams keep what they were sent but get nothing new. */
  delete(nodeId: string): void {
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
    return () => {
      const current = this.listeners.get(nodeId);
      current?.delete(listener);
      if (current?.size === 0) this.listeners.delete(nodeId);
    };
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
