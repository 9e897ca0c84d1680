// Delivery state shared between control-plane replicas (docs/postgres-store.md, "Several
// replicas"). A proxy holds one ADS stream, to one replica, but a status is read from any replica:
// without sharing, `Programmed` would count only the proxies of the replica that answers. So each
// replica publishes, for the proxies it serves, what the statuses need (connected, ACKed, what was
// rejected) on a board every replica reads, and reads the others' entries back on the same tick.
//
// Why a board of summaries rather than the raw per-type records: the summary is what statuses
// consume, it is a few bytes per proxy, and it changes only when a proxy connects, leaves, ACKs or
// NACKs, so a steady mesh writes nothing but one heartbeat per replica per tick. A replica that
// stops heartbeating (killed, partitioned) is ignored after `staleAfterMs`: its proxies count as
// disconnected until they reconnect to a live replica, which then publishes them.
import type { Logger } from 'pino';
import type { ProxyDelivery } from '../gateway/status.js';
import type { NodeDelivery } from '../xds/cache/delivery-status.js';
import type { DeliveryLookup } from './resource-status.js';
import { proxyNodeId } from '../xds/server/proxy-id.js';

/**
 * What the board holds of one proxy: the summary statuses read, and the records the inspect
 * views read (per-type versions, counters, the last NACK, connection times).
 */
export interface SharedProxy {
  readonly delivery: ProxyDelivery;
  readonly node?: NodeDelivery;
}

/** What one replica tells the board in one tick. */
export interface DeliveryPublication {
  /** Entries that are new or changed since the replica's last publication. */
  readonly upserts: ReadonlyMap<string, SharedProxy>;
  /** Node ids the replica no longer serves. */
  readonly removals: readonly string[];
}

/** The shared board: implemented over Postgres (postgres-delivery-board.ts) and in memory. */
export interface DeliveryBoard {
  /**
   * Apply a replica's publication and renew its heartbeat, atomically: a reader sees all of a
   * publication or none of it.
   */
  publish(replica: string, publication: DeliveryPublication): Promise<void>;
  /**
   * Every entry of the replicas other than `replica` whose heartbeat is younger than
   * `staleAfterMs`, by node id; where two live replicas report one node (a proxy moving between
   * them), a connected entry wins over a disconnected one and an ACKed one over the rest.
   */
  readOthers(replica: string, staleAfterMs: number): Promise<ReadonlyMap<string, SharedProxy>>;
  /** Remove the replica's entries and heartbeat (a clean stop: its proxies are gone at once). */
  withdraw(replica: string): Promise<void>;
  close(): Promise<void>;
}

/** What SharedDelivery reads the local state from (the snapshot cache's delivery records). */
export interface LocalDelivery {
  /** The node's summary on this replica (resource-status.ts nodeDelivery). */
  summary(nodeId: string): ProxyDelivery;
  /** The node's records on this replica (DeliveryStatus.status). */
  records(nodeId: string): NodeDelivery | undefined;
  /** Nodes with an open stream on this replica. */
  connectedNodeIds(): Iterable<string>;
  /** Subscribe to changes of a node's local state; returns the unsubscribe function. */
  onChange(listener: (nodeId: string) => void): () => void;
}

/** Options of SharedDelivery. */
export interface SharedDeliveryOptions {
  readonly replica: string;
  /** Owned: stop() closes it. */
  readonly board: DeliveryBoard;
  readonly local: LocalDelivery;
  readonly logger: Logger;
  /** How often a replica publishes and reads (default 1 s). */
  readonly intervalMs?: number;
  /** After how long without a heartbeat a replica's entries are ignored (default 5 intervals). */
  readonly staleAfterMs?: number;
  /** Every how many ticks every connected node is re-summarised, changed or not (default 10). */
  readonly rescanEvery?: number;
}

const DEFAULT_INTERVAL_MS = 1_000;

/**
 * The delivery lookup of a replica among several: a proxy connected here is answered from here
 * (always current); otherwise from the board as last read (at most one interval old).
 */
export class SharedDelivery {
  private readonly intervalMs: number;
  private readonly staleAfterMs: number;
  private readonly rescanEvery: number;
  /** What the board holds for this replica, as last published. */
  private readonly published = new Map<string, string>();
  private readonly dirty = new Set<string>();
  private others: ReadonlyMap<string, SharedProxy> = new Map();
  private readonly unsubscribe: () => void;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> = Promise.resolve();
  private ticks = 0;
  private withdrawn = false;
  private stopped = false;
  private lastError = '';

  constructor(private readonly options: SharedDeliveryOptions) {
    this.intervalMs = options.intervalMs ?? DEFAULT_INTERVAL_MS;
    this.staleAfterMs = options.staleAfterMs ?? 5 * this.intervalMs;
    this.rescanEvery = options.rescanEvery ?? 10;
    this.unsubscribe = options.local.onChange((nodeId) => this.dirty.add(nodeId));
  }

  /** Start publishing and reading, the first tick at once. */
  start(): this {
    this.schedule(0);
    return this;
  }

  /** The lookup statuses read (ResourceStatuses' `delivery`). */
  lookup(): DeliveryLookup {
    return (mesh, proxy) => this.delivery(proxyNodeId(mesh, proxy));
  }

  /** A node's delivery: this replica's when the proxy is connected here, else the board's. */
  delivery(nodeId: string): ProxyDelivery {
    const local = this.options.local.summary(nodeId);
    if (local.connected) return local;
    return this.others.get(nodeId)?.delivery ?? local;
  }

  /** A node's records: this replica's while the proxy is connected here, else the board's. */
  records(nodeId: string): NodeDelivery | undefined {
    const local = this.options.local.records(nodeId);
    if ((local?.connectedStreams ?? 0) > 0) return local;
    return this.others.get(nodeId)?.node ?? local;
  }

  /** Publish and read once (the timer calls it; tests call it directly). */
  async tick(): Promise<void> {
    const publication = this.collect();
    try {
      // A previous run under this replica's name may have left entries nobody serves any more.
      if (!this.withdrawn) {
        await this.options.board.withdraw(this.options.replica);
        this.withdrawn = true;
      }
      await this.options.board.publish(this.options.replica, publication);
      for (const [nodeId, delivery] of publication.upserts) this.published.set(nodeId, JSON.stringify(delivery));
      for (const nodeId of publication.removals) this.published.delete(nodeId);
      this.others = await this.options.board.readOthers(this.options.replica, this.staleAfterMs);
      if (this.lastError) this.options.logger.info('the shared delivery board is reachable again');
      this.lastError = '';
    } catch (err) {
      // Nothing is lost: what was not published is still different from `published`, so the
      // next tick finds it again; the board's view of the others is kept until a read succeeds.
      for (const nodeId of [...publication.upserts.keys(), ...publication.removals]) this.dirty.add(nodeId);
      const reason = (err as Error).message;
      if (reason !== this.lastError) this.options.logger.warn({ reason }, 'cannot reach the shared delivery board; statuses count only this replica\'s proxies meanwhile');
      this.lastError = reason;
    }
  }

  /** Stop the timer, withdraw this replica's entries from the board and close it (it owns it). */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    clearTimeout(this.timer);
    this.unsubscribe();
    await this.running;
    await this.options.board.withdraw(this.options.replica).catch((err: unknown) => this.options.logger.warn({ reason: (err as Error).message }, 'could not withdraw from the shared delivery board; the entries expire on their own'));
    await this.options.board.close();
  }

  /**
   * What changed since the last publication: the dirty nodes (every connected one on a rescan
   * tick, which also catches a new snapshot that no delivery event announced), summarised now.
   * Only connected nodes are on the board; a node that left is removed from it.
   */
  private collect(): DeliveryPublication {
    const candidates = new Set(this.dirty);
    this.dirty.clear();
    if (this.ticks++ % this.rescanEvery === 0) {
      for (const nodeId of this.options.local.connectedNodeIds()) candidates.add(nodeId);
      for (const nodeId of this.published.keys()) candidates.add(nodeId);
    }
    const upserts = new Map<string, SharedProxy>();
    const removals: string[] = [];
    for (const nodeId of [...candidates].sort()) {
      const delivery = this.options.local.summary(nodeId);
      if (!delivery.connected) {
        if (this.published.has(nodeId)) removals.push(nodeId);
        continue;
      }
      const node = this.options.local.records(nodeId);
      const entry: SharedProxy = node === undefined ? { delivery } : { delivery, node };
      if (this.published.get(nodeId) !== JSON.stringify(entry)) upserts.set(nodeId, entry);
    }
    return { upserts, removals };
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.tick().finally(() => this.schedule(this.intervalMs));
    }, delayMs);
    this.timer.unref();
  }
}

/** The board in memory: replicas of one process (tests), with an injectable clock. */
export class MemoryDeliveryBoard implements DeliveryBoard {
  private readonly replicas = new Map<string, { heartbeatAt: number; entries: Map<string, SharedProxy> }>();

  constructor(private readonly now: () => number = Date.now) {}

  async publish(replica: string, publication: DeliveryPublication): Promise<void> {
    const entry = this.replicas.get(replica) ?? { heartbeatAt: 0, entries: new Map<string, SharedProxy>() };
    for (const [nodeId, delivery] of publication.upserts) entry.entries.set(nodeId, delivery);
    for (const nodeId of publication.removals) entry.entries.delete(nodeId);
    entry.heartbeatAt = this.now();
    this.replicas.set(replica, entry);
  }

  async readOthers(replica: string, staleAfterMs: number): Promise<ReadonlyMap<string, SharedProxy>> {
    const merged = new Map<string, SharedProxy>();
    for (const [name, entry] of [...this.replicas].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      if (name === replica || this.now() - entry.heartbeatAt > staleAfterMs) continue;
      for (const [nodeId, delivery] of entry.entries) merged.set(nodeId, preferred(merged.get(nodeId), delivery));
    }
    return merged;
  }

  async withdraw(replica: string): Promise<void> {
    this.replicas.delete(replica);
  }

  async close(): Promise<void> {}
}

/** Of two reports of one node: connected over not, then ACKed over not, else the first. */
export function preferred(a: SharedProxy | undefined, b: SharedProxy): SharedProxy {
  if (a === undefined) return b;
  const rank = ({ delivery: d }: SharedProxy) => (d.connected ? 2 : 0) + (d.acked ? 1 : 0);
  return rank(b) > rank(a) ? b : a;
}

/** The JSON text of an entry (dates as ISO strings, as JSON.stringify writes them). */
export function sharedProxyToJson(entry: SharedProxy): string {
  return JSON.stringify(entry);
}

/** An entry read back: the records' dates revived. */
export function sharedProxyFromJson(text: string): SharedProxy {
  const parsed = JSON.parse(text) as { delivery: ProxyDelivery; node?: Record<string, unknown> & { types: Record<string, unknown>[] } };
  if (parsed.node === undefined) return { delivery: parsed.delivery };
  const date = (v: unknown) => (typeof v === 'string' ? new Date(v) : undefined);
  const dated = (o: Record<string, unknown>, keys: readonly string[]) => {
    const out: Record<string, unknown> = { ...o };
    for (const k of keys) if (out[k] !== undefined) out[k] = date(out[k]);
    return out;
  };
  const node = dated(parsed.node, ['lastConnectedAt', 'lastDisconnectedAt']);
  node.types = parsed.node.types.map((t) => {
    const type = dated(t, ['sentAt', 'ackedAt']);
    if (t.lastNack !== undefined) type.lastNack = dated(t.lastNack as Record<string, unknown>, ['at']);
    return type;
  });
  return { delivery: parsed.delivery, node: node as unknown as NodeDelivery };
}

/** What `cacheSharedDelivery` reads a replica's own state from (the snapshot cache). */
export interface CacheDeliverySource {
  summary(nodeId: string): ProxyDelivery;
  readonly delivery: { status(nodeId: string): NodeDelivery | undefined; connectedNodeIds(): string[]; onChange(listener: (nodeId: string) => void): () => void };
}

/** A started SharedDelivery of `replica` on `board`, reading the replica's own state from `source`. */
export function startSharedDelivery(board: DeliveryBoard, replica: string, source: CacheDeliverySource, logger: Logger): SharedDelivery {
  const local: LocalDelivery = {
    summary: (nodeId) => source.summary(nodeId),
    records: (nodeId) => source.delivery.status(nodeId),
    connectedNodeIds: () => source.delivery.connectedNodeIds(),
    onChange: (listener) => source.delivery.onChange(listener),
  };
  return new SharedDelivery({ replica, board, local, logger }).start();
}
