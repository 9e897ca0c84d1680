import { readFileSync } from 'node:fs';
import path from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { Command, InvalidArgumentError, Option } from 'commander';
import { pino } from 'pino';
import { defaultGatewayPodSettings } from '../k8s/render/gateway-instance-input.js';
import { DEFAULT_CONFIG, startControlPlane, type KubernetesModeConfig } from '../runtime/control-plane.js';

/** Longest a graceful stop may take before the process exits anyway (Kuma's default). */
const SHUTDOWN_TIMEOUT_MS = 10_000;

function portOption(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('must be a port in [0, 65535] (0 = any free port)');
  return n;
}

function storeOption(value: string): 'memory' | 'embedded' {
  if (value !== 'memory' && value !== 'embedded') throw new InvalidArgumentError('must be memory or embedded');
  return value;
}

/** `true` or `false`, as Kuma's environment variables take them. */
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

interface CpRunFlags {
  mode: 'universal' | 'kubernetes';
  role: 'zone' | 'global' | 'standalone';
  zone?: string;
  kubeconfig?: string;
  systemNamespace: string;
  webhookPort?: number;
  webhookHost: string;
  webhookTlsCertFile?: string;
  webhookTlsKeyFile?: string;
  gatewayImage: string;
  gatewayCpUrl?: string;
  gatewayCaFile?: string;
  store: 'memory' | 'embedded';
  dataDir: string;
  apiPort: number;
  apiHttpsPort: number;
  apiHttpsHost?: string;
  xdsPort: number;
  apiHost: string;
  xdsHost: string;
  xdsPlaintext: boolean;
  tlsCertFile?: string;
  tlsKeyFile?: string;
  tlsSan: string[];
  logLevel: string;
  localhostIsAdmin: boolean;
  bootstrapAdminToken: boolean;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** `portico cp run`: the universal-mode control plane (REST API, xDS + bootstrap, store). */
export function cpRunCommand(): Command {
  const cp = new Command('cp').description('control plane commands');
  cp.command('run')
    .description('run the control plane: REST API, ADS and bootstrap server, resource store')
    .option('--store <type>', 'resource store: embedded (SQLite) or memory', storeOption, DEFAULT_CONFIG.store)
    .option('--data-dir <dir>', 'directory of the embedded store', DEFAULT_CONFIG.dataDir)
    .option('--api-port <port>', 'REST API port', portOption, DEFAULT_CONFIG.apiPort)
    .option('--api-https-port <port>', 'REST API over HTTPS with the control plane certificate (Kuma\'s port)', portOption, 5682)
    .option('--api-https-host <host>', 'HTTPS REST API bind address (default: --api-host)')
    .option('--xds-port <port>', 'dataplane port: ADS (gRPC) and POST /bootstrap', portOption, DEFAULT_CONFIG.xdsPort)
    .option('--api-host <host>', 'REST API bind address', DEFAULT_CONFIG.apiHost)
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
    .option('--mode <mode>', 'universal (own store) or kubernetes (the API server is the store)', oneOf(['universal', 'kubernetes'] as const), 'universal')
    .option('--role <role>', 'kubernetes: zone, global or standalone (global runs no gateway controllers)', oneOf(['zone', 'global', 'standalone'] as const), 'standalone')
    .option('--zone <name>', 'kubernetes: zone name written into gateway Dataplane tags')
    .option('--kubeconfig <file>', 'kubernetes: kubeconfig file (default: in-cluster config, then KUBECONFIG, then ~/.kube/config)')
    .option('--system-namespace <ns>', 'kubernetes: namespace of the control plane and of mesh Secrets', 'portico-system')
    .option('--webhook-port <port>', 'kubernetes: validating admission webhook port (HTTPS)', portOption)
    .option('--webhook-host <host>', 'kubernetes: webhook bind address', '0.0.0.0')
    .option('--webhook-tls-cert-file <file>', 'kubernetes: webhook serving certificate (PEM)')
    .option('--webhook-tls-key-file <file>', 'kubernetes: webhook serving key (PEM)')
    .option('--gateway-image <image>', 'kubernetes: image of gateway pods', 'portico:0.1.0')
    .option('--gateway-cp-url <url>', 'kubernetes: control plane URL given to gateway pods (port 5678)')
    .option('--gateway-ca-file <file>', 'kubernetes: CA certificate given to gateway pods (default: the generated control plane CA)')
    .action(async (flags: CpRunFlags) => {
      const logger = pino({ level: flags.logLevel, base: { component: 'cp' } });
      const kubernetes = flags.mode === 'kubernetes' ? kubernetesConfig(flags) : undefined;
      const cpInstance = await startControlPlane({
        ...DEFAULT_CONFIG,
        store: kubernetes ? 'kubernetes' : flags.store,
        ...(kubernetes ? { kubernetes } : {}),
        dataDir: path.resolve(flags.dataDir),
        apiPort: flags.apiPort,
        apiHttpsPort: flags.apiHttpsPort,
        ...(flags.apiHttpsHost ? { apiHttpsHost: flags.apiHttpsHost } : {}),
        xdsPort: flags.xdsPort,
        apiHost: flags.apiHost,
        xdsHost: flags.xdsHost,
        apiAuth: { localhostIsAdmin: flags.localhostIsAdmin, bootstrapAdminToken: flags.bootstrapAdminToken },
        tls: {
          xdsPlaintext: flags.xdsPlaintext,
          ...(flags.tlsCertFile ? { certFile: path.resolve(flags.tlsCertFile) } : {}),
          ...(flags.tlsKeyFile ? { keyFile: path.resolve(flags.tlsKeyFile) } : {}),
          // Gateway pods dial the control plane by its Service name: the certificate must carry it.
          extraSubjectAltNames: [...flags.tlsSan, ...(kubernetes ? [new URL(kubernetes.gatewayPods.controlPlaneUrl).hostname.replace(/^\[|\]$/g, '')] : [])],
        },
        logger,
      });
      await new Promise<void>((resolve) => {
        const shutdown = (signal: string) => {
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

/** Kubernetes-mode settings from the flags; the kubeconfig comes from the cluster or a file. */
function kubernetesConfig(flags: CpRunFlags): KubernetesModeConfig {
  const kubeConfig = new KubeConfig();
  if (flags.kubeconfig) kubeConfig.loadFromFile(flags.kubeconfig);
  else kubeConfig.loadFromDefault();
  const webhookFiles = [flags.webhookTlsCertFile, flags.webhookTlsKeyFile];
  if (flags.webhookPort !== undefined && webhookFiles.some((f) => !f)) {
    throw new InvalidArgumentError('--webhook-port needs --webhook-tls-cert-file and --webhook-tls-key-file');
  }
  const scheme = flags.xdsPlaintext ? 'http' : 'https';
  const cpUrl = flags.gatewayCpUrl ?? `${scheme}://portico-control-plane.${flags.systemNamespace}.svc:${flags.xdsPort}`;
  return {
    kubeConfig,
    systemNamespace: flags.systemNamespace,
    mode: flags.role,
    ...(flags.zone ? { zone: flags.zone } : {}),
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
