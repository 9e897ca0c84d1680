// The composition root of a universal-mode control plane. It reads as the ordered steps of a
// start: open the store, load or generate the TLS certificates, build the xDS side, generate the
// first snapshots from the fully loaded store, open the readiness gate, then serve the REST API;
// and the reverse on stop.
import path from 'node:path';
import type { KubeConfig } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { KubernetesStore } from '../k8s/kubernetes-store.js';
import type { GatewayPodSettings } from '../k8s/render/gateway-instance-input.js';
import { startAdmissionServer, type AdmissionServer } from '../k8s/webhook/admission-server.js';
import { startKubernetesControllers, type KubernetesControllers } from './kubernetes-controllers.js';
import { startStatusWriter } from './kubernetes-status-writer.js';
import { createApiServer, type ApiServer } from '../api-server/server.js';
import { MemoryStore } from '../core/memory-store.js';
import { ADMIN_USER_TOKEN, ensureAdminUserToken } from '../tokens/admin-user-token.js';
import { UserTokens } from '../tokens/user-token.js';
import { SqliteStore } from '../core/sqlite-store.js';
import type { ResourceStore } from '../core/store.js';
import { SnapshotCache } from '../xds/cache/snapshot-cache.js';
import { createAdsServer, type AdsServer } from '../xds/server/ads-server.js';
import { createBootstrapHandler } from '../xds/server/bootstrap-endpoint.js';
import { startDataplanePort, type DataplanePort } from '../xds/server/dataplane-port.js';
import { resolveDataplane } from './dataplane-registration.js';
import { runtimeApiRoutes } from './api-routes.js';
import { cacheDelivery, ResourceStatuses } from './resource-status.js';
import { Debouncer } from './debounce.js';
import { GatewaySnapshots } from './gateway-snapshots.js';
import { prepareControlPlaneTls, type ControlPlaneTls, type ControlPlaneTlsConfig } from './control-plane-tls.js';

export type { ControlPlaneTlsConfig } from './control-plane-tls.js';

/** Kubernetes-mode settings: the API server is the store; controllers and the webhook run. */
export interface KubernetesModeConfig {
  readonly kubeConfig: KubeConfig;
  /** Where the control plane runs and mesh Secrets live. */
  readonly systemNamespace: string;
  /** Global control planes run no gateway controllers (gateway.md §3.1). */
  readonly mode: 'zone' | 'global' | 'standalone';
  readonly zone?: string;
  readonly gatewayPods: GatewayPodSettings;
  /** The validating admission webhook (HTTPS); absent = not served. */
  readonly webhook?: { readonly host: string; readonly port: number; readonly cert: string; readonly key: string };
}

/** Settings of one control-plane process. */
export interface ControlPlaneConfig {
  readonly store: 'memory' | 'embedded' | 'kubernetes';
  /** Required when `store` is `kubernetes`. */
  readonly kubernetes?: KubernetesModeConfig;
  /** Where the embedded store keeps `portico.db`. */
  readonly dataDir: string;
  readonly apiHost: string;
  readonly apiPort: number;
  /** The REST API over HTTPS with the control plane's certificate (Kuma's 5682); absent = not served. */
  readonly apiHttpsPort?: number;
  /** Bind address of the HTTPS API (default `apiHost`). */
  readonly apiHttpsHost?: string;
  readonly xdsHost: string;
  readonly xdsPort: number;
  /** Quiet period before a batch of store changes is pushed (Istio's 100 ms default). */
  readonly debounceMs: number;
  /** Longest a change waits under a continuous stream of changes (Istio's 10 s default). */
  readonly maxDebounceMs: number;
  /** Delay before changed content follows a NACK (5 s, xds-server.md §14 rule 7). */
  readonly nackBackoffMs: number;
  /** REST API authentication (docs/api-auth.md). */
  readonly apiAuth: ApiAuthConfig;
  /** Certificates of the dataplane port (TLS unless `xdsPlaintext`) and of the HTTPS API. */
  readonly tls: ControlPlaneTlsConfig;
  readonly logger: Logger;
}

/** REST API authentication settings of `cp run`. */
export interface ApiAuthConfig {
  /** Direct loopback requests act as admin (Kuma's KUMA_API_SERVER_AUTHN_LOCALHOST_IS_ADMIN). */
  readonly localhostIsAdmin: boolean;
  /** Create GlobalSecret admin-user-token on first start (Kuma's ..._TOKENS_BOOTSTRAP_ADMIN_TOKEN). */
  readonly bootstrapAdminToken: boolean;
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
  apiAuth: { localhostIsAdmin: true, bootstrapAdminToken: true },
  tls: { xdsPlaintext: false, extraSubjectAltNames: [] },
};

/** A running control plane. */
export interface ControlPlane {
  readonly apiPort: number;
  /** The HTTPS API's port, when served. */
  readonly apiHttpsPort?: number;
  readonly xdsPort: number;
  /** The dataplane port (TLS state, handshake failure count). */
  readonly dataplanePort: DataplanePort;
  /** The generated CA file dataplanes and CLIs verify the control plane with (absent for operator certificates). */
  readonly caFile?: string;
  readonly store: ResourceStore;
  readonly cache: SnapshotCache;
  readonly snapshots: GatewaySnapshots;
  /** Kubernetes mode: the running controllers (absent on global control planes and elsewhere). */
  readonly controllers?: KubernetesControllers;
  /** Kubernetes mode: the admission webhook's port, when served. */
  readonly webhookPort?: number;
  /** Recompute pending changes now (tests and benchmarks; normal pushes are debounced). */
  flush(): Promise<void>;
  /** Readiness goes false, streams close, servers stop, the store closes. Idempotent. */
  stop(): Promise<void>;
}

async function openStore(config: ControlPlaneConfig): Promise<ResourceStore> {
  if (config.store === 'memory') return new MemoryStore({ logger: config.logger.child({ component: 'store' }) });
  if (config.store === 'kubernetes') {
    const k = config.kubernetes;
    if (!k) throw new Error('the kubernetes store needs Kubernetes settings');
    const store = new KubernetesStore({ kubeConfig: k.kubeConfig, logger: config.logger.child({ component: 'store' }), systemNamespace: k.systemNamespace });
    // Design rule 10: ready only after every informer completed a full list.
    await store.open();
    return store;
  }
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

/**
 * Create the admin user token unless it exists. A failure (a store refusing the write) is logged
 * and the control plane runs on: loopback admin and other admin tokens still work, as in Kuma.
 */
async function bootstrapAdminToken(store: ResourceStore, tokens: UserTokens, config: ControlPlaneConfig, logger: Logger): Promise<void> {
  try {
    if (!(await ensureAdminUserToken(store, tokens, Date.now()))) return;
    const where = config.store === 'kubernetes' ? `Secret ${ADMIN_USER_TOKEN.name} in namespace ${config.kubernetes?.systemNamespace ?? ''}` : `GlobalSecret ${ADMIN_USER_TOKEN.name}`;
    const how = config.apiAuth.localhostIsAdmin
      ? "on this machine, print it with 'portico admin-token'"
      : 'loopback admin is off, so fetch it once with loopback admin on (or from the store)';
    logger.info(`created the admin user token as ${where}; ${how}, and give it to remote admins as their API token (docs/api-auth.md)`);
  } catch (err) {
    logger.error({ err }, 'could not create the admin user token');
  }
}

/** Start a control plane; resolves once it is ready (store loaded, first snapshots published). */
export async function startControlPlane(config: ControlPlaneConfig): Promise<ControlPlane> {
  const { logger } = config;
  // Certificates first: a bad certificate file stops the start before anything is opened.
  const tls: ControlPlaneTls = await prepareControlPlaneTls({ ...config, logger: logger.child({ component: 'tls' }) });
  const store = await openStore(config);
  if (config.tls.xdsPlaintext) logger.warn('the dataplane port serves plaintext (--xds-plaintext): tokens and secrets cross the network unencrypted');
  const cache = new SnapshotCache();
  const statuses = new ResourceStatuses({ delivery: cacheDelivery(cache) });
  const snapshots = new GatewaySnapshots(store, cache, logger.child({ component: 'snapshots' }), statuses);
  const loop = regenerationLoop(snapshots, logger);
  const debouncer = new Debouncer(loop.request, config.debounceMs, config.maxDebounceMs);
  const unwatch = store.watch((event) => {
    // GlobalSecrets (token signing keys) never reach a proxy's config.
    if (event.key.kind === 'GlobalSecret') return;
    snapshots.markDirty(event.key.kind === 'Mesh' ? event.key.name : event.key.mesh);
    debouncer.trigger();
  });

  const ads: AdsServer = createAdsServer({ cache, logger, nackBackoffMs: config.nackBackoffMs });
  let servingCert = tls.serving.cert;
  const bootstrapHandler = createBootstrapHandler({
    logger: logger.child({ component: 'bootstrap' }),
    servingCertificate: () => servingCert,
    // On Kubernetes the pod controller owns Dataplanes: a proxy never registers one itself.
    resolveDataplane: (req) =>
      resolveDataplane(store, config.store === 'kubernetes' ? { mesh: req.mesh, name: req.name } : req),
  });
  const dataplanePort: DataplanePort = await startDataplanePort({
    host: config.xdsHost,
    port: config.xdsPort,
    adsServer: ads,
    bootstrapHandler,
    logger,
    ...(config.tls.xdsPlaintext ? {} : { tls: tls.serving }),
  });

  // Design rule 10: nothing is answered before the first full load has produced snapshots.
  loop.request();
  await loop.settle();
  cache.setReady();

  const userTokens = new UserTokens(store);
  if (config.apiAuth.bootstrapAdminToken) await bootstrapAdminToken(store, userTokens, config, logger);

  let stopping = false;
  const api: ApiServer = createApiServer({
    store,
    logger: logger.child({ component: 'api' }),
    userTokens,
    auth: { localhostIsAdmin: config.apiAuth.localhostIsAdmin },
    isReady: () => !stopping && cache.isReady(),
    extraRoutes: runtimeApiRoutes(store, cache, statuses),
    ...(config.store === 'kubernetes'
      ? { readOnly: 'the REST API is read-only in Kubernetes mode: change resources with kubectl (they are validated by the admission webhook)' }
      : {}),
  });
  const apiPort = await api.listen(config.apiPort, config.apiHost);
  const apiHttpsPort =
    config.apiHttpsPort === undefined ? undefined : await api.listenHttps(config.apiHttpsPort, config.apiHttpsHost ?? config.apiHost, tls.serving);
  // A replaced certificate file reaches both TLS listeners; open connections keep the old one.
  tls.watch((next) => {
    servingCert = next.cert;
    dataplanePort.setCertificate(next);
    api.setCertificate(next);
  });
  const k8s = config.kubernetes;
  const controllers =
    config.store === 'kubernetes' && k8s && k8s.mode !== 'global'
      ? startKubernetesControllers({
          kubeConfig: k8s.kubeConfig,
          store,
          logger: logger.child({ component: 'controllers' }),
          // Gateway pods verify the control plane by its generated CA unless the operator named one.
          gatewayPods: k8s.gatewayPods.caCert || !tls.caPem ? k8s.gatewayPods : { ...k8s.gatewayPods, caCert: tls.caPem },
          ...(k8s.zone ? { zone: k8s.zone } : {}),
        })
      : undefined;
  await controllers?.synced;
  // Status is written by zone (and standalone) control planes, like the controllers.
  const statusWriter = controllers && k8s ? startStatusWriter({ kubeConfig: k8s.kubeConfig, store, statuses, logger: logger.child({ component: 'status' }) }) : undefined;
  const webhook: AdmissionServer | undefined =
    k8s?.webhook && config.store === 'kubernetes'
      ? await startAdmissionServer({
          host: k8s.webhook.host,
          port: k8s.webhook.port,
          tls: { cert: k8s.webhook.cert, key: k8s.webhook.key },
          mode: k8s.mode,
          logger: logger.child({ component: 'webhook' }),
        })
      : undefined;
  logger.info({ apiPort, xdsPort: dataplanePort.port, apiHttpsPort, webhookPort: webhook?.port }, 'control plane ready');

  let stopped: Promise<void> | undefined;
  return {
    apiPort,
    ...(apiHttpsPort !== undefined ? { apiHttpsPort } : {}),
    xdsPort: dataplanePort.port,
    dataplanePort,
    ...(tls.caFile ? { caFile: tls.caFile } : {}),
    store,
    cache,
    snapshots,
    ...(controllers ? { controllers } : {}),
    ...(webhook ? { webhookPort: webhook.port } : {}),
    async flush() {
      debouncer.flush();
      await loop.settle();
    },
    stop() {
      stopped ??= (async () => {
        stopping = true;
        statusWriter?.stop();
        await controllers?.stop();
        await webhook?.close();
        unwatch();
        debouncer.cancel();
        tls.stop();
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
