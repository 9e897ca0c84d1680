import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { findEnvoyBinary } from '../xds/envoy/envoy-binary.js';
import { parseUntrustedYaml } from '../decode/untrusted-yaml.js';
import { startAccessLogSink } from './access-log-sink.js';
import { buildAccessLogSinkCluster } from '../xds/translator/access-log.js';
import { httpRequest } from './http-request.js';
import { parse, stringify } from 'yaml';
import { MAX_DATAPLANE_FILE_BYTES, readInputFile } from './input-file.js';

/** Options of `portico dp run`. */
export interface DpRunOptions {
  readonly cp: string;
  readonly dataplaneFile?: string;
  /** File holding the dataplane token (Kuma's `--dataplane-token-file`). */
  readonly dataplaneTokenFile?: string;
  /** The dataplane token itself (prefer the file: a flag shows in the process list). */
  readonly dataplaneToken?: string;
  readonly mesh?: string;
  readonly name?: string;
  /** `dataplane` (default) or `ingress`: a zone ingress, whose file is a ZoneIngress and which has no mesh. */
  readonly proxyType?: 'dataplane' | 'ingress';
  readonly adminPort: number;
  readonly envoyBin?: string;
  readonly xds: 'delta' | 'sotw';
  readonly logLevel: string;
  readonly drainTime: number;
  readonly bootstrapTimeout: number;
  readonly concurrency?: number;
  /** Pod address on which `/ready` is answered for kubelet probes (Envoy's admin stays on loopback). */
  readonly readyAddress?: string;
  /** File of the control plane's CA (PEM): verifies `/bootstrap` here and ADS in Envoy. */
  readonly caCertFile?: string;
}

/** The request body of POST /bootstrap (Kuma's BootstrapRequest, the fields Portico reads). */
export interface BootstrapRequestBody {
  /** Empty for a zone ingress (its node id is `.<name>`). */
  readonly mesh: string;
  readonly name: string;
  readonly proxyType: 'dataplane' | 'ingress';
  readonly dataplaneResource?: string;
  /** Sent to /bootstrap, which puts it in the Envoy bootstrap for every ADS stream. */
  readonly dataplaneToken?: string;
  readonly adminPort: number;
  readonly xdsTransport: 'delta' | 'sotw';
  readonly version: { readonly kumaDp: { readonly version: string } };
  /** The control plane's CA (PEM): Envoy's ads_cluster trusts only it. */
  readonly caCert?: string;
}

/** Build the bootstrap request from the flags (and the Dataplane file when given). */
export function bootstrapRequest(opts: DpRunOptions, readFile = (p: string) => readInputFile(p, MAX_DATAPLANE_FILE_BYTES), caCert?: string): BootstrapRequestBody {
  let mesh = opts.mesh;
  let name = opts.name;
  let dataplaneResource: string | undefined;
  if (opts.dataplaneFile) {
    dataplaneResource = readFile(opts.dataplaneFile);
    const parsed = parseUntrustedYaml(dataplaneResource);
    if (!parsed.ok) throw new Error(`${opts.dataplaneFile}: ${parsed.message}`);
    const doc = parsed.value as Record<string, unknown> | null;
    const meta = (doc?.metadata ?? {}) as Record<string, unknown>;
    mesh ??= typeof doc?.mesh === 'string' ? doc.mesh : undefined;
    name ??= typeof doc?.name === 'string' ? doc.name : typeof meta.name === 'string' ? meta.name : undefined;
  }
  const proxyType = opts.proxyType ?? 'dataplane';
  if (proxyType === 'ingress') {
    // A zone ingress serves every mesh of its zone: it has a name and no mesh.
    if (opts.mesh) throw new Error('a zone ingress has no mesh: leave out --mesh');
    mesh = '';
    if (!name) throw new Error('a zone ingress needs a name: pass --dataplane-file (a ZoneIngress) or --name');
  } else if (!mesh || !name) throw new Error('a dataplane needs a mesh and a name: pass --dataplane-file, or --mesh and --name');
  const dataplaneToken = readToken(opts, readFile);
  return {
    mesh,
    name,
    proxyType,
    ...(dataplaneResource !== undefined ? { dataplaneResource } : {}),
    ...(dataplaneToken !== undefined ? { dataplaneToken } : {}),
    adminPort: opts.adminPort,
    xdsTransport: opts.xds,
    version: { kumaDp: { version: 'portico' } },
    ...(caCert ? { caCert } : {}),
  };
}

/** The token from --dataplane-token or the file of --dataplane-token-file (the token itself never reaches a message). */
function readToken(opts: DpRunOptions, readFile: (p: string) => string): string | undefined {
  if (opts.dataplaneToken && opts.dataplaneTokenFile) throw new Error('pass either --dataplane-token or --dataplane-token-file, not both');
  if (opts.dataplaneToken) return opts.dataplaneToken.trim();
  if (!opts.dataplaneTokenFile) return undefined;
  let text: string;
  try {
    text = readFile(opts.dataplaneTokenFile);
  } catch (err) {
    throw new Error(`cannot read the dataplane token file ${opts.dataplaneTokenFile}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`);
  }
  const token = text.trim();
  if (token === '') throw new Error(`the dataplane token file ${opts.dataplaneTokenFile} is empty`);
  return token;
}

/** Statuses the agent does not retry: the request itself is wrong (docs/xds-server.md §16). */
const FINAL_STATUSES = new Set([400, 401, 403, 422]);

/**
 * POST /bootstrap with constant backoff until `timeoutMs`. 404 (Dataplane not there yet), 5xx and
 * connection errors are retried; 4xx in FINAL_STATUSES fail at once with the server's message.
 * Over https the control plane is verified by `body.caCert` when given, else not verified.
 */
export async function fetchBootstrap(cp: string, body: BootstrapRequestBody, timeoutMs: number, backoffMs = 1000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  const url = new URL('/bootstrap', cp).toString();
  let lastError = '';
  for (;;) {
    try {
      const res = await httpRequest(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'text/x-yaml' },
        body: JSON.stringify(body),
        ...(body.caCert ? { ca: body.caCert } : { insecure: true }),
        timeoutMs: 30_000,
      });
      if (res.status >= 200 && res.status < 300) return res.text;
      lastError = `bootstrap request failed with ${res.status}: ${res.text.trim()}`;
      if (FINAL_STATUSES.has(res.status)) throw new FinalError(lastError);
    } catch (err) {
      if (err instanceof FinalError) throw err;
      lastError = `cannot reach the control plane at ${url}: ${err instanceof Error ? err.message : String(err)}`;
    }
    if (Date.now() + backoffMs > deadline) throw new Error(lastError);
    await new Promise((r) => setTimeout(r, backoffMs));
  }
}

class FinalError extends Error {}

/** `networking.address` of the Dataplane file, when it names an IP (a host name is not bound). */
export function dataplaneAddress(resource: string | undefined): string | undefined {
  if (resource === undefined) return undefined;
  const parsed = parseUntrustedYaml(resource);
  const doc = parsed.ok ? (parsed.value as { networking?: { address?: unknown }; spec?: { networking?: { address?: unknown } } } | null) : null;
  const address = doc?.networking?.address ?? doc?.spec?.networking?.address;
  return typeof address === 'string' && net.isIP(address) !== 0 ? address : undefined;
}

/** The bootstrap with the access log sink's static cluster added. */
export function withAccessLogSink(bootstrapYaml: string, socketPath: string): string {
  const bootstrap = parse(bootstrapYaml) as { static_resources?: { clusters?: object[] } };
  const staticResources = bootstrap.static_resources ?? {};
  bootstrap.static_resources = { ...staticResources, clusters: [...(staticResources.clusters ?? []), buildAccessLogSinkCluster(socketPath)] };
  return stringify(bootstrap, { lineWidth: 0 });
}

/** Run Envoy with the bootstrap until it exits; forwards SIGINT/SIGTERM/SIGHUP; resolves its exit code. */
export async function runEnvoy(envoyBin: string, bootstrapYaml: string, opts: DpRunOptions): Promise<number> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'portico-dp-'));
  const configPath = path.join(dir, 'bootstrap.yaml');
  // TCP access logs leave through the agent's sink, a static cluster of the bootstrap.
  const sinkPath = path.join(dir, 'access-log.sock');
  const sink = await startAccessLogSink(sinkPath);
  writeFileSync(configPath, withAccessLogSink(bootstrapYaml, sinkPath), { mode: 0o600 });
  const args = [
    '--config-path', configPath,
    '--drain-time-s', String(opts.drainTime),
    '--drain-strategy', 'immediate',
    '--disable-hot-restart',
    '--log-level', opts.logLevel,
    ...(opts.concurrency ? ['--concurrency', String(opts.concurrency)] : []),
  ];
  const child = spawn(envoyBin, args, { stdio: 'inherit' });
  const forward = (signal: NodeJS.Signals) => () => child.kill(signal);
  const handlers = (['SIGINT', 'SIGTERM', 'SIGHUP'] as const).map((s) => [s, forward(s)] as const);
  for (const [s, h] of handlers) process.on(s, h);
  try {
    return await new Promise<number>((resolve, reject) => {
      child.once('error', (err) => reject(new Error(`cannot start envoy at ${envoyBin}`, { cause: err })));
      child.once('exit', (code, signal) => resolve(code ?? (signal ? 128 + (os.constants.signals[signal] ?? 0) : 1)));
    });
  } finally {
    for (const [s, h] of handlers) process.off(s, h);
    await sink.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Defaults from the environment a gateway pod gets from its Deployment (docs/gateway.md §3.2 keeps
 * Kuma's variable names): control plane URL, mesh, and the Dataplane name `<pod>.<namespace>`
 * (Kubernetes-mode resource names). Flags win over the environment.
 */
export function environmentDefaults(env: NodeJS.ProcessEnv = process.env): {
  cp?: string;
  mesh?: string;
  name?: string;
  proxyType?: 'dataplane' | 'ingress';
  drainTime?: number;
  readyAddress?: string;
  caCertFile?: string;
  caCert?: string;
  dataplaneTokenFile?: string;
  dataplaneToken?: string;
} {
  const podName = env.POD_NAME;
  const podNamespace = env.POD_NAMESPACE;
  const drain = env.KUMA_DATAPLANE_DRAIN_TIME?.match(/^(\d+)s?$/);
  return {
    cp: env.KUMA_CONTROL_PLANE_URL || undefined,
    mesh: env.KUMA_DATAPLANE_MESH || undefined,
    proxyType: env.KUMA_DATAPLANE_PROXY_TYPE === 'ingress' ? 'ingress' : env.KUMA_DATAPLANE_PROXY_TYPE === 'dataplane' ? 'dataplane' : undefined,
    name: env.KUMA_DATAPLANE_NAME || (podName && podNamespace ? `${podName}.${podNamespace}` : undefined),
    drainTime: drain ? Number(drain[1]) : undefined,
    readyAddress: env.INSTANCE_IP || undefined,
    caCertFile: env.KUMA_CONTROL_PLANE_CA_CERT_FILE || undefined,
    // Gateway pods get the CA itself (docs/gateway.md §3.2), not a file.
    caCert: env.KUMA_CONTROL_PLANE_CA_CERT || undefined,
    dataplaneTokenFile: env.KUMA_DATAPLANE_RUNTIME_TOKEN_PATH || undefined,
    dataplaneToken: env.KUMA_DATAPLANE_RUNTIME_TOKEN || undefined,
  };
}

/**
 * The control plane's CA from `--ca-cert-file` (or its environment variable), else the PEM in
 * KUMA_CONTROL_PLANE_CA_CERT; undefined when neither is set. An unreadable file is an error.
 */
export function controlPlaneCa(opts: DpRunOptions, envCaCert: string | undefined, readFile = (p: string) => readFileSync(p, 'utf8')): string | undefined {
  if (opts.caCertFile) {
    try {
      return readFile(opts.caCertFile);
    } catch (err) {
      throw new Error(`cannot read --ca-cert-file ${opts.caCertFile}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
  }
  return envCaCert;
}

function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 65535) throw new InvalidArgumentError('must be a port in [1, 65535]');
  return n;
}

/** `portico dp run`: registers or fetches the Dataplane, fetches its bootstrap, runs Envoy. */
export function dpRunCommand(env: NodeJS.ProcessEnv = process.env): Command {
  const defaults = environmentDefaults(env);
  const dp = new Command('dp').description('dataplane (Envoy) commands');
  dp.command('run')
    .description('fetch the bootstrap from the control plane and run Envoy with it')
    .requiredOption('--cp <url>', 'control plane dataplane-facing address (port 5678; env KUMA_CONTROL_PLANE_URL)', defaults.cp ?? 'https://127.0.0.1:5678')
    .option('--ca-cert-file <file>', "control plane CA (PEM) to verify it by, here and in Envoy (env KUMA_CONTROL_PLANE_CA_CERT_FILE; the control plane logs this file's path)", defaults.caCertFile)
    .option('--dataplane-file <file>', 'Dataplane resource (YAML) to register')
    .option('--dataplane-token-file <file>', 'file holding the dataplane token (env KUMA_DATAPLANE_RUNTIME_TOKEN_PATH)', defaults.dataplaneTokenFile)
    .option('--dataplane-token <token>', 'the dataplane token itself; prefer the file (env KUMA_DATAPLANE_RUNTIME_TOKEN)', defaults.dataplaneToken)
    .option('--mesh <mesh>', 'mesh of an existing Dataplane (env KUMA_DATAPLANE_MESH)', defaults.mesh)
    .option('--proxy-type <type>', 'dataplane (default), or ingress: a zone ingress, whose --dataplane-file is a ZoneIngress and whose token is a zone token of scope ingress (env KUMA_DATAPLANE_PROXY_TYPE)', defaults.proxyType ?? 'dataplane')
    .option('--name <name>', 'name of an existing Dataplane (env KUMA_DATAPLANE_NAME, or POD_NAME.POD_NAMESPACE)', defaults.name)
    .option('--admin-port <port>', 'Envoy admin port on 127.0.0.1', port, 9901)
    .option('--envoy-bin <path>', 'Envoy binary (default: ENVOY_BIN, envoy/bin/envoy, PATH)')
    .option('--xds <mode>', 'xDS transport: delta (default) or sotw', 'delta')
    .option('--log-level <level>', 'Envoy log level', 'info')
    .option('--drain-time <seconds>', 'Envoy drain time (env KUMA_DATAPLANE_DRAIN_TIME)', Number, defaults.drainTime ?? 30)
    .option('--bootstrap-timeout <seconds>', 'how long to retry the bootstrap request', Number, 60)
    .option('--concurrency <n>', 'Envoy worker threads', Number)
    .option('--ready-address <ip>', 'the proxy address its admin server listens on, at the admin port: GET /ready for kubelet probes, and /stats and /clusters over TLS for the control plane (env INSTANCE_IP; default: the Dataplane file\'s address; never 127.0.0.1)', defaults.readyAddress)
    .action(async (raw: Record<string, unknown>, command: Command) => {
      // KUMA_DATAPLANE_MESH in the environment does not make an ingress's mesh; only --mesh is refused.
      const meshFromFlag = command.getOptionValueSource('mesh') === 'cli';
      const opts = (raw['proxyType'] === 'ingress' && !meshFromFlag ? { ...raw, mesh: undefined } : raw) as unknown as DpRunOptions;
      if (opts.xds !== 'delta' && opts.xds !== 'sotw') throw new Error('--xds must be delta or sotw');
      if (opts.proxyType !== 'dataplane' && opts.proxyType !== 'ingress') throw new Error('--proxy-type must be dataplane or ingress');
      const envoyBin = findEnvoyBinary(opts.envoyBin);
      if (!envoyBin) throw new Error('Envoy not found: pass --envoy-bin, set ENVOY_BIN, or run envoy/install.sh');
      const caCert = controlPlaneCa(opts, defaults.caCert);
      const secure = new URL(opts.cp).protocol === 'https:';
      if (secure && !caCert) {
        console.error('warning: no --ca-cert-file: the connection to the control plane is encrypted but the control plane is not verified');
      }
      if (!secure) console.error(`warning: ${opts.cp} is plaintext: the dataplane token and secrets travel unencrypted (the control plane must run with --xds-plaintext)`);
      const body = bootstrapRequest(opts, undefined, secure ? caCert : undefined);
      const bootstrap = await fetchBootstrap(opts.cp, body, opts.bootstrapTimeout * 1000);
      // The admin server takes the admin port on the proxy's address (docs/inspect.md): never on
      // 127.0.0.1, where Envoy's own admin listens and where the control plane reads it directly.
      const adminAddress = opts.readyAddress ?? dataplaneAddress(body.dataplaneResource);
      const { startAdminServer } = await import('./dp-admin-server.js');
      const admin = adminAddress && adminAddress !== '127.0.0.1' ? await startAdminServer({ address: adminAddress, adminPort: opts.adminPort, ...(caCert ? { controlPlaneCa: caCert } : {}) }) : undefined;
      try {
        process.exitCode = await runEnvoy(envoyBin, bootstrap, opts);
      } finally {
        await admin?.close();
      }
    });
  return dp;
}
