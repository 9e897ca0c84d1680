// The composition root of a universal-mode control plane. It reads as the ordered steps of a
// start: open the store, build the xDS side, generate the first snapshots from the fully loaded
// store, open the readiness gate, then serve the REST API; and the reverse on stop.
import path from 'node:path';
import type { Logger } from 'pino';
import { createApiServer, type ApiServer } from '../api-server/server.js';
import { MemoryStore } from '../core/memory-store.js';
import { SqliteStore } from '../core/sqlite-store.js';
import type { ResourceStore } from '../core/store.js';
import { SnapshotCache } from '../xds/cache/snapshot-cache.js';
import { createAdsServer, type AdsServer } from '../xds/server/ads-server.js';
import { createBootstrapHandler } from '../xds/server/bootstrap-endpoint.js';
import { startDataplanePort, type DataplanePort } from '../xds/server/dataplane-port.js';
import { resolveDataplane } from './dataplane-registration.js';
import { xdsDumpRoute } from './xds-dump-route.js';
import { cacheDelivery, ResourceStatuses } from './resource-status.js';
import { statusRoutes } from './status-route.js';
import { Debouncer } from './debounce.js';
import { GatewaySnapshots } from './gateway-snapshots.js';

/** Settings of one control-plane process. */
export interface ControlPlaneConfig {
  readonly store: 'memory' | 'embedded';
  /** Where the embedded store keeps `portico.db`. */
  readonly dataDir: string;
  readonly apiHost: string;
  readonly apiPort: number;
  readonly xdsHost: string;
  readonly xdsPort: number;
  /** Quiet period before a batch of store changes is pushed (Istio's 100 ms default). */
  readonly debounceMs: number;
  /** Longest a change waits under a continuous stream of changes (Istio's 10 s default). */
  readonly maxDebounceMs: number;
  /** Delay before changed content follows a NACK (5 s, xds-server.md §14 rule 7). */
  readonly nackBackoffMs: number;
  readonly logger: Logger;
}

/** Defaults of `portico cp run`. */
export const DEFAULT_CONFIG: Omit<ControlPlaneConfig, 'logger'> = {
  store: 'embedded',
  dataDir: path.resolve('.portico'),
  apiHost: '127.0.0.1',
  apiPort: 5681,
  xdsHost: '127.0.0.1',
  xdsPort: 5678,
  debounceMs: 100,
  maxDebounceMs: 10_000,
  nackBackoffMs: 5_000,
};

/** A running control plane. */
export interface ControlPlane {
  readonly apiPort: number;
  readonly xdsPort: number;
  readonly store: ResourceStore;
  readonly cache: SnapshotCache;
  readonly snapshots: GatewaySnapshots;
  /** Recompute pending changes now (tests and benchmarks; normal pushes are debounced). */
  flush(): Promise<void>;
  /** Readiness goes false, streams close, servers stop, the store closes. Idempotent. */
  stop(): Promise<void>;
}

async function openStore(config: ControlPlaneConfig): Promise<ResourceStore> {
  if (config.store === 'memory') return new MemoryStore({ logger: config.logger.child({ component: 'store' }) });
  return SqliteStore.open({ dataDir: config.dataDir, logger: config.logger.child({ component: 'store' }) });
}

/** Serialises regenerations: one at a time, and one more if changes arrived meanwhile. */
function regenerationLoop(snapshots: GatewaySnapshots, logger: Logger): { request: () => void; settle: () => Promise<void> } {
  let running: Promise<void> | undefined;
  let again = false;
  const run = async (): Promise<void> => {
    do {
      again = false;
      try {
        await snapshots.regenerate();
      } catch (err) {
        logger.error({ err }, 'snapshot generation failed; proxies keep their last good config');
      }
    } while (again);
  };
  const request = () => {
    if (running) {
      again = true;
      return;
    }
    running = run().finally(() => (running = undefined));
  };
  return { request, settle: async () => { while (running) await running; } };
}

/** Start a control plane; resolves once it is ready (store loaded, first snapshots published). */
export async function startControlPlane(config: ControlPlaneConfig): Promise<ControlPlane> {
  const { logger } = config;
  const store = await openStore(config);
  const cache = new SnapshotCache();
  const statuses = new ResourceStatuses({ delivery: cacheDelivery(cache) });
  const snapshots = new GatewaySnapshots(store, cache, logger.child({ component: 'snapshots' }), statuses);
  const loop = regenerationLoop(snapshots, logger);
  const debouncer = new Debouncer(loop.request, config.debounceMs, config.maxDebounceMs);
  const unwatch = store.watch((event) => {
    snapshots.markDirty(event.key.kind === 'Mesh' ? event.key.name : event.key.mesh);
    debouncer.trigger();
  });

  const ads: AdsServer = createAdsServer({ cache, logger, nackBackoffMs: config.nackBackoffMs });
  const bootstrapHandler = createBootstrapHandler({
    logger: logger.child({ component: 'bootstrap' }),
    resolveDataplane: (req) => resolveDataplane(store, req),
  });
  const dataplanePort: DataplanePort = await startDataplanePort({
    host: config.xdsHost,
    port: config.xdsPort,
    adsServer: ads,
    bootstrapHandler,
    logger,
  });

  // Design rule 10: nothing is answered before the first full load has produced snapshots.
  loop.request();
  await loop.settle();
  cache.setReady();

  let stopping = false;
  const api: ApiServer = createApiServer({
    store,
    logger: logger.child({ component: 'api' }),
    isReady: () => !stopping && cache.isReady(),
    extraRoutes: [xdsDumpRoute(cache), ...statusRoutes(statuses)],
  });
  const apiPort = await api.listen(config.apiPort, config.apiHost);
  logger.info({ apiPort, xdsPort: dataplanePort.port }, 'control plane ready');

  let stopped: Promise<void> | undefined;
  return {
    apiPort,
    xdsPort: dataplanePort.port,
    store,
    cache,
    snapshots,
    async flush() {
      debouncer.flush();
      await loop.settle();
    },
    stop() {
      stopped ??= (async () => {
        stopping = true;
        unwatch();
        debouncer.cancel();
        await dataplanePort.close();
        await ads.close();
        await api.close();
        await loop.settle();
        await store.close();
      })();
      return stopped;
    },
  };
}
