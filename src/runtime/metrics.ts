// The control plane's Prometheus metrics (docs/operations.md, "Metrics"). Kuma's names where Kuma
// has the metric (xds_streams_active, xds_requests_received, xds_responses_sent, xds_generation,
// xds_generation_errors), `portico_` for the rest, and prom-client's Node.js process metrics
// (event-loop lag, heap, GC, CPU). Counters read the totals the xDS server keeps, at scrape time.
import client from 'prom-client';
import type { DeliveryStatus } from '../xds/cache/delivery-status.js';
import type { GenerationStats } from '../generation/engine.js';

/** What the metrics read. */
export interface MetricsSources {
  readonly delivery: DeliveryStatus;
  readonly generation: GenerationStats;
  /** Regenerations waiting: 0, or 1 when changes arrived during the running one. */
  readonly pendingRegenerations: () => number;
  /** Kubernetes mode: each watcher's health. */
  readonly watchers?: () => Readonly<Record<string, { readonly healthy: boolean }>>;
  /** Postgres store: whether its change feed is connected. */
  readonly storeFeed?: () => boolean;
  /** Leader election, where this control plane takes part in one. */
  readonly leader?: () => boolean;
}

/** The registry, and the hooks the runtime calls as things happen. */
export interface ControlPlaneMetrics {
  readonly registry: client.Registry;
  /** One regeneration took `seconds`. */
  observeGeneration(seconds: number): void;
  /** A proxy ACKed a type `seconds` after the change that produced it (change-to-ack.ts). */
  observeChangeToAck(typeUrl: string, seconds: number): void;
  /** One store operation (store-timing.ts). */
  observeStoreOperation(operation: string, kind: string, seconds: number, ok: boolean): void;
  stop(): void;
}

const SECONDS_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/** Builds the registry over `sources`. */
export function createMetrics(sources: MetricsSources): ControlPlaneMetrics {
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry });
  const registers = [registry];

  new client.Gauge({
    name: 'xds_streams_active',
    help: 'ADS streams open now',
    registers,
    collect() {
      this.set(sources.delivery.totals().activeStreams);
    },
  });
  new client.Counter({
    name: 'xds_responses_sent',
    help: 'xDS responses sent, by type',
    labelNames: ['type_url'] as const,
    registers,
    collect() {
      this.reset();
      for (const [typeUrl, t] of sources.delivery.totals().byType) this.inc({ type_url: typeUrl }, t.sent);
    },
  });
  new client.Counter({
    name: 'xds_requests_received',
    help: 'xDS requests that answered a response, by type and confirmation (ACK or NACK)',
    labelNames: ['type_url', 'confirmation'] as const,
    registers,
    collect() {
      this.reset();
      for (const [typeUrl, t] of sources.delivery.totals().byType) {
        this.inc({ type_url: typeUrl, confirmation: 'ACK' }, t.acks);
        this.inc({ type_url: typeUrl, confirmation: 'NACK' }, t.nacks);
      }
    },
  });
  const ackLatency = new client.Histogram({
    name: 'portico_xds_ack_latency_seconds',
    help: 'Time from sending an xDS response to its ACK, per response',
    labelNames: ['type_url'] as const,
    buckets: SECONDS_BUCKETS,
    registers,
  });
  const stopAcks = sources.delivery.onAck((event) => {
    if (event.sentAt) ackLatency.observe({ type_url: event.typeUrl }, Math.max(0, event.at.getTime() - event.sentAt.getTime()) / 1000);
  });
  const changeToAck = new client.Histogram({
    name: 'portico_xds_change_to_ack_seconds',
    help: 'Time from a change reaching the control plane to a proxy ACKing the configuration it produced, per proxy and type',
    labelNames: ['type_url'] as const,
    buckets: SECONDS_BUCKETS,
    registers,
  });
  const storeOperations = new client.Histogram({
    name: 'portico_store_operation_seconds',
    help: 'Time of one resource store operation, by operation, resource type and result',
    labelNames: ['operation', 'resource_type', 'result'] as const,
    buckets: SECONDS_BUCKETS,
    registers,
  });
  const generation = new client.Histogram({ name: 'xds_generation', help: 'Time of one regeneration of every changed proxy, in seconds', buckets: SECONDS_BUCKETS, registers });
  new client.Counter({
    name: 'xds_generation_errors',
    help: 'Translations that failed (the proxy kept its last good config)',
    registers,
    collect() {
      this.reset();
      this.inc(sources.generation.errors);
    },
  });
  new client.Gauge({
    name: 'portico_regeneration_pending',
    help: 'Regenerations queued behind the running one',
    registers,
    collect() {
      this.set(sources.pendingRegenerations());
    },
  });
  if (sources.watchers) {
    const watchers = sources.watchers;
    new client.Gauge({
      name: 'portico_kubernetes_watcher_healthy',
      help: 'Whether each Kubernetes watcher is healthy (1) or failing (0)',
      labelNames: ['watcher'] as const,
      registers,
      collect() {
        this.reset();
        for (const [watcher, health] of Object.entries(watchers())) this.set({ watcher }, health.healthy ? 1 : 0);
      },
    });
  }
  if (sources.storeFeed) {
    const feed = sources.storeFeed;
    new client.Gauge({
      name: 'portico_store_feed_connected',
      help: 'Whether the Postgres store is receiving changes (1) or serving its last revision (0)',
      registers,
      collect() {
        this.set(feed() ? 1 : 0);
      },
    });
  }
  if (sources.leader) {
    const leader = sources.leader;
    new client.Gauge({
      name: 'leader',
      help: 'Whether this replica is the leader (1) or not (0)',
      registers,
      collect() {
        this.set(leader() ? 1 : 0);
      },
    });
  }
  return {
    registry,
    observeGeneration: (seconds) => generation.observe(seconds),
    observeChangeToAck: (typeUrl, seconds) => changeToAck.observe({ type_url: typeUrl }, seconds),
    observeStoreOperation: (operation, kind, seconds, ok) => storeOperations.observe({ operation, resource_type: kind, result: ok ? 'ok' : 'error' }, seconds),
    stop: () => {
      stopAcks();
      registry.clear();
    },
  };
}
