// A real Kubernetes control plane for tests: etcd, kube-apiserver and (optionally)
// kube-controller-manager, built by test/support/kube/install.sh at the versions pinned in
// versions.env (docs/kubernetes-testing.md). Everything binds 127.0.0.1 on free ports; certificates
// (a CA, the API server's serving certificate, an admin client certificate in system:masters, the
// ServiceAccount signing key) are generated per cluster with openssl. RBAC is on
// (`--authorization-mode=Node,RBAC`), so a ServiceAccount token gets exactly what its bindings
// allow. There is no kubelet, scheduler or kube-proxy: pods are created by the controller-manager
// and stay Pending until a test sets their status.
//
// A missing binary fails the caller with the install command: the lane is never skipped.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { KubeConfig } from '@kubernetes/client-node';
import { kubeRequest } from '../../../src/k8s/watch/kube-request.js';
import { freePort } from '../processes.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
/** The controllers the controller-manager runs: what Deployments, garbage collection and namespaces need. */
export const CONTROLLERS = ['deployment-controller', 'replicaset-controller', 'garbage-collector-controller', 'namespace-controller', 'serviceaccount-controller'];
const SERVICE_ACCOUNT_ISSUER = 'https://kubernetes.default.svc.cluster.local';

/** The pinned versions (versions.env). */
export function pinnedVersions(): { kubernetes: string; etcd: string } {
  const env = Object.fromEntries(
    readFileSync(path.join(HERE, 'versions.env'), 'utf8')
      .split('\n')
      .filter((line) => /^[A-Z_]+=/.test(line))
      .map((line) => line.split('=') as [string, string]),
  );
  return { kubernetes: env['KUBERNETES_VERSION'] ?? '', etcd: env['ETCD_VERSION'] ?? '' };
}

/** Where install.sh puts the binaries: PORTICO_KUBE_BIN, else the cache directory keyed by the versions. */
export function kubeBinDir(): string {
  if (process.env['PORTICO_KUBE_BIN']) return process.env['PORTICO_KUBE_BIN'];
  const { kubernetes, etcd } = pinnedVersions();
  const root = process.env['PORTICO_KUBE_CACHE'] ?? path.join(process.env['XDG_CACHE_HOME'] ?? path.join(os.homedir(), '.cache'), 'portico', 'kube');
  return path.join(root, `k8s-${kubernetes}-etcd-${etcd}`, 'bin');
}

function binary(name: string): string {
  const file = path.join(kubeBinDir(), name);
  if (!existsSync(file)) throw new Error(`${file} is missing: build the Kubernetes test binaries with test/support/kube/install.sh (docs/kubernetes-testing.md)`);
  return file;
}

/** A process of the cluster, logging to a file in the cluster's directory. */
class ClusterProcess {
  private proc: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();

  constructor(
    readonly name: string,
    private readonly command: string,
    private readonly args: readonly string[],
    private readonly logFile: string,
  ) {}

  start(): void {
    const log = createWriteStream(this.logFile, { flags: 'a' });
    const proc = spawn(this.command, this.args, { stdio: ['ignore', 'pipe', 'pipe'] });
    proc.stdout?.pipe(log);
    proc.stderr?.pipe(log);
    this.exited = new Promise((resolve) => proc.once('exit', () => resolve()));
    this.proc = proc;
  }

  get running(): boolean {
    return this.proc !== undefined && this.proc.exitCode === null && this.proc.signalCode === null;
  }

  /** The last lines of the log, for failure messages. */
  tail(lines = 30): string {
    return existsSync(this.logFile) ? readFileSync(this.logFile, 'utf8').split('\n').slice(-lines).join('\n') : '';
  }

  /** SIGTERM, SIGKILL after 10 s; resolves once exited. */
  async stop(): Promise<void> {
    const proc = this.proc;
    if (!proc || !this.running) return;
    proc.kill('SIGTERM');
    const timer = setTimeout(() => proc.kill('SIGKILL'), 10_000);
    await this.exited;
    clearTimeout(timer);
  }
}

/** Certificates and keys of one cluster, as files in its directory. */
interface ClusterPki {
  readonly caCert: string;
  readonly caKey: string;
  readonly servingCert: string;
  readonly servingKey: string;
  readonly adminCert: string;
  readonly adminKey: string;
  readonly serviceAccountKey: string;
  readonly serviceAccountPub: string;
}

function openssl(args: readonly string[], cwd: string): void {
  const run = spawnSync('openssl', args, { cwd, encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`openssl ${args.join(' ')} failed: ${run.stderr}`);
}

function issueLeaf(dir: string, name: string, subject: string, extensions: string): void {
  writeFileSync(path.join(dir, `${name}.ext`), extensions);
  openssl(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', subject], dir);
  openssl(['x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', `${name}.crt`, '-days', '2', '-extfile', `${name}.ext`], dir);
}

// openssl CLI rather than node-forge: RSA key generation in JavaScript takes seconds per key on a
// loaded machine, and the API server reads PEM files anyway.
function generatePki(dir: string): ClusterPki {
  openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '2', '-subj', '/CN=portico-test-ca'], dir);
  const leaf = (name: string, subject: string, extensions: string) => issueLeaf(dir, name, subject, extensions);
  leaf('apiserver', '/CN=kube-apiserver', 'subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:kubernetes.default.svc\nextendedKeyUsage=serverAuth\n');
  leaf('admin', '/O=system:masters/CN=portico-test-admin', 'extendedKeyUsage=clientAuth\n');
  openssl(['genrsa', '-out', 'sa.key', '2048'], dir);
  openssl(['rsa', '-in', 'sa.key', '-pubout', '-out', 'sa.pub'], dir);
  const file = (name: string) => path.join(dir, name);
  return {
    caCert: file('ca.crt'), caKey: file('ca.key'), servingCert: file('apiserver.crt'), servingKey: file('apiserver.key'),
    adminCert: file('admin.crt'), adminKey: file('admin.key'), serviceAccountKey: file('sa.key'), serviceAccountPub: file('sa.pub'),
  };
}

/** Options of startRealCluster. */
export interface RealClusterOptions {
  /** Run kube-controller-manager too (default true). */
  readonly controllerManager?: boolean;
}

/** A running real control plane. */
export interface RealCluster {
  /** `https://127.0.0.1:<port>`. */
  readonly url: string;
  /** The cluster's directory: certificates, kubeconfigs, logs, etcd data. */
  readonly dir: string;
  /** A KubeConfig with the admin client certificate (group system:masters). */
  adminKubeConfig(): KubeConfig;
  /** The admin kubeconfig as a file. */
  readonly adminKubeconfigFile: string;
  /** A kubeconfig file authenticating as a ServiceAccount with a fresh token (TokenRequest, 24 h). */
  serviceAccountKubeconfig(namespace: string, name: string): Promise<string>;
  /** Stop only the API server (etcd keeps the data); `startApiServer` brings it back on the same port. */
  stopApiServer(): Promise<void>;
  /** Start the API server again and wait until it is ready. */
  startApiServer(): Promise<void>;
  /** The cluster CA certificate (PEM file): it signs the API server's and issueServingCert's certificates. */
  readonly caFile: string;
  /** A serving certificate for 127.0.0.1 (and `dnsNames`) signed by the cluster CA (e.g. the admission webhook's). */
  issueServingCert(name: string, dnsNames?: readonly string[]): { certFile: string; keyFile: string };
  /** The last log lines of every process (for failure messages). */
  logs(): string;
  /** Stop every process and delete the directory. */
  stop(): Promise<void>;
}

/** Start etcd, kube-apiserver and kube-controller-manager on loopback; resolves once the API server is ready. */
export async function startRealCluster(options: RealClusterOptions = {}): Promise<RealCluster> {
  const withControllerManager = options.controllerManager ?? true;
  const bins = { etcd: binary('etcd'), apiserver: binary('kube-apiserver'), kcm: withControllerManager ? binary('kube-controller-manager') : '' };
  const dir = mkdtempSync(path.join(os.tmpdir(), 'portico-kube-'));
  const processes: ClusterProcess[] = [];
  const stopAll = async () => {
    for (const p of [...processes].reverse()) await p.stop();
  };
  try {
    const pki = generatePki(dir);
    const [etcdPort, peerPort, apiPort] = [await freePort(), await freePort(), await freePort()];
    const url = `https://127.0.0.1:${apiPort}`;
    const admin = adminConfig(url, pki);
    const adminKubeconfigFile = path.join(dir, 'admin.kubeconfig');
    writeFileSync(adminKubeconfigFile, admin.exportConfig());

    const etcd = new ClusterProcess('etcd', bins.etcd, etcdArgs(dir, etcdPort, peerPort), path.join(dir, 'etcd.log'));
    processes.push(etcd);
    etcd.start();
    const apiserver = new ClusterProcess('kube-apiserver', bins.apiserver, apiServerArgs(dir, pki, etcdPort, apiPort), path.join(dir, 'kube-apiserver.log'));
    processes.push(apiserver);
    apiserver.start();
    await waitForApiServer(url, pki, apiserver);

    if (withControllerManager) {
      const kcm = new ClusterProcess('kube-controller-manager', bins.kcm, controllerManagerArgs(adminKubeconfigFile), path.join(dir, 'kube-controller-manager.log'));
      processes.push(kcm);
      kcm.start();
      // The serviceaccount controller creating `default` in `default` shows the controllers run.
      await waitFor(async () => {
        if (!kcm.running) throw new Error(`kube-controller-manager exited:\n${kcm.tail()}`);
        return kubeRequest(admin, { path: '/api/v1/namespaces/default/serviceaccounts/default' }).then(() => true, () => false);
      }, 120_000, 'the controller-manager to create the default ServiceAccount');
    }

    return {
      url,
      dir,
      adminKubeconfigFile,
      adminKubeConfig: () => adminConfig(url, pki),
      serviceAccountKubeconfig: async (namespace, name) => {
        const answer = await kubeRequest<{ status: { token: string } }>(admin, {
          method: 'POST',
          path: `/api/v1/namespaces/${namespace}/serviceaccounts/${name}/token`,
          body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: { expirationSeconds: 86_400 } },
        });
        const config = new KubeConfig();
        config.loadFromOptions({
          clusters: [{ name: 'real', server: url, caData: readFileSync(pki.caCert).toString('base64') }],
          users: [{ name, token: answer.status.token }],
          contexts: [{ name, cluster: 'real', user: name, namespace }],
          currentContext: name,
        });
        const file = path.join(dir, `${namespace}-${name}.kubeconfig`);
        writeFileSync(file, config.exportConfig());
        return file;
      },
      stopApiServer: () => apiserver.stop(),
      startApiServer: async () => {
        apiserver.start();
        await waitForApiServer(url, pki, apiserver);
      },
      caFile: pki.caCert,
      issueServingCert: (name, dnsNames = []) => {
        const sans = ['IP:127.0.0.1', 'DNS:localhost', ...dnsNames.map((d) => `DNS:${d}`)].join(',');
        issueLeaf(dir, name, `/CN=${name}`, `subjectAltName=${sans}\nextendedKeyUsage=serverAuth\n`);
        return { certFile: path.join(dir, `${name}.crt`), keyFile: path.join(dir, `${name}.key`) };
      },
      logs: () => processes.map((p) => `--- ${p.name}\n${p.tail()}`).join('\n'),
      stop: async () => {
        await stopAll();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    const logs = processes.map((p) => `--- ${p.name}\n${p.tail()}`).join('\n');
    await stopAll();
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`the real Kubernetes control plane did not start: ${err instanceof Error ? err.message : String(err)}\n${logs}`, { cause: err });
  }
}

function adminConfig(url: string, pki: ClusterPki): KubeConfig {
  const b64 = (file: string) => readFileSync(file).toString('base64');
  const config = new KubeConfig();
  config.loadFromOptions({
    clusters: [{ name: 'real', server: url, caData: b64(pki.caCert) }],
    users: [{ name: 'admin', certData: b64(pki.adminCert), keyData: b64(pki.adminKey) }],
    contexts: [{ name: 'admin', cluster: 'real', user: 'admin', namespace: 'default' }],
    currentContext: 'admin',
  });
  return config;
}

function etcdArgs(dir: string, clientPort: number, peerPort: number): string[] {
  const client = `http://127.0.0.1:${clientPort}`;
  const peer = `http://127.0.0.1:${peerPort}`;
  mkdirSync(path.join(dir, 'etcd'), { recursive: true });
  return [
    '--name=default', `--data-dir=${path.join(dir, 'etcd')}`,
    `--listen-client-urls=${client}`, `--advertise-client-urls=${client}`,
    `--listen-peer-urls=${peer}`, `--initial-advertise-peer-urls=${peer}`, `--initial-cluster=default=${peer}`,
    // Test data need not survive a power cut; fsync on a shared disk makes every write slow.
    '--unsafe-no-fsync', '--log-level=warn',
  ];
}

function apiServerArgs(dir: string, pki: ClusterPki, etcdPort: number, port: number): string[] {
  return [
    `--etcd-servers=http://127.0.0.1:${etcdPort}`,
    '--bind-address=127.0.0.1', '--advertise-address=127.0.0.1', `--secure-port=${port}`, `--cert-dir=${path.join(dir, 'apiserver-certs')}`,
    `--tls-cert-file=${pki.servingCert}`, `--tls-private-key-file=${pki.servingKey}`, `--client-ca-file=${pki.caCert}`,
    `--service-account-issuer=${SERVICE_ACCOUNT_ISSUER}`, `--service-account-key-file=${pki.serviceAccountPub}`, `--service-account-signing-key-file=${pki.serviceAccountKey}`,
    '--service-cluster-ip-range=10.96.0.0/24', '--authorization-mode=Node,RBAC', '--allow-privileged=true',
    // No node runs here: the `kubernetes` Service's endpoints would name a loopback address.
    '--endpoint-reconciler-type=none', '--profiling=false', '--v=1',
  ];
}

function controllerManagerArgs(kubeconfig: string): string[] {
  return [
    `--kubeconfig=${kubeconfig}`, `--authentication-kubeconfig=${kubeconfig}`, `--authorization-kubeconfig=${kubeconfig}`,
    `--controllers=${CONTROLLERS.join(',')}`, '--leader-elect=false', '--bind-address=127.0.0.1', '--secure-port=0',
    '--use-service-account-credentials=false', '--v=1',
  ];
}

async function waitForApiServer(url: string, pki: ClusterPki, apiserver: ClusterProcess): Promise<void> {
  await waitFor(async () => {
    if (!apiserver.running) throw new Error(`kube-apiserver exited:\n${apiserver.tail()}`);
    return (await readyz(url, pki)) === 200;
  }, 120_000, 'kube-apiserver /readyz');
}

function readyz(url: string, pki: ClusterPki): Promise<number> {
  return new Promise((resolve) => {
    const req = https.get(`${url}/readyz`, { ca: readFileSync(pki.caCert), cert: readFileSync(pki.adminCert), key: readFileSync(pki.adminKey), agent: false }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.setTimeout(5_000, () => req.destroy());
    req.on('error', () => resolve(0));
  });
}

async function waitFor(probe: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await probe()) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}
