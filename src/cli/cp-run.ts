import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { pino, type Logger } from 'pino';
import { defaultGatewayPodSettings } from '../k8s/render/gateway-instance-input.js';
import { DEFAULT_CONFIG, startControlPlane, type ControlPlane, type KubernetesModeConfig, type LeaderElectionSettings } from '../runtime/control-plane.js';
import { DEFAULT_MULTIZONE, type KdsConfig, type MultizoneConfig } from '../runtime/multizone-config.js';
import { DP_AUTH_ENV, type DataplaneAuthType } from '../runtime/dataplane-authentication.js';
import { defaultAdmission } from '../xds/server/flow-control.js';
import { parseGoDuration } from '../api/go-duration.js';
import { addPostgresOptions, postgresSettings, type PostgresFlags } from './postgres-options.js';

/** Longest a graceful stop may take before the process exits anyway (Kuma's default). */
const SHUTDOWN_TIMEOUT_MS = 10_000;

function portOption(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('must be a port in [0, 65535] (0 = any free port)');
  return n;
}

function secondsOption(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('must be a positive number of seconds');
  return n;
}

function positiveIntegerOption(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('must be a positive integer');
  return n;
}

// `kubernetes` is what Kuma's Kubernetes deployments set KUMA_STORE_TYPE to; it only agrees with
// --environment kubernetes, which picks the Kubernetes store by itself.
function storeOption(value: string): CpRunFlags['store'] {
  if (value !== 'memory' && value !== 'embedded' && value !== 'postgres' && value !== 'kubernetes') throw new InvalidArgumentError('must be embedded, postgres or memory');
  return value;
}

/**
 * Environment variable of `--mesh-default-policies`. Portico's own: Kuma 2.6+ has no switch for
 * all defaults (KUMA_DEFAULTS_CREATE_MESH_ROUTING_RESOURCES covers routing resources only).
 */
export const MESH_DEFAULT_POLICIES_ENV = 'PORTICO_MESH_DEFAULT_POLICIES';

/** `true` or `false`, as Kuma's environment variables take them. */
/** A Go duration (`5s`, `1m30s`) in milliseconds, as Kuma's environment variables take them. */
function durationOption(value: string): number {
  const parsed = parseGoDuration(value);
  if (!parsed.ok || parsed.ms <= 0) throw new InvalidArgumentError(`must be a positive duration such as 5s or 1m (${parsed.ok ? 'not positive' : parsed.message})`);
  return parsed.ms;
}

function booleanOption(value: string): boolean {
  if (value !== 'true' && value !== 'false') throw new InvalidArgumentError('must be true or false');
  return value === 'true';
}

function oneOf<T extends string>(values: readonly T[]): (value: string) => T {
  return (value) => {
    if (!(values as readonly string[]).includes(value)) throw new InvalidArgumentError(`must be one of ${values.join(', ')}`);
    return value as T;
  };
}

interface CpRunFlags extends RoleFlags, PostgresFlags {
  kubeconfig?: string;
  systemNamespace: string;
  webhookPort?: number;
  webhookHost: string;
  webhookTlsCertFile?: string;
  webhookTlsKeyFile?: string;
  gatewayImage: string;
  gatewayCpUrl?: string;
  gatewayCaFile?: string;
  leaderElection: boolean;
  leaderElectionId?: string;
  leaderLeaseDuration?: number;
  leaderRenewDeadline?: number;
  leaderRetryPeriod?: number;
  store: 'memory' | 'embedded' | 'postgres' | 'kubernetes';
  dataDir: string;
  apiPort: number;
  apiHttpsPort: number;
  apiHttpsHost?: string;
  xdsPort: number;
  apiHost: string;
  diagnosticsPort: number;
  diagnosticsHost?: string;
  xdsHost: string;
  xdsPlaintext: boolean;
  tlsCertFile?: string;
  tlsKeyFile?: string;
  tlsSan: string[];
  logLevel: string;
  localhostIsAdmin: boolean;
  bootstrapAdminToken: boolean;
  dpAuth: DataplaneAuthType;
  xdsAdmissionRate?: number;
  xdsAdmissionBurst?: number;
  meshDefaultPolicies: boolean;
}

/** The flags that choose where the control plane runs and in which multi-zone role. */
export interface RoleFlags {
  /** `global` or `zone`; `universal` and `kubernetes` are the deprecated spellings of `--environment`. */
  mode?: 'global' | 'zone' | 'standalone' | 'universal' | 'kubernetes';
  environment?: 'universal' | 'kubernetes';
  /** Deprecated: the role before `--mode` took it over (`standalone` = `zone`). */
  role?: 'zone' | 'global' | 'standalone';
  zone?: string;
  globalAddress?: string;
  /** Global: sync port, bind address and TLS. */
  kdsPort?: number;
  kdsHost?: string;
  kdsTlsEnabled?: boolean;
  /** Zone: token file, CA of the global, skip verification. */
  zoneTokenFile?: string;
  kdsRootCaFile?: string;
  kdsTlsSkipVerify?: boolean;
  /** Zone: reconnect backoff bounds, in ms. */
  kdsBaseBackoff?: number;
  kdsMaxBackoff?: number;
  /** Zone: interval of the ZoneIngress available-services writer, in ms. */
  ingressUpdateInterval?: number;
}

/** The environment and the multi-zone role the flags ask for, with what to warn about. */
export interface ResolvedRole {
  readonly environment: 'universal' | 'kubernetes';
  readonly multizone: MultizoneConfig;
  /** True when the zone name was given (Kubernetes gateway Dataplanes are stamped with it then). */
  readonly zoneGiven: boolean;
  readonly warnings: readonly string[];
}

/**
 * Resolve `--mode`, `--environment` and the deprecated spellings. `--mode universal|kubernetes`
 * (Portico before multi-zone) still selects the environment, and `--role` the mode, as long as
 * they do not contradict the new flags.
 */
export function resolveRole(flags: RoleFlags): ResolvedRole {
  const warnings: string[] = [];
  let environment = flags.environment;
  let mode: 'global' | 'zone' | undefined;
  if (flags.mode === 'universal' || flags.mode === 'kubernetes') {
    if (environment !== undefined && environment !== flags.mode) {
      throw new Error(`--mode ${flags.mode} contradicts --environment ${environment}: --mode now takes global or zone`);
    }
    warnings.push(`--mode ${flags.mode} is deprecated: use --environment ${flags.mode} (--mode now takes global or zone)`);
    environment = flags.mode;
  } else if (flags.mode !== undefined) {
    if (flags.mode === 'standalone') warnings.push('mode standalone is deprecated: use zone');
    mode = flags.mode === 'global' ? 'global' : 'zone';
  }
  if (flags.role !== undefined) {
    const fromRole = flags.role === 'global' ? 'global' : 'zone';
    if (mode !== undefined && mode !== fromRole) throw new Error(`--role ${flags.role} contradicts --mode ${mode}`);
    warnings.push(`--role ${flags.role} is deprecated: use --mode ${fromRole}`);
    mode = fromRole;
  }
  const zone = flags.zone ?? DEFAULT_MULTIZONE.zone;
  const multizone: MultizoneConfig = {
    mode: mode ?? 'zone',
    zone,
    ...(flags.globalAddress ? { globalAddress: flags.globalAddress } : {}),
    kds: kdsOf(flags),
    ...(flags.ingressUpdateInterval !== undefined ? { ingressUpdateIntervalMs: flags.ingressUpdateInterval } : {}),
  };
  if (multizone.mode === 'global' && flags.globalAddress) throw new Error('--global-address is a zone setting: a global control plane has no global to dial');
  return { environment: environment ?? 'universal', multizone, zoneGiven: flags.zone !== undefined, warnings };
}

/** The sync settings among the flags; paths made absolute. */
function kdsOf(flags: RoleFlags): KdsConfig {
  return {
    ...(flags.kdsPort !== undefined ? { port: flags.kdsPort } : {}),
    ...(flags.kdsHost ? { host: flags.kdsHost } : {}),
    ...(flags.kdsTlsEnabled === false ? { plaintext: true } : {}),
    ...(flags.zoneTokenFile ? { tokenFile: path.resolve(flags.zoneTokenFile) } : {}),
    ...(flags.kdsRootCaFile ? { rootCaFile: path.resolve(flags.kdsRootCaFile) } : {}),
    ...(flags.kdsTlsSkipVerify ? { tlsSkipVerify: true } : {}),
    ...(flags.kdsBaseBackoff !== undefined ? { baseBackoffMs: flags.kdsBaseBackoff } : {}),
    ...(flags.kdsMaxBackoff !== undefined ? { maxBackoffMs: flags.kdsMaxBackoff } : {}),
  };
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** `portico cp run`: the universal-mode control plane (REST API, xDS + bootstrap, store). */
export function cpRunCommand(): Command {
  const cp = new Command('cp').description('control plane commands');
  addPostgresOptions(cp.command('run').description('run the control plane: REST API, ADS and bootstrap server, resource store'))
    .addOption(
      new Option('--store <type>', 'resource store: embedded (SQLite, one replica), postgres (several replicas; --postgres-*) or memory')
        .argParser(storeOption)
        .env('KUMA_STORE_TYPE')
        .default(DEFAULT_CONFIG.store),
    )
    .option('--data-dir <dir>', 'directory of the embedded store', DEFAULT_CONFIG.dataDir)
    .option('--api-port <port>', 'REST API port', portOption, DEFAULT_CONFIG.apiPort)
    .option('--api-https-port <port>', 'REST API over HTTPS with the control plane certificate (Kuma\'s port)', portOption, 5682)
    .option('--api-https-host <host>', 'HTTPS REST API bind address (default: --api-host)')
    .option('--xds-port <port>', 'dataplane port: ADS (gRPC) and POST /bootstrap', portOption, DEFAULT_CONFIG.xdsPort)
    .option('--api-host <host>', 'REST API bind address', DEFAULT_CONFIG.apiHost)
    .addOption(new Option('--diagnostics-port <port>', 'diagnostics port: /metrics (Prometheus), /ready, /healthy').argParser(portOption).env('KUMA_DIAGNOSTICS_SERVER_PORT').default(5680))
    .option('--diagnostics-host <host>', 'diagnostics bind address (default: --api-host)')
    .option('--xds-host <host>', 'dataplane port bind address', DEFAULT_CONFIG.xdsHost)
    .option('--xds-plaintext', 'serve the dataplane port without TLS (not for production: tokens and secrets travel unencrypted)', false)
    .addOption(new Option('--tls-cert-file <file>', 'serving certificate (PEM) of the dataplane port and HTTPS API; default: generated in <data-dir>/tls').env('KUMA_GENERAL_TLS_CERT_FILE'))
    .addOption(new Option('--tls-key-file <file>', 'key (PEM) of --tls-cert-file').env('KUMA_GENERAL_TLS_KEY_FILE'))
    .option('--tls-san <name>', 'extra host name or IP of the generated serving certificate (repeatable)', collect, [])
    .option('--log-level <level>', 'log level (trace, debug, info, warn, error)', 'info')
    .addOption(
      new Option('--localhost-is-admin <bool>', 'REST API: direct loopback requests without a token act as admin (true or false)')
        .argParser(booleanOption)
        .env('KUMA_API_SERVER_AUTHN_LOCALHOST_IS_ADMIN')
        .default(DEFAULT_CONFIG.apiAuth.localhostIsAdmin),
    )
    .addOption(
      new Option('--bootstrap-admin-token <bool>', 'REST API: create GlobalSecret admin-user-token on first start (true or false)')
        .argParser(booleanOption)
        .env('KUMA_API_SERVER_AUTHN_TOKENS_BOOTSTRAP_ADMIN_TOKEN')
        .default(DEFAULT_CONFIG.apiAuth.bootstrapAdminToken),
    )
    .addOption(
      new Option('--dp-auth <type>', 'universal: how proxies authenticate on the dataplane port: dpToken (dataplane tokens) or none (off, insecure; docs/dataplane-auth.md)')
        .argParser(oneOf(['dpToken', 'none'] as const))
        .env(DP_AUTH_ENV)
        .default(DEFAULT_CONFIG.dataplaneAuth),
    )
    .addOption(
      new Option('--mesh-default-policies <bool>', 'create the default policies of a new Mesh: allow-all-<mesh>, timeout-all-<mesh>, ... (true or false)')
        .argParser(booleanOption)
        .env(MESH_DEFAULT_POLICIES_ENV)
        .default(true),
    )
    .option('--xds-admission-rate <n>', 'new ADS streams admitted per second; the rest are told when to retry (default 150 per core)', positiveIntegerOption)
    .option('--xds-admission-burst <n>', 'new ADS streams admitted at once before the rate applies (default two seconds of the rate)', positiveIntegerOption)
    .addOption(
      new Option('--mode <mode>', 'multi-zone role: global (no dataplane server; docs/multizone.md) or zone (default); universal and kubernetes are deprecated spellings of --environment')
        .argParser(oneOf(['global', 'zone', 'standalone', 'universal', 'kubernetes'] as const))
        .env('KUMA_MODE'),
    )
    .addOption(
      new Option('--environment <env>', 'universal (own store, default) or kubernetes (the API server is the store)')
        .argParser(oneOf(['universal', 'kubernetes'] as const))
        .env('KUMA_ENVIRONMENT'),
    )
    .addOption(new Option('--role <role>', 'deprecated: use --mode (standalone = zone)').argParser(oneOf(['zone', 'global', 'standalone'] as const)).hideHelp())
    .addOption(new Option('--zone <name>', 'zone name (default "default"): stamped as kuma.io/zone on gateway Dataplanes').env('KUMA_MULTIZONE_ZONE_NAME'))
    .addOption(
      new Option('--global-address <url>', 'zone: grpc://HOST:PORT or grpcs://HOST:PORT of the global control plane; makes the zone federated (global-provided kinds become read-only)').env(
        'KUMA_MULTIZONE_ZONE_GLOBAL_ADDRESS',
      ),
    )
    .addOption(new Option('--kds-port <port>', 'global: port of the sync service zones dial (default 5685)').argParser(portOption).env('KUMA_MULTIZONE_GLOBAL_KDS_GRPC_PORT'))
    .option('--kds-host <host>', 'global: bind address of the sync port (default: --xds-host)')
    .addOption(
      new Option('--kds-tls-enabled <bool>', 'global: serve the sync port over TLS with the control plane certificate (default true; false is for tests)')
        .argParser(booleanOption)
        .env('KUMA_MULTIZONE_GLOBAL_KDS_TLS_ENABLED'),
    )
    .addOption(new Option('--zone-token-file <file>', 'federated zone: file holding the zone token (scope cp) the global verifies').env('KUMA_MULTIZONE_ZONE_KDS_AUTH_CP_TOKEN_PATH'))
    .addOption(new Option('--kds-root-ca-file <file>', "federated zone: CA certificate (PEM) the global's certificate must chain to").env('KUMA_MULTIZONE_ZONE_KDS_ROOT_CA_FILE'))
    .addOption(
      new Option('--kds-tls-skip-verify <bool>', "federated zone: do not verify the global's certificate (insecure)").argParser(booleanOption).env('KUMA_MULTIZONE_ZONE_KDS_TLS_SKIP_VERIFY'),
    )
    .addOption(
      new Option('--kds-base-backoff <duration>', 'federated zone: first delay before reconnecting to the global (default 5s), doubled up to --kds-max-backoff')
        .argParser(durationOption)
        .env('KUMA_GENERAL_RESILIENT_COMPONENT_BASE_BACKOFF'),
    )
    .addOption(
      new Option('--ingress-update-interval <duration>', "zone: how often the ZoneIngresses' available services are recomputed and written (default 1s)")
        .argParser(durationOption)
        .env('KUMA_MULTIZONE_ZONE_INGRESS_UPDATE_INTERVAL'),
    )
    .addOption(new Option('--kds-max-backoff <duration>', 'federated zone: longest delay between reconnects (default 1m)').argParser(durationOption).env('KUMA_GENERAL_RESILIENT_COMPONENT_MAX_BACKOFF'))
    .option('--kubeconfig <file>', 'kubernetes: kubeconfig file (default: in-cluster config, then KUBECONFIG, then ~/.kube/config)')
    .option('--system-namespace <ns>', 'kubernetes: namespace of the control plane and of mesh Secrets', 'portico-system')
    .option('--webhook-port <port>', 'kubernetes: validating admission webhook port (HTTPS)', portOption)
    .option('--webhook-host <host>', 'kubernetes: webhook bind address', '0.0.0.0')
    .option('--webhook-tls-cert-file <file>', 'kubernetes: webhook serving certificate (PEM)')
    .option('--webhook-tls-key-file <file>', 'kubernetes: webhook serving key (PEM)')
    .option('--gateway-image <image>', 'kubernetes: image of gateway pods', 'portico:0.1.0')
    .option('--gateway-cp-url <url>', 'kubernetes: control plane URL given to gateway pods (port 5678)')
    .option('--gateway-ca-file <file>', 'kubernetes: CA certificate given to gateway pods (default: the generated control plane CA)')
    .option('--no-leader-election', 'kubernetes and postgres stores: run the once-only work without electing a leader (a single replica only)')
    .option('--leader-election-id <id>', 'kubernetes and postgres stores: this replica\'s identity in the leader lease (default: $POD_NAME, else hostname-pid)')
    .option('--leader-lease-duration <seconds>', 'kubernetes and postgres stores: leader lease duration (default 15)', secondsOption)
    .option('--leader-renew-deadline <seconds>', 'kubernetes and postgres stores: a leader that cannot renew for this long steps down (default 10)', secondsOption)
    .option('--leader-retry-period <seconds>', 'kubernetes and postgres stores: interval of lease attempts (default 2)', secondsOption)
    .action(async (flags: CpRunFlags) => {
      // The root has no component: each part of the control plane names itself once, so no log
      // line carries the key twice (runtime/component-logger.ts).
      const root = pino({ level: flags.logLevel });
      const logger = root.child({ component: 'cp' });
      let stopping = false;
      // The control plane never ends silently: if the event loop drains while it should be running
      // (nothing left to retry a lost API server, say), that is a bug reported as one, not exit 0.
      process.on('beforeExit', () => {
        if (stopping) return;
        logger.fatal('the control plane has nothing left running or retrying; exiting with an error');
        process.exit(70);
      });
      const cpInstance = await startFromFlags(flags, root).catch((err: unknown) => {
        // Retrying cannot fix this one (bad settings, a port in use): say so and exit non-zero.
        stopping = true;
        logger.fatal({ err }, 'the control plane cannot start');
        throw new Error(`the control plane cannot start: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
      });
      await new Promise<void>((resolve) => {
        const shutdown = (signal: string) => {
          stopping = true;
          logger.info({ signal }, 'stopping');
          const force = setTimeout(() => {
            logger.error('graceful stop took too long; exiting');
            process.exit(1);
          }, SHUTDOWN_TIMEOUT_MS);
          force.unref();
          cpInstance.stop().then(resolve, (err: unknown) => {
            logger.error({ err }, 'error while stopping');
            resolve();
          });
        };
        process.once('SIGTERM', () => shutdown('SIGTERM'));
        process.once('SIGINT', () => shutdown('SIGINT'));
      });
    });
  return cp;
}

/** The admission flags, each defaulting from the other (burst = two seconds of the rate). */
function admissionOf(flags: CpRunFlags): { xdsAdmission?: { ratePerSecond: number; burst: number } } {
  if (flags.xdsAdmissionRate === undefined && flags.xdsAdmissionBurst === undefined) return {};
  const defaults = defaultAdmission();
  const ratePerSecond = flags.xdsAdmissionRate ?? defaults.ratePerSecond;
  return { xdsAdmission: { ratePerSecond, burst: flags.xdsAdmissionBurst ?? 2 * ratePerSecond } };
}

/** Start the control plane the flags describe. */
async function startFromFlags(flags: CpRunFlags, logger: Logger): Promise<ControlPlane> {
  const role = resolveRole(flags);
  for (const warning of role.warnings) logger.child({ component: 'cp' }).warn(warning);
  const kubernetes = role.environment === 'kubernetes' ? await kubernetesConfig(flags, role) : undefined;
  if (flags.store === 'kubernetes' && !kubernetes) throw new Error('store kubernetes needs --environment kubernetes (KUMA_ENVIRONMENT); universal mode takes embedded, postgres or memory');
  return startControlPlane({
    ...DEFAULT_CONFIG,
    store: kubernetes ? 'kubernetes' : (flags.store as 'memory' | 'embedded' | 'postgres'),
    ...(kubernetes ? { kubernetes } : {}),
    ...(!kubernetes && flags.store === 'postgres'
      ? { postgres: { ...postgresSettings(flags), ...(flags.leaderElection ? { leaderElection: leaderElectionSettings(flags) } : {}) } }
      : {}),
    dataDir: path.resolve(flags.dataDir),
    apiPort: flags.apiPort,
    apiHttpsPort: flags.apiHttpsPort,
    ...(flags.apiHttpsHost ? { apiHttpsHost: flags.apiHttpsHost } : {}),
    xdsPort: flags.xdsPort,
    apiHost: flags.apiHost,
    xdsHost: flags.xdsHost,
    diagnosticsPort: flags.diagnosticsPort,
    ...(flags.diagnosticsHost ? { diagnosticsHost: flags.diagnosticsHost } : {}),
    apiAuth: { localhostIsAdmin: flags.localhostIsAdmin, bootstrapAdminToken: flags.bootstrapAdminToken },
    tls: {
      xdsPlaintext: flags.xdsPlaintext,
      ...(flags.tlsCertFile ? { certFile: path.resolve(flags.tlsCertFile) } : {}),
      ...(flags.tlsKeyFile ? { keyFile: path.resolve(flags.tlsKeyFile) } : {}),
      // Gateway pods dial the control plane by its Service name: the certificate must carry it.
      extraSubjectAltNames: [...flags.tlsSan, ...(kubernetes ? [new URL(kubernetes.gatewayPods.controlPlaneUrl).hostname.replace(/^\[|\]$/g, '')] : [])],
    },
    dataplaneAuth: flags.dpAuth,
    meshDefaultPolicies: flags.meshDefaultPolicies,
    multizone: role.multizone,
    ...admissionOf(flags),
    logger,
  });
}

/**
 * Kubernetes-mode settings from the flags; the kubeconfig comes from the cluster or a file. The
 * client library is loaded here, only in this mode: it takes over half a second to load.
 */
async function kubernetesConfig(flags: CpRunFlags, role: ResolvedRole): Promise<KubernetesModeConfig> {
  const { KubeConfig } = await import('@kubernetes/client-node');
  const kubeConfig = new KubeConfig();
  const source = flags.kubeconfig ?? 'the default kubeconfig (in-cluster, KUBECONFIG, ~/.kube/config)';
  try {
    if (flags.kubeconfig) kubeConfig.loadFromFile(flags.kubeconfig);
    else kubeConfig.loadFromDefault();
  } catch (err) {
    throw new Error(`cannot load ${source}: ${err instanceof Error ? err.message : String(err)}`);
  }
  // Without a cluster every request would fail as "unreachable" forever: that is a setting to fix.
  const cluster = kubeConfig.getCurrentCluster();
  if (!cluster?.server) throw new Error(`${source} names no current cluster with a server URL`);
  const webhookFiles = [flags.webhookTlsCertFile, flags.webhookTlsKeyFile];
  if (flags.webhookPort !== undefined && webhookFiles.some((f) => !f)) {
    throw new Error('--webhook-port needs --webhook-tls-cert-file and --webhook-tls-key-file');
  }
  const scheme = flags.xdsPlaintext ? 'http' : 'https';
  const cpUrl = flags.gatewayCpUrl ?? `${scheme}://portico-control-plane.${flags.systemNamespace}.svc:${flags.xdsPort}`;
  return {
    kubeConfig,
    systemNamespace: flags.systemNamespace,
    mode: role.multizone.mode,
    // Kept as before multi-zone: gateway Dataplanes carry a zone tag only when one was named.
    ...(role.zoneGiven ? { zone: role.multizone.zone } : {}),
    ...(flags.leaderElection ? { leaderElection: leaderElectionSettings(flags) } : {}),
    gatewayPods: defaultGatewayPodSettings({
      image: flags.gatewayImage,
      controlPlaneUrl: cpUrl,
      caCert: flags.gatewayCaFile ? readFileSync(flags.gatewayCaFile, 'utf8') : '',
    }),
    ...(flags.webhookPort !== undefined
      ? {
          webhook: {
            host: flags.webhookHost,
            port: flags.webhookPort,
            cert: readFileSync(flags.webhookTlsCertFile!, 'utf8'),
            key: readFileSync(flags.webhookTlsKeyFile!, 'utf8'),
          },
        }
      : {}),
  };
}

/** Leader election settings from the flags; durations in milliseconds. */
function leaderElectionSettings(flags: CpRunFlags): LeaderElectionSettings {
  const ms = (seconds: number | undefined) => (seconds === undefined ? undefined : Math.round(seconds * 1000));
  const timings = { leaseDurationMs: ms(flags.leaderLeaseDuration), renewDeadlineMs: ms(flags.leaderRenewDeadline), retryPeriodMs: ms(flags.leaderRetryPeriod) };
  return {
    identity: flags.leaderElectionId ?? process.env['POD_NAME'] ?? `${hostname()}-${process.pid}`,
    ...Object.fromEntries(Object.entries(timings).filter(([, v]) => v !== undefined)),
  };
}
