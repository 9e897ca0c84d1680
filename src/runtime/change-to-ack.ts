// Change-to-ACK delivery time (docs/operations.md, "Metrics"): from the moment a change reached the
// control plane (a store event, a certificate file, a resolved host) to the moment a proxy ACKed
// the configuration that change produced, per proxy and type. Send-to-ACK (the xDS histogram
// beside it) hides the debounce, the generation and the push queue; this one is what a user waits.
//
// How it is attributed: the time of the oldest change not yet handed to a generation is taken
// when a generation starts; every type whose version that generation changes for a proxy is then
// pending with that time, until the proxy ACKs that version (observed) or NACKs it (dropped). A
// newer version published before the ACK keeps the older change time: the proxy has waited since.
import type { AckEvent, NackEvent } from '../xds/cache/delivery-status.js';
import type { Snapshot } from '../xds/cache/snapshot.js';
import { snapshotType } from '../xds/cache/snapshot.js';
import type { SnapshotCache } from '../xds/cache/snapshot-cache.js';
import { EMPTY_TYPE_VERSION } from '../xds/cache/version.js';

/** Most (proxy, type) pairs waiting for an ACK; the oldest are dropped beyond it (proxies gone). */
export const MAX_PENDING = 100_000;

interface Pending {
  readonly version: string;
  readonly changeAt: number;
}

/** The tracker; `observe` receives each delivery time in seconds with the type URL. */
export class ChangeToAck {
  private unhandedSince: number | undefined;
  private generationChangeAt: number | undefined;
  private readonly pending = new Map<string, Pending>();

  constructor(
    private readonly observe: (typeUrl: string, seconds: number) => void,
    private readonly now: () => number = Date.now,
  ) {}

  /** A change arrived; it is handed to the next generation that starts. */
  changed(): void {
    this.unhandedSince ??= this.now();
  }

  /** A generation starts: it carries every change that arrived before now. */
  generationStarting(): void {
    this.generationChangeAt = this.unhandedSince;
    this.unhandedSince = undefined;
  }

  /** The generation ended; snapshots set later (a proxy's first build) belong to no change. */
  generationDone(): void {
    this.generationChangeAt = undefined;
  }

  /** A snapshot was published for a node (SnapshotCache.onSet). */
  published(nodeId: string, snapshot: Snapshot, previous: Snapshot | undefined): void {
    const changeAt = this.generationChangeAt;
    if (changeAt === undefined) return;
    for (const [typeUrl, type] of snapshot.types) {
      // An empty type may never be sent (delta has nothing to say of it), so it is never awaited.
      if (type.version === EMPTY_TYPE_VERSION) continue;
      if (previous !== undefined && snapshotType(previous, typeUrl).version === type.version) continue;
      const key = pendingKey(nodeId, typeUrl);
      const waiting = this.pending.get(key);
      this.pending.delete(key);
      this.pending.set(key, { version: type.version, changeAt: waiting === undefined ? changeAt : Math.min(waiting.changeAt, changeAt) });
    }
    while (this.pending.size > MAX_PENDING) this.pending.delete(this.pending.keys().next().value!);
  }

  /** The xDS server recorded an ACK. */
  acked(event: AckEvent): void {
    const key = pendingKey(event.nodeId, event.typeUrl);
    const waiting = this.pending.get(key);
    if (waiting === undefined || waiting.version !== event.version) return;
    this.pending.delete(key);
    this.observe(event.typeUrl, Math.max(0, event.at.getTime() - waiting.changeAt) / 1000);
  }

  /** The xDS server recorded a NACK: that version will never be ACKed. */
  nacked(event: NackEvent): void {
    const key = pendingKey(event.nodeId, event.typeUrl);
    if (this.pending.get(key)?.version === event.version) this.pending.delete(key);
  }

  /** Pairs waiting for an ACK (tests). */
  pendingCount(): number {
    return this.pending.size;
  }
}

function pendingKey(nodeId: string, typeUrl: string): string {
  return `${nodeId}\u0000${typeUrl}`;
}

/** A tracker fed by the cache's publications and the xDS server's ACKs and NACKs; stop() unhooks it. */
export function trackChangeToAck(cache: SnapshotCache, observe: (typeUrl: string, seconds: number) => void): { tracker: ChangeToAck; stop: () => void } {
  const tracker = new ChangeToAck(observe);
  const unhooks = [
    cache.onPublish((nodeId, snapshot, previous) => tracker.published(nodeId, snapshot, previous)),
    cache.delivery.onAck((event) => tracker.acked(event)),
    cache.delivery.onNack((event) => tracker.nacked(event)),
  ];
  return { tracker, stop: () => unhooks.forEach((unhook) => unhook()) };
}
