// The composition root of a control plane. It reads as the ordered steps of a start: load or
// generate the TLS certificates, open the store, build the xDS side, generate the first snapshots
// from the fully loaded store, open the readiness gate, then serve the REST API; and the reverse on
// stop. In Kubernetes mode the REST API (and its GET /ready) listens before the store's first sync,
// because that sync waits for the API server as long as it takes: meanwhile /ready answers 503 and
// says which watchers are waiting.
import type { Logger } from 'pino';
import type { KubernetesStore } from '../k8s/kubernetes-store.js';
import type { AdmissionServer } from '../k8s/webhook/admission-server.js';
import type { MultizoneAdmission } from '../k8s/webhook/admit.js';
import type { KubernetesControllers } from './kubernetes-controllers.js';
import { createApiServer, type ApiServer } from '../api-server/server.js';
import { MemoryStore } from '../core/memory-store.js';
import { ADMIN_USER_TOKEN, ensureAdminUserToken } from '../tokens/admin-user-token.js';
import { UserTokens } from '../tokens/user-token.js';
import { SqliteStore } from '../core/sqlite-store.js';
import type { ResourceStore } from '../core/store.js';
import type { StoredResource } from '../core/resource.js';
import { SnapshotCache } from '../xds/cache/snapshot-cache.js';
import { createAdsServer, type AdsServer } from '../xds/server/ads-server.js';
import { createBootstrapHandler } from '../xds/server/bootstrap-endpoint.js';
import { startDataplanePort, type DataplanePort } from '../xds/server/dataplane-port.js';
import { DataplaneTokens } from '../tokens/dataplane-token.js';
import { dataplaneAuthentication } from './dataplane-authentication.js';
import { resolveDataplane } from './dataplane-registration.js';
import { resolveZoneIngress } from './zone-ingress-registration.js';
import { INGRESS_PROXY_TYPE } from '../xds/server/bootstrap-request.js';
import { ZoneTokens } from '../tokens/zone-token.js';
import { runtimeApiRoutes } from './api-routes.js';
import { readinessRoute } from './readiness-route.js';
import { logLevelRoutes } from './log-level-route.js';
import type { ControlPlaneMetrics } from './metrics.js';
import { meshCaChecks } from './mesh-ca-checks.js';
import { MeshDefaultsReconciler } from './mesh-defaults-reconciler.js';
import { MeshCaReconciler } from './mesh-ca-secrets.js';
import { meshCompanions } from './mesh-companions.js';
import type { WatcherHealth } from '../k8s/watch/resource-watcher.js';
import { cacheDelivery, ResourceStatuses } from './resource-status.js';
import { trackChangeToAck, type ChangeToAck } from './change-to-ack.js';
import { instrumentStore, type StoreObserver } from './store-timing.js';
import { Debouncer } from './debounce.js';
import { GenerationEngine } from '../generation/engine.js';
import { readCertificateFiles } from './certificate-files.js';
import { CertificateFileWatch } from './certificate-file-watch.js';
import { prepareControlPlaneTls, type ControlPlaneTls, type ControlPlaneTlsConfig } from './control-plane-tls.js';
import { DEFAULT_MULTIZONE, isFederatedZone, multizoneConfigError, writeRoleOf, type MultizoneConfig } from './multizone-config.js';
import { startMultizoneSync, type LeaderOnlySync, type MultizoneSync } from './multizone-sync.js';
import { porticoVersion } from '../api-server/version.js';
import { tuneHeapForServing } from './heap-tuning.js';
import { componentLogger } from './component-logger.js';
import { IngressHostResolver } from './ingress-host-resolver.js';
import { type ControlPlaneConfig, type KubernetesModeConfig } from './control-plane-config.js';
import { regenerationLoop } from './regeneration-loop.js';
import { startReplicaDelivery } from './replica-delivery.js';
import { startLeaderDuties, type LeaderDuties } from './leader-duties.js';

export type { MultizoneConfig } from './multizone-config.js';
export { DEFAULT_CONFIG, LEADER_LEASE_NAME } from './control-plane-config.js';
export type { ApiAuthConfig, ControlPlaneConfig, KubernetesModeConfig, LeaderElectionSettings, PostgresSettings } from './control-plane-config.js';

export type { ControlPlaneTlsConfig } from './control-plane-tls.js';

/** A running control plane. */
export interface ControlPlane {
  readonly apiPort: number;
  /** The HTTPS API's port, when served. */
  readonly apiHttpsPort?: number;
  /** The dataplane port's number; absent on a global, which accepts no proxies (docs/multizone.md §1). */
  readonly xdsPort?: number;
  /** The dataplane port (TLS state, handshake failure count); absent on a global. */
  readonly dataplanePort?: DataplanePort;
  /** The multi-zone role this control plane runs in. */
  readonly multizone: MultizoneConfig;
  /** The sync side of that role: the global's sync port and services, or a federated zone's client. */
  readonly sync: MultizoneSync;
  /** The generated CA file dataplanes and CLIs verify the control plane with (absent for operator certificates). */
  readonly caFile?: string;
  readonly store: ResourceStore;
  readonly cache: SnapshotCache;
  /** The generation engine (its stats: generations, translations, errors). */
  readonly snapshots: GenerationEngine;
  /** The ADS server on the dataplane port (its methods() are what the RPC coverage test walks). */
  readonly adsServer: AdsServer;
  /** Kubernetes mode: the running controllers (absent on global control planes, on replicas that do not lead, and elsewhere). */
  readonly controllers?: KubernetesControllers;
  /** Kubernetes mode: the admission webhook's port, when served. */
  readonly webhookPort?: number;
  /** The diagnostics port (/metrics, /ready, /healthy), when served. */
  readonly diagnosticsPort?: number;
  /** Recompute pending changes now (tests and benchmarks; normal pushes are debounced). */
  flush(): Promise<void>;
  /** Readiness goes false, streams close, servers stop, the store closes. Idempotent. */
  stop(): Promise<void>;
}

/** What Kubernetes mode starts, loaded only in that mode (see kubernetes-mode.ts). */
type KubernetesMode = typeof import('./kubernetes-mode.js');

// The Kubernetes store is returned unopened: its first sync waits for the API server, and the
// REST API must answer /ready meanwhile (see the header).
async function createStore(config: ControlPlaneConfig, kube: KubernetesMode | undefined): Promise<ResourceStore> {
  if (config.store === 'memory') return new MemoryStore({ logger: componentLogger(config.logger, 'store') });
  if (config.store === 'kubernetes') {
    const k = config.kubernetes;
    if (!k || !kube) throw new Error('the kubernetes store needs Kubernetes settings');
    return new kube.KubernetesStore({ kubeConfig: k.kubeConfig, logger: componentLogger(config.logger, 'store'), systemNamespace: k.systemNamespace });
  }
  if (config.store === 'postgres') {
    if (!config.postgres) throw new Error('the postgres store needs connection settings');
    // Loaded only here: the pg driver stays out of every other start.
    const { PostgresStore } = await import('../core/postgres-store.js');
    return PostgresStore.open({ connection: config.postgres.connection, maxConnections: config.postgres.maxConnections, logger: componentLogger(config.logger, 'store') });
  }
  return SqliteStore.open({ dataDir: config.dataDir, logger: componentLogger(config.logger, 'store') });
}

/** Every Kubernetes watcher's health, named `store/<Kind>` and `controllers/<path>`. */
function watcherHealth(store: KubernetesStore | undefined, controllers: KubernetesControllers | undefined): Record<string, WatcherHealth> {
  const out: Record<string, WatcherHealth> = {};
  for (const [kind, health] of Object.entries(store?.health() ?? {})) if (health) out[`store/${kind}`] = health;
  for (const [path, health] of Object.entries(controllers?.health() ?? {})) out[`controllers${path}`] = health;
  return out;
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

/**
 * The admission webhook's multi-zone rules on a global or a federated zone (docs/multizone.md §5): the
 * role, and the users they do not bind: this control plane as the API server knows it (asked with a
 * SelfSubjectReview; the ServiceAccount `install control-plane` creates if that fails), and the
 * cluster's garbage collector and namespace controller.
 */
async function webhookMultizone(k8s: KubernetesModeConfig, multizone: MultizoneConfig, kube: KubernetesMode, logger: Logger): Promise<{ multizone?: MultizoneAdmission }> {
  const role = writeRoleOf(multizone);
  if (role.mode === 'zone' && !role.federated) return {};
  let self: string;
  try {
    self = await kube.selfUsername(k8s.kubeConfig);
  } catch (err) {
    self = kube.installedControlPlaneUser(k8s.systemNamespace, kube.CONTROL_PLANE_NAME);
    logger.warn({ err, assumed: self }, 'could not ask the API server who this control plane is; the webhook exempts the installed ServiceAccount from the multi-zone rules');
  }
  logger.info({ user: self }, 'admission webhook: multi-zone write rules apply to every user but this control plane');
  return { multizone: { role, trustedUsers: new Set([self, ...kube.SYSTEM_TRUSTED_USERS]) } };
}

/**
 * Start a control plane; resolves once it is ready (store loaded, first snapshots published). In
 * Kubernetes mode that waits for the API server however long it takes (the watchers retry with
 * backoff and warn with the reason); a failure that retrying cannot fix rejects, after closing
 * whatever had started.
 */
export async function startControlPlane(config: ControlPlaneConfig): Promise<ControlPlane> {
  const cleanups: Array<() => Promise<void>> = [];
  try {
    return await startSteps(config, cleanups);
  } catch (err) {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
    throw err;
  }
}

async function startSteps(config: ControlPlaneConfig, cleanups: Array<() => Promise<void>>): Promise<ControlPlane> {
  const { logger } = config;
  // The control plane's own lines; every part below names itself (component-logger.ts).
  const cpLog = componentLogger(logger, 'cp');
  cpLog.debug({ heap: tuneHeapForServing() }, 'heap tuned for serving');
  // The role first: a bad zone name or global address is a setting to fix, not something to retry.
  const multizone = config.multizone ?? DEFAULT_MULTIZONE;
  const invalid = multizoneConfigError(multizone);
  if (invalid) throw new Error(invalid);
  // Certificates first: a bad certificate file stops the start before anything is opened.
  const tls: ControlPlaneTls = await prepareControlPlaneTls({ ...config, logger: componentLogger(logger, 'tls') });
  cleanups.push(async () => tls.stop());
  if (config.tls.xdsPlaintext) cpLog.warn('the dataplane port serves plaintext (--xds-plaintext): tokens and secrets cross the network unencrypted');
  const kube: KubernetesMode | undefined = config.store === 'kubernetes' ? await import('./kubernetes-mode.js') : undefined;
  const store = await createStore(config, kube);
  // Timed from the start; observed once metrics are served.
  let storeObserver: StoreObserver | undefined;
  instrumentStore(store, () => storeObserver);
  const kubeStore = kube && store instanceof kube.KubernetesStore ? store : undefined;
  cleanups.push(() => store.close());
  const cache = new SnapshotCache();
  // Several replicas share their proxies' delivery, so a status read or written by any replica counts
  // every replica's proxies (docs/postgres-store.md, "Delivery state shared by the replicas").
  const shared = await startReplicaDelivery(config, cache, componentLogger(logger, 'delivery'));
  if (shared) cleanups.push(() => shared.stop());
  const statuses = new ResourceStatuses({ delivery: shared?.lookup() ?? cacheDelivery(cache) });
  const snapshots = new GenerationEngine({
    store,
    cache,
    logger: componentLogger(logger, 'snapshots'),
    statuses,
    readFiles: readCertificateFiles,
    // A certificate falling due is a change like any other: it goes through the debounce.
    onRenewalDue: () => triggerChange(),
    ...(config.generationWorkerThreshold !== undefined ? { workerThreshold: config.generationWorkerThreshold } : {}),
    // Its own ZoneIngresses get proxies; other zones' are routes there (docs/multizone.md).
    zone: multizone.zone,
  });
  // Replaced certificate files regenerate the identities that read them (docs/generation.md).
  const fileWatch = new CertificateFileWatch((file) => {
    snapshots.onFileChange(file);
    triggerChange();
  });
  let metrics: ControlPlaneMetrics | undefined;
  // Present while metrics are served: change-to-ACK times need the change and generation times.
  let changeToAck: ChangeToAck | undefined;
  const loop = regenerationLoop(snapshots, componentLogger(logger, 'snapshots'), {
    before: () => changeToAck?.generationStarting(),
    after: (seconds) => {
      changeToAck?.generationDone();
      fileWatch.set(snapshots.watchedFiles());
      metrics?.observeGeneration(seconds);
    },
  });
  const debouncer = new Debouncer(loop.request, config.debounceMs, config.maxDebounceMs);
  // Every change that may alter a proxy's config goes through here: the debounce, and its time.
  const triggerChange = (): void => {
    changeToAck?.changed();
    debouncer.trigger();
  };
  // A global serves no proxies: the Dataplanes zones send it are inventory, never translated.
  const generates = multizone.mode !== 'global';
  const unwatch = store.watch((event) => {
    // GlobalSecrets (token signing keys) never reach a proxy's config.
    if (event.key.kind === 'GlobalSecret' || !generates) return;
    snapshots.onChange(event);
    triggerChange();
  });
  // Other zones' ingresses advertising a DNS name are dialled at the address it resolves to.
  const ingressHosts = generates && multizone.mode === 'zone'
    ? new IngressHostResolver({
        store,
        zone: multizone.zone,
        logger: componentLogger(logger, 'ingress-hosts'),
        onChange: (hosts) => {
          if (snapshots.setResolvedHosts(hosts)) triggerChange();
        },
      })
    : undefined;
  ingressHosts?.start();
  cleanups.push(async () => {
    ingressHosts?.stop();
    unwatch();
    fileWatch.close();
    debouncer.cancel();
    await loop.settle();
    await snapshots.close();
  });

  let started = false;
  let stopping = false;
  // Set once the leader-only work has started (near the end of the start).
  let leadership: LeaderDuties | undefined;
  // One check for ADS and /bootstrap: dataplane tokens in universal mode, ServiceAccount tokens in
  // Kubernetes mode, unless explicitly off (docs/dataplane-auth.md).
  const tokens = new DataplaneTokens(store);
  const userTokens = new UserTokens(store);
  const api: ApiServer = createApiServer({
    store,
    logger: componentLogger(logger, 'api'),
    userTokens,
    auth: { localhostIsAdmin: config.apiAuth.localhostIsAdmin },
    role: writeRoleOf(multizone),
    isReady: () => started && !stopping && cache.isReady(),
    extraRoutes: [
      ...logLevelRoutes(logger, cpLog),
      // Dataplane tokens are universal mode's proxy credential; Kubernetes proxies use their ServiceAccount.
      ...runtimeApiRoutes(store, cache, statuses, {
        ...(config.store === 'kubernetes' ? {} : { dataplaneTokens: tokens }),
        certificates: (nodeId) => snapshots.certificates.insight(nodeId),
        zoneTokens: !isFederatedZone(multizone),
        ...(ingressHosts ? { resolveIngressHost: (name: string) => ingressHosts.resolved(name) } : {}),
        ...(shared ? { records: (nodeId: string) => shared.records(nodeId) } : {}),
        ...(tls.adminClient ? { adminClient: tls.adminClient } : {}),
      }),
      ...(config.store === 'kubernetes'
        ? [
            readinessRoute({
              started: () => started && !stopping && cache.isReady(),
              watchers: () => watcherHealth(kubeStore, leadership?.controllers()),
              ...(config.kubernetes?.leaderElection ? { leadership: () => ({ leader: leadership?.election?.isLeader() ?? false, holder: leadership?.election?.holder() ?? '' }) } : {}),
            }),
          ]
        : []),
    ],
    ...(config.store === 'kubernetes'
      ? { readOnly: 'the REST API is read-only in Kubernetes mode: change resources with kubectl (they are validated by the admission webhook)' }
      : { companions: meshCompanions(store, { defaultPolicies: config.meshDefaultPolicies ?? true }), checks: meshCaChecks(store, readCertificateFiles) }),
  });
  const apiPort = await api.listen(config.apiPort, config.apiHost);
  cleanups.push(() => api.close());
  let diagnosticsPort: number | undefined;
  let stopDiagnostics = async (): Promise<void> => {};
  if (config.diagnosticsPort !== undefined) {
    // prom-client loads only where metrics are served.
    const [{ createMetrics }, { startDiagnosticsServer }] = await Promise.all([import('./metrics.js'), import('./diagnostics-server.js')]);
    const feed = storeFeed(store);
    metrics = createMetrics({
      delivery: cache.delivery,
      generation: snapshots.stats,
      pendingRegenerations: loop.pending,
      ...(kubeStore ? { watchers: () => watcherHealth(kubeStore, leadership?.controllers()) } : {}),
      ...(feed ? { storeFeed: feed } : {}),
      ...(config.kubernetes?.leaderElection || config.postgres?.leaderElection ? { leader: () => leadership?.election?.isLeader() ?? false } : {}),
    });
    storeObserver = metrics.observeStoreOperation;
    const tracking = trackChangeToAck(cache, (typeUrl, seconds) => metrics?.observeChangeToAck(typeUrl, seconds));
    changeToAck = tracking.tracker;
    const diagnostics = await startDiagnosticsServer({
      host: config.diagnosticsHost ?? config.apiHost,
      port: config.diagnosticsPort,
      metrics,
      logger: componentLogger(logger, 'diagnostics'),
      notReady: () => notReadyReasons({ started: started && !stopping && cache.isReady(), watchers: kubeStore ? watcherHealth(kubeStore, leadership?.controllers()) : {}, feed }),
    });
    diagnosticsPort = diagnostics.port;
    stopDiagnostics = async () => {
      tracking.stop();
      await diagnostics.close();
      metrics?.stop();
    };
    cleanups.push(stopDiagnostics);
  }
  if (kubeStore) {
    cpLog.info({ apiPort }, 'REST API listening; waiting for the first list of every kind from the Kubernetes API server (GET /ready says which)');
    // Design rule 10: ready only after every watcher completed a full list.
    await kubeStore.open();
  }

  const authentication = dataplaneAuthentication({
    store: config.store,
    type: config.dataplaneAuth,
    resources: store,
    tokens,
    // Zone ingresses present zone tokens of scope ingress for this zone (docs/multizone.md "Tokens").
    zoneIngresses: { tokens: new ZoneTokens(store), zone: multizone.zone },
    logger: componentLogger(logger, 'dataplane-auth'),
    ...(config.kubernetes && kube ? { serviceAccounts: kube.createServiceAccountAuthenticator({ kubeConfig: config.kubernetes.kubeConfig }) } : {}),
  });
  const ads: AdsServer = createAdsServer({
    cache,
    logger: componentLogger(logger, 'ads'),
    nackBackoffMs: config.nackBackoffMs,
    authentication,
    ...(config.xdsAdmission ? { admission: config.xdsAdmission } : {}),
  });
  cleanups.push(() => ads.close());
  let servingCert = tls.serving.cert;
  const bootstrapHandler = createBootstrapHandler({
    logger: componentLogger(logger, 'bootstrap'),
    authentication,
    servingCertificate: () => servingCert,
    // On Kubernetes the pod controller owns Dataplanes: a proxy never registers one itself.
    resolveDataplane: (req) => {
      // A zone ingress (docs/multizone.md "Zone ingresses") registers its ZoneIngress the same way.
      if (req.proxyType === INGRESS_PROXY_TYPE) {
        return resolveZoneIngress(store, config.store === 'kubernetes' ? { name: req.name } : req, multizone.zone, writeRoleOf(multizone));
      }
      return resolveDataplane(store, config.store === 'kubernetes' ? { mesh: req.mesh, name: req.name } : req, writeRoleOf(multizone));
    },
  });
  // A global accepts no proxies: nothing listens on the dataplane port (Kuma's dp-server is not
  // started there), so a proxy pointed at it fails to connect instead of getting an empty config.
  const dataplanePort: DataplanePort | undefined =
    multizone.mode === 'global'
      ? undefined
      : await startDataplanePort({
          host: config.xdsHost,
          port: config.xdsPort,
          adsServer: ads,
          bootstrapHandler,
          logger: componentLogger(logger, 'dataplane-port'),
          ...(config.tls.xdsPlaintext ? {} : { tls: tls.serving }),
        });
  if (dataplanePort) cleanups.push(() => dataplanePort.close());

  // Builtin CAs of Meshes written without the REST API (kubectl, a store from before) are created
  // here. Every replica runs it: writes are conditional, so one wins and the others see it exist.
  // A federated zone receives its meshes' CAs and default policies from the global.
  const federated = isFederatedZone(multizone);
  if (!federated) {
    const stopCas = await new MeshCaReconciler(store, componentLogger(logger, 'mesh-ca'), { atomic: store.atomicCommit }).start();
    cleanups.push(stopCas);
  }
  // Kubernetes: Meshes come from kubectl, so their default policies are created here (docs/mesh-mtls.md §5.5).
  if (config.store === 'kubernetes' && !federated) cleanups.push(await new MeshDefaultsReconciler(store, componentLogger(logger, 'mesh-defaults'), config.meshDefaultPolicies ?? true).start());

  // Design rule 10: nothing is answered before the first full load has produced snapshots.
  if (generates) {
    loop.request();
    await loop.settle();
  }
  cache.setReady();

  // Kubernetes mode keeps least privilege: the control plane may not write Secrets, so the admin
  // token is not created there (docs/api-auth.md); loopback admin (e.g. kubectl port-forward) remains.
  if (config.apiAuth.bootstrapAdminToken && config.store !== 'kubernetes') await bootstrapAdminToken(store, userTokens, config, cpLog);
  const apiHttpsPort =
    config.apiHttpsPort === undefined ? undefined : await api.listenHttps(config.apiHttpsPort, config.apiHttpsHost ?? config.apiHost, tls.serving);
  // A replaced certificate file reaches both TLS listeners; open connections keep the old one.
  tls.watch((next) => {
    servingCert = next.cert;
    dataplanePort?.setCertificate(next);
    api.setCertificate(next);
  });

  const k8s = config.kubernetes;
  // The webhook listens before anything here writes (the pod controller's Dataplanes, the copies
  // a federated zone receives): the API server asks it about each of those writes.
  const webhook: AdmissionServer | undefined =
    k8s?.webhook && config.store === 'kubernetes'
      ? await kube!.startAdmissionServer({
          host: k8s.webhook.host,
          port: k8s.webhook.port,
          tls: { cert: k8s.webhook.cert, key: k8s.webhook.key },
          mode: k8s.mode,
          ...(await webhookMultizone(k8s, multizone, kube!, componentLogger(logger, 'webhook'))),
          logger: componentLogger(logger, 'webhook'),
          // A provided mesh CA is loaded and checked as a REST write checks it (docs/mesh-mtls.md §1.2).
          checks: meshCaChecks(store, readCertificateFiles),
        })
      : undefined;
  if (webhook) cleanups.push(() => webhook.close());
  // A federated Kubernetes zone with several replicas dials the global only from the leader.
  const postgresElection = config.store === 'postgres' ? config.postgres?.leaderElection : undefined;
  const leaderOnlySync = isFederatedZone(multizone) && ((config.store === 'kubernetes' && config.kubernetes?.leaderElection !== undefined) || postgresElection !== undefined);
  const sync = await startMultizoneSync({
    multizone,
    store,
    logger: componentLogger(logger, 'kds'),
    defaultHost: config.xdsHost,
    serving: tls.serving,
    version: porticoVersion(),
    ...(kubeStore ? { objectNameOf: (stored: StoredResource) => kubeStore.objectNameOf(stored), naming: kubeStore.syncNaming() } : {}),
    leaderOnly: leaderOnlySync,
  });
  cleanups.push(() => sync.stop());
  const syncLeadership = leaderOnlySync ? (sync as LeaderOnlySync) : undefined;

  // Zone (and standalone) control planes run the controllers and write status; with leader
  // election only the replica holding the lease does (leader-duties.ts).
  const duties = await startLeaderDuties({ config, multizone, kube, store, statuses, caPem: tls.caPem, syncLeadership, logger, cpLog });
  leadership = duties;
  cleanups.push(() => duties.stop());
  started = true;
  cpLog.info({ mode: multizone.mode, zone: multizone.mode === 'zone' ? multizone.zone : undefined, apiPort, xdsPort: dataplanePort?.port, kdsPort: sync.port?.port, apiHttpsPort, webhookPort: webhook?.port, diagnosticsPort }, 'control plane ready');

  let stopped: Promise<void> | undefined;
  return {
    apiPort,
    ...(apiHttpsPort !== undefined ? { apiHttpsPort } : {}),
    ...(dataplanePort ? { xdsPort: dataplanePort.port, dataplanePort } : {}),
    multizone,
    sync,
    ...(tls.caFile ? { caFile: tls.caFile } : {}),
    store,
    cache,
    snapshots,
    adsServer: ads,
    // Changes with leadership: absent while this replica does not lead.
    get controllers() {
      return leadership?.controllers();
    },
    ...(webhook ? { webhookPort: webhook.port } : {}),
    ...(diagnosticsPort !== undefined ? { diagnosticsPort } : {}),
    async flush() {
      debouncer.flush();
      await loop.settle();
    },
    stop() {
      stopped ??= (async () => {
        stopping = true;
        await sync.stop();
        // A leader steps down and releases the lease, so another replica takes over at once.
        await leadership?.stop();
        await shared?.stop();
        await webhook?.close();
        unwatch();
        fileWatch.close();
        debouncer.cancel();
        tls.stop();
        await dataplanePort?.close();
        await ads.close();
        await api.close();
        await stopDiagnostics();
        await loop.settle();
        await snapshots.close();
        cache.close();
        await store.close();
      })();
      return stopped;
    },
  };
}

// The Postgres store's feed state, for stores that have one.
function storeFeed(store: ResourceStore): (() => boolean) | undefined {
  const withFeed = store as Partial<{ feedStatus(): { listening: boolean } }>;
  return typeof withFeed.feedStatus === 'function' ? () => withFeed.feedStatus!().listening : undefined;
}

/**
 * Why the diagnostics port's /ready answers 503 (docs/operations.md): still starting or stopping,
 * a Kubernetes watcher not synced or failing, or the Postgres store's change feed down. Stricter
 * than the REST API's /ready in Kubernetes mode, which stays ready while it serves a cached view.
 */
function notReadyReasons(state: { started: boolean; watchers: Readonly<Record<string, { synced: boolean; healthy: boolean }>>; feed: (() => boolean) | undefined }): string[] {
  const reasons: string[] = [];
  if (!state.started) reasons.push('starting or stopping');
  for (const [name, health] of Object.entries(state.watchers).sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (!health.synced) reasons.push(`watcher ${name}: first list not complete`);
    else if (!health.healthy) reasons.push(`watcher ${name}: failing`);
  }
  if (state.feed && !state.feed()) reasons.push('store: Postgres change feed disconnected');
  return reasons;
}
