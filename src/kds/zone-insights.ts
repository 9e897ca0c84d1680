// The global's record of each zone's connections (ZoneInsight, docs/multizone.md §6): one subscription
// per connection with connect and disconnect times, the zone's version and configuration, whether
// it presented a token and per-kind counters; the newest stream of each kind; the last health
// check. Opening and closing are written at once (they decide online/offline); counters are
// flushed every `flushIntervalMs`. Writes for one zone are serialised.
import type { Logger } from 'pino';
import type { ResourceStore } from '../core/store.js';
import type { KdsSubscription, KdsTypeStats, ZoneInsightSpec } from '../api/zone-insight.js';
import type { KindStats } from './sync-sender.js';

/** Subscriptions kept per zone (Kuma's `metrics.zone.subscriptionLimit`). */
export const SUBSCRIPTION_LIMIT = 10;

/** What is known of a connection when it opens. */
export interface ConnectionFacts {
  readonly id: string;
  readonly globalInstanceId: string;
  readonly zoneInstanceId: string;
  readonly connectTime: string;
  readonly version?: Readonly<Record<string, unknown>>;
  readonly config?: string;
  readonly authTokenProvided: boolean;
}

interface Live {
  readonly zone: string;
  readonly facts: ConnectionFacts;
  stats: () => ReadonlyMap<string, KindStats>;
  lastUpdateTime?: string;
  disconnectTime?: string;
}

function totals(stats: ReadonlyMap<string, KindStats>): KdsTypeStats {
  let sent = 0;
  let acked = 0;
  let rejected = 0;
  for (const s of stats.values()) {
    sent += s.responsesSent;
    acked += s.responsesAcknowledged;
    rejected += s.responsesRejected;
  }
  return { responsesSent: sent, responsesAcknowledged: acked, responsesRejected: rejected };
}

/** Records ZoneInsights on the global. */
export class ZoneInsights {
  private readonly live = new Map<string, Live>();
  private readonly dirty = new Set<string>();
  private readonly chains = new Map<string, Promise<void>>();
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly store: ResourceStore,
    private readonly logger: Logger,
    flushIntervalMs: number,
  ) {
    this.timer = setInterval(() => {
      for (const zone of [...this.dirty]) this.flush(zone);
    }, flushIntervalMs);
    this.timer.unref();
  }

  /** A connection of `zone` opened. */
  opened(zone: string, facts: ConnectionFacts, stats: () => ReadonlyMap<string, KindStats>): Promise<void> {
    this.live.set(facts.id, { zone, facts, stats });
    return this.flush(zone, (spec) => ({
      ...spec,
      kdsStreams: {
        ...spec.kdsStreams,
        globalToZone: { globalInstanceId: facts.globalInstanceId, connectTime: facts.connectTime },
        zoneToGlobal: { globalInstanceId: facts.globalInstanceId, connectTime: facts.connectTime },
      },
    }));
  }

  /** A response went out on connection `id`: its counters changed. */
  updated(id: string, at: string): void {
    const live = this.live.get(id);
    if (!live) return;
    live.lastUpdateTime = at;
    this.dirty.add(live.zone);
  }

  /** Counters of connection `id` changed. */
  touched(id: string): void {
    const live = this.live.get(id);
    if (live) this.dirty.add(live.zone);
  }

  /** Connection `id` closed. */
  closed(id: string, at: string): Promise<void> {
    const live = this.live.get(id);
    if (!live) return Promise.resolve();
    live.disconnectTime = at;
    const flushed = this.flush(live.zone);
    this.live.delete(id);
    return flushed;
  }

  /** The zone called HealthCheck. */
  healthChecked(zone: string, at: string): Promise<void> {
    return this.flush(zone, (spec) => ({ ...spec, healthCheck: { time: at } }));
  }

  /** Waits for pending writes (tests, shutdown). */
  async settle(): Promise<void> {
    await Promise.all([...this.chains.values()]);
  }

  /** Closes every live connection's subscription (shutdown) and stops the timer. */
  async close(at: string): Promise<void> {
    clearInterval(this.timer);
    for (const id of [...this.live.keys()]) await this.closed(id, at);
    await this.settle();
  }

  private subscriptionOf(live: Live): KdsSubscription {
    const stats = live.stats();
    const stat: Record<string, KdsTypeStats> = {};
    for (const kind of [...stats.keys()].sort()) stat[kind] = { ...stats.get(kind)! };
    const { facts } = live;
    return {
      id: facts.id,
      globalInstanceId: facts.globalInstanceId,
      zoneInstanceId: facts.zoneInstanceId,
      connectTime: facts.connectTime,
      ...(live.disconnectTime ? { disconnectTime: live.disconnectTime } : {}),
      status: { ...(live.lastUpdateTime ? { lastUpdateTime: live.lastUpdateTime } : {}), total: totals(stats), stat },
      ...(facts.version ? { version: facts.version } : {}),
      ...(facts.config ? { config: facts.config } : {}),
      authTokenProvided: facts.authTokenProvided,
    };
  }

  /** Rewrites the zone's insight: live subscriptions replace their entries; `edit` changes the rest. */
  private flush(zone: string, edit: (spec: ZoneInsightSpec) => ZoneInsightSpec = (s) => s): Promise<void> {
    this.dirty.delete(zone);
    // Taken now: a closing connection leaves `live` right after this call.
    const current = [...this.live.values()].filter((l) => l.zone === zone).map((l) => this.subscriptionOf(l));
    const previous = this.chains.get(zone) ?? Promise.resolve();
    const next = previous.then(async () => {
      const key = { kind: 'ZoneInsight' as const, mesh: zone, name: zone };
      const stored = await this.store.get(key);
      const spec = edit((stored?.spec ?? {}) as ZoneInsightSpec);
      const ids = new Set(current.map((s) => s.id));
      const kept = (spec.subscriptions ?? []).filter((s) => !ids.has(s.id));
      const subscriptions = [...kept, ...current].slice(-SUBSCRIPTION_LIMIT);
      await this.store.put({ ...key, spec: { ...spec, subscriptions } });
    });
    const guarded = next.catch((err: unknown) => this.logger.warn({ err, zone }, 'could not write the ZoneInsight'));
    this.chains.set(zone, guarded);
    return guarded;
  }
}
