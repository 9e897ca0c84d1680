// End to end against a real Kubernetes control plane (test/support/kube/real-cluster.ts: etcd,
// kube-apiserver with RBAC, kube-controller-manager; docs/kubernetes-testing.md). What the fake API
// server cannot show:
// - the CRDs' schemas enforced by the real server, and the admission webhook called by the API
//   server itself (registered from `portico install control-plane`, pointed at 127.0.0.1);
// - the control plane running under the ServiceAccount and RBAC that `install control-plane`
//   creates, with a real token: any missing permission is a real 403;
// - pods created by the real Deployment and ReplicaSet controllers from the Deployment Portico
//   rendered (their status is set here: there is no kubelet), then real Envoy traffic;
// - garbage collection by owner references, by the real garbage collector;
// - the API server stopped and started under a running control plane, and one started while it is
//   down or while RBAC refuses it;
// - two replicas (`--replicas 2`) electing one leader with a real Lease; the leader killed.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { KubeApiError, kubeRequest } from '../../src/k8s/watch/kube-request.js';
import { httpBackend, type Backend } from '../support/backends.js';
import type { Obj } from '../support/fake-kube-api/index.js';
import { CRDS, exampleObjects, namespacesFirst } from '../support/kube/example-objects.js';
import { startRealCluster, type RealCluster } from '../support/kube/real-cluster.js';
import { LEASE, leaderOf, readinessOf, startReplica, TAKEOVER_DEADLINE_MS, type Replica } from '../support/kube/replicas.js';
import { eventually, freePort, portico, PORTICO_BIN, request, start, type Running } from '../support/processes.js';

const NS = 'portico-system';
const KUMA = '/apis/kuma.io/v1alpha1';

interface Meta {
  name: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  ownerReferences?: { kind: string; name: string; controller?: boolean }[];
  labels?: Record<string, string>;
}
type KubeObject = Obj & { apiVersion: string; kind: string; metadata: Meta };

function plural(kind: string): string {
  const lower = kind.toLowerCase();
  return lower.endsWith('sh') || lower.endsWith('s') ? `${lower}es` : `${lower}s`;
}

/** The collection path of an object: namespaced when it names a namespace. */
function collectionPath(obj: KubeObject): string {
  const base = obj.apiVersion.includes('/') ? `/apis/${obj.apiVersion}` : `/api/${obj.apiVersion}`;
  return obj.metadata.namespace ? `${base}/namespaces/${obj.metadata.namespace}/${plural(obj.kind)}` : `${base}/${plural(obj.kind)}`;
}

async function create(kc: KubeConfig, obj: Obj): Promise<KubeObject> {
  const o = obj as KubeObject;
  return kubeRequest<KubeObject>(kc, { method: 'POST', path: collectionPath(o), body: o });
}

async function get(kc: KubeConfig, path: string): Promise<KubeObject | undefined> {
  try {
    return await kubeRequest<KubeObject>(kc, { path });
  } catch (err) {
    if (err instanceof KubeApiError && err.status === 404) return undefined;
    throw err;
  }
}

async function list(kc: KubeConfig, path: string): Promise<KubeObject[]> {
  return (await kubeRequest<{ items: KubeObject[] }>(kc, { path })).items;
}

/** The KubeApiError a request fails with (the test expects it to fail). */
async function failureOf(promise: Promise<unknown>): Promise<KubeApiError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof KubeApiError) return err;
    throw err;
  }
  throw new Error('the request succeeded');
}

function alive(p: Running): boolean {
  return p.proc.exitCode === null && p.proc.signalCode === null;
}

describe('Kubernetes mode against a real kube-apiserver', () => {
  let cluster: RealCluster;
  let admin: KubeConfig;
  let demo: Backend;
  let dir = '';
  let gatewayPort = 0;
  let xdsPort = 0;
  let webhookPort = 0;
  let cpKubeconfig = '';
  let webhookCert: { certFile: string; keyFile: string };
  const replicas: Replica[] = [];
  const processes: Running[] = [];

  const replicaArgs = (xds: number, webhook: number) => [
    '--xds-port', String(xds), '--webhook-port', String(webhook), '--webhook-host', '127.0.0.1',
    '--webhook-tls-cert-file', webhookCert.certFile, '--webhook-tls-key-file', webhookCert.keyFile,
    '--gateway-cp-url', `https://127.0.0.1:${xds}`, '--gateway-image', 'portico:e2e',
    // Both replicas serve one certificate on the dataplane port, as `install control-plane` makes
    // them (the webhook's), so a gateway pod trusts whichever replica it reaches.
    '--tls-cert-file', webhookCert.certFile, '--tls-key-file', webhookCert.keyFile, '--gateway-ca-file', cluster.caFile,
  ];

  // A failed start (a missing binary above all) fails every test with its message: the lane is
  // never reported as skipped.
  let setupError: unknown;
  const step = (name: string, body: () => Promise<void>, timeoutMs: number) =>
    it(name, async () => {
      if (setupError !== undefined) throw setupError;
      await body();
    }, timeoutMs);

  beforeAll(async () => {
    try {
      await setUp();
    } catch (err) {
      setupError = err;
    }
  }, 600_000);

  async function setUp(): Promise<void> {
    cluster = await startRealCluster();
    admin = cluster.adminKubeConfig();
    dir = mkdtempSync(path.join(os.tmpdir(), 'portico-real-k8s-'));
    demo = await httpBackend('demo-app');
    [gatewayPort, xdsPort, webhookPort] = [await freePort(), await freePort(), await freePort()];
    // Valid for the Service name too: `install control-plane` checks that before using it.
    webhookCert = cluster.issueServingCert('webhook', [`portico-control-plane.${NS}.svc`]);

    // The CRDs, through the real server (which checks them as structural schemas).
    for (const crd of CRDS) await create(admin, crd);
    for (const crd of CRDS) {
      const name = (crd as KubeObject).metadata.name;
      await eventually(async () => {
        const got = (await get(admin, `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${name}`)) as { status?: { conditions?: { type: string; status: string }[] } } | undefined;
        return got?.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True') ?? false;
      }, 30_000, `CRD ${name} established`);
    }

    // `portico install control-plane --replicas 2` with a webhook certificate for 127.0.0.1. Its
    // Deployment is left out: the replicas run here as processes (there is no kubelet), with the
    // Deployment's ServiceAccount, RBAC and webhook registration.
    const install = await portico(['install', 'control-plane', '--namespace', NS, '--replicas', '2', '--webhook-ca-file', cluster.caFile, '--webhook-cert-file', webhookCert.certFile, '--webhook-key-file', webhookCert.keyFile]);
    expect(install.code, install.output).toBe(0);
    const manifests = parseAllDocuments(install.output).map((d) => d.toJS() as KubeObject | null).filter((d): d is KubeObject => d !== null);
    expect(manifests.find((m) => m.kind === 'Deployment')).toMatchObject({ spec: { replicas: 2 } });
    for (const m of manifests.filter((x) => x.kind !== 'Deployment')) {
      if (m.kind === 'ValidatingWebhookConfiguration') {
        for (const hook of (m as unknown as { webhooks: { clientConfig: { service?: { path: string }; url?: string; caBundle: string } }[] }).webhooks) {
          hook.clientConfig = { url: `https://127.0.0.1:${webhookPort}${hook.clientConfig.service?.path ?? ''}`, caBundle: hook.clientConfig.caBundle };
        }
      }
      await create(admin, m);
    }
    cpKubeconfig = await cluster.serviceAccountKubeconfig(NS, 'portico-control-plane');

    for (const [i, id] of ['cp-0', 'cp-1'].entries()) {
      const replica = await startReplica({ id, kubeconfig: cpKubeconfig, apiPort: await freePort(), extraArgs: replicaArgs(i === 0 ? xdsPort : await freePort(), i === 0 ? webhookPort : await freePort()) });
      replicas.push(replica);
      processes.push(replica.process);
    }
    for (const r of replicas) await r.process.waitFor(/control plane ready/, 120_000);
  }

  afterAll(async () => {
    for (const p of [...processes].reverse()) await p.stop();
    await demo?.close();
    await cluster?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }, 120_000);

  step('rejects an object its CRD schema forbids, with the real server\'s own validation', async () => {
    const bad = { apiVersion: 'kuma.io/v1alpha1', kind: 'MeshGateway', mesh: 'default', metadata: { name: 'bad-schema' }, spec: { selectors: [{ match: { 'kuma.io/service': 'x' } }], conf: { listeners: [{ port: 'eighty', protocol: 'HTTP' }] } } };
    const err = await failureOf(create(admin, bad));
    expect(err.status).toBe(422);
    expect(err.message).toMatch(/MeshGateway\.kuma\.io "bad-schema" is invalid: spec\.conf\.listeners\[0\]\.port: Invalid value: "eighty"/);
  }, 30_000);

  step('has the API server call the admission webhook, which denies what the schema cannot check', async () => {
    await create(admin, { apiVersion: 'kuma.io/v1alpha1', kind: 'Mesh', metadata: { name: 'default' } }).catch((err: unknown) => {
      if (!(err instanceof KubeApiError && err.status === 409)) throw err;
    });
    const contradicting = {
      apiVersion: 'kuma.io/v1alpha1', kind: 'MeshGateway', mesh: 'default',
      metadata: { name: 'bad-label', labels: { 'kuma.io/mesh': 'other' } },
      spec: { selectors: [{ match: { 'kuma.io/service': 'x' } }], conf: { listeners: [{ port: 80, protocol: 'HTTP' }] } },
    };
    const err = await failureOf(create(admin, contradicting));
    expect(err.message).toContain('admission webhook "validator.portico-admission.kuma.io" denied the request');
    expect(err.message).toContain('metadata.labels["kuma.io/mesh"]: must equal mesh "default"');
  }, 30_000);

  step('creates the builtin CA of an mTLS Mesh as Secrets in its own namespace, under its ServiceAccount\'s RBAC', async () => {
    await create(admin, {
      apiVersion: 'kuma.io/v1alpha1',
      kind: 'Mesh',
      metadata: { name: 'secure' },
      spec: { mtls: { enabledBackend: 'ca-1', backends: [{ name: 'ca-1', type: 'builtin' }] } },
    });
    let secrets: KubeObject[] = [];
    await eventually(async () => (secrets = (await list(admin, `/api/v1/namespaces/${NS}/secrets`)).filter((s) => s.metadata.name.startsWith('secure.ca-builtin-'))).length === 2, 60_000, 'the CA Secrets');
    expect(secrets.map((s) => s.metadata.name).sort()).toEqual(['secure.ca-builtin-cert-ca-1', 'secure.ca-builtin-key-ca-1']);
    const cert = secrets.find((s) => s.metadata.name === 'secure.ca-builtin-cert-ca-1') as unknown as { type: string; data: { value: string } };
    expect(cert.type).toBe('system.kuma.io/secret');
    expect(Buffer.from(cert.data.value, 'base64').toString()).toContain('BEGIN CERTIFICATE');
    // The default policies, created once and marked on the Mesh (docs/mesh-mtls.md §5.5).
    await eventually(async () => (await get(admin, `${KUMA}/trafficpermissions/allow-all-secure`)) !== undefined, 60_000, 'allow-all-secure');
    await eventually(async () => (await get(admin, `${KUMA}/meshes/secure`))?.metadata.labels?.['kuma.io/mesh-defaults-generated'] === 'true', 60_000, 'the defaults label');
    // The label is set once every default exists: timeout-all-<mesh>, through the RBAC rule for it.
    const timeout = await get(admin, `${KUMA}/timeouts/timeout-all-secure`);
    expect(timeout?.metadata.ownerReferences).toEqual([expect.objectContaining({ apiVersion: 'kuma.io/v1alpha1', kind: 'Mesh', name: 'secure' })]);
    expect((timeout as unknown as { spec: { conf: unknown } }).spec.conf).toEqual({
      connectTimeout: '5s',
      tcp: { idleTimeout: '3600s' },
      http: { requestTimeout: '15s', idleTimeout: '3600s', streamIdleTimeout: '1800s', maxStreamDuration: '0s' },
    });
    // Owned by the Mesh: the real garbage collector deletes them with it.
    for (const s of secrets) expect(s.metadata.ownerReferences).toEqual([expect.objectContaining({ apiVersion: 'kuma.io/v1alpha1', kind: 'Mesh', name: 'secure' })]);
    await kubeRequest(admin, { method: 'DELETE', path: `${KUMA}/meshes/secure` });
    await eventually(async () => (await list(admin, `/api/v1/namespaces/${NS}/secrets`)).every((s) => !s.metadata.name.startsWith('secure.ca-builtin-')), 60_000, 'the CA Secrets deleted with the Mesh');
    await eventually(async () => (await get(admin, `${KUMA}/trafficpermissions/allow-all-secure`)) === undefined, 60_000, 'the default policy deleted with the Mesh');
    await eventually(async () => (await get(admin, `${KUMA}/timeouts/timeout-all-secure`)) === undefined, 60_000, 'the default Timeout deleted with the Mesh');
  }, 120_000);

  step('renders the gateway, gets its pods from the real Deployment controller, and serves real traffic through Envoy', async () => {
    for (const obj of namespacesFirst(exampleObjects(gatewayPort, demo.port))) {
      await create(admin, obj).catch((err: unknown) => {
        if (!(err instanceof KubeApiError && err.status === 409)) throw err;
      });
    }
    let deployment: KubeObject | undefined;
    await eventually(async () => (deployment = await get(admin, '/apis/apps/v1/namespaces/ingress/deployments/edge-gateway')) !== undefined, 60_000, 'the gateway Deployment');
    expect(deployment!.metadata.ownerReferences).toEqual([expect.objectContaining({ kind: 'MeshGatewayInstance', name: 'edge-gateway', controller: true })]);
    const service = await get(admin, '/api/v1/namespaces/ingress/services/edge-gateway');
    expect(service?.metadata.ownerReferences).toEqual([expect.objectContaining({ kind: 'MeshGatewayInstance', name: 'edge-gateway', controller: true })]);

    // The ReplicaSet controller creates the pod; nothing runs it, so its status is set here.
    let pod: KubeObject | undefined;
    await eventually(async () => (pod = (await list(admin, '/api/v1/namespaces/ingress/pods'))[0]) !== undefined, 60_000, 'a gateway pod from the ReplicaSet');
    expect(pod!.metadata.ownerReferences).toEqual([expect.objectContaining({ kind: 'ReplicaSet', controller: true })]);
    const podName = pod!.metadata.name;
    const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    await kubeRequest(admin, {
      method: 'PUT',
      path: `/api/v1/namespaces/ingress/pods/${podName}/status`,
      body: { ...pod, status: { phase: 'Running', podIP: '127.0.0.1', podIPs: [{ ip: '127.0.0.1' }], hostIP: '127.0.0.1', startTime: now, conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: now }] } },
    });
    await eventually(async () => (await get(admin, `${KUMA}/namespaces/ingress/dataplanes/${podName}`)) !== undefined, 60_000, 'the gateway Dataplane');
    const dataplane = await get(admin, `${KUMA}/namespaces/ingress/dataplanes/${podName}`);
    expect(dataplane?.metadata.ownerReferences).toEqual([expect.objectContaining({ kind: 'Pod', name: podName })]);

    // The pod's ServiceAccount token, as kubelet would mount it (TokenRequest); the control plane
    // checks it with a real TokenReview against this pod.
    const serviceAccount = (pod as unknown as { spec: { serviceAccountName?: string } }).spec.serviceAccountName || 'default';
    const tokenAnswer = await kubeRequest<{ status: { token: string } }>(admin, {
      method: 'POST',
      path: `/api/v1/namespaces/ingress/serviceaccounts/${serviceAccount}/token`,
      body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: { expirationSeconds: 3600 } },
    });
    const tokenFile = path.join(dir, 'gateway-sa-token');
    writeFileSync(tokenFile, tokenAnswer.status.token);
    const adminPort = await freePort();
    const dp = start(process.execPath, [
      PORTICO_BIN, 'dp', 'run', '--cp', `https://127.0.0.1:${xdsPort}`, '--ca-cert-file', cluster.caFile, '--mesh', 'default', '--name', `${podName}.ingress`,
      '--admin-port', String(adminPort), '--log-level', 'warn', '--drain-time', '1',
    ], { env: { KUMA_DATAPLANE_RUNTIME_TOKEN_PATH: tokenFile } });
    processes.push(dp);
    await eventually(async () => (await request(`http://127.0.0.1:${gatewayPort}/hello`, { host: 'foo.example.com' })).status === 200, 90_000, 'traffic through the gateway');
    const r = await request(`http://127.0.0.1:${gatewayPort}/hello`, { host: 'foo.example.com' });
    expect((JSON.parse(r.body) as { name: string }).name).toBe('demo-app');
    // Least privilege held: the control plane never got a 403 under its own ServiceAccount.
    for (const replica of replicas) expect(replica.process.output()).not.toMatch(/"status":403|forbidden/);
  }, 300_000);

  step('keeps running when the API server stops, reports the loss, and recovers when it returns; one started meanwhile waits, then becomes ready', async () => {
    await cluster.stopApiServer();
    await eventually(async () => (await readinessOf(replicas[0]!)).degraded === true, 60_000, 'a degraded /ready');
    const report = await readinessOf(replicas[0]!);
    // Synced before: it keeps serving its cache, so it stays ready (docs/kubernetes-testing.md).
    expect(report.ready).toBe(true);
    expect(Object.values(report.watchers).some((w) => /^API server unreachable/.test(w.lastError ?? ''))).toBe(true);

    const late = await startReplica({ id: 'cp-late', kubeconfig: cpKubeconfig, apiPort: await freePort(), extraArgs: ['--xds-port', '0'] });
    processes.push(late.process);
    await eventually(async () => /watch failed \(API server unreachable\)/.test(late.process.output()), 30_000, 'the late replica to warn');
    const waiting = await readinessOf(late);
    expect(waiting).toMatchObject({ ready: false });
    expect(waiting.waitingFor.length).toBeGreaterThan(0);

    await cluster.startApiServer();
    await late.process.waitFor(/control plane ready/, 120_000);
    expect((await readinessOf(late)).ready).toBe(true);
    await eventually(async () => (await readinessOf(replicas[0]!)).degraded === false, 120_000, 'the first replica to recover');
    for (const p of [...replicas.map((r) => r.process), late.process]) expect(alive(p)).toBe(true);
    await late.process.stop();
  }, 300_000);

  step('keeps retrying while RBAC refuses its ServiceAccount (403), and becomes ready once it is bound', async () => {
    await create(admin, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'unbound', namespace: NS } });
    const kubeconfig = await cluster.serviceAccountKubeconfig(NS, 'unbound');
    const refused = await startReplica({ id: 'cp-unbound', kubeconfig, apiPort: await freePort(), extraArgs: ['--xds-port', '0'] });
    processes.push(refused.process);
    await eventually(async () => /watch failed \(forbidden: RBAC/.test(refused.process.output()), 60_000, 'a 403 warning');
    expect((await readinessOf(refused)).ready).toBe(false);
    expect(alive(refused.process)).toBe(true);

    const subjects = [{ kind: 'ServiceAccount', name: 'unbound', namespace: NS }];
    await create(admin, { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name: 'unbound' }, subjects, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'portico-control-plane' } });
    await create(admin, { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: 'unbound', namespace: NS }, subjects, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'portico-control-plane' } });
    await refused.process.waitFor(/control plane ready/, 120_000);
    expect((await readinessOf(refused)).ready).toBe(true);
    await refused.process.stop();
  }, 300_000);

  step('exits non-zero with a clear message on a fatal condition (its REST API port taken) instead of retrying', async () => {
    const taken = replicas[0]!.apiPort;
    const clash = await startReplica({ id: 'cp-clash', kubeconfig: cpKubeconfig, apiPort: taken, extraArgs: ['--xds-port', '0'] });
    processes.push(clash.process);
    const code = await new Promise<number | null>((resolve) => clash.process.proc.once('exit', (c) => resolve(c)));
    expect(code).toBe(1);
    expect(clash.process.output()).toContain('Error: the control plane cannot start: listen EADDRINUSE');
  }, 60_000);

  step('runs the controllers on one replica; when it is killed the other takes over within the lease duration', async () => {
    const leader = await leaderOf(replicas, 30_000);
    const follower = replicas.find((r) => r !== leader)!;
    const lease = await get(admin, `/apis/coordination.k8s.io/v1/namespaces/${NS}/leases/${LEASE.name}`);
    expect((lease as unknown as { spec: { holderIdentity: string } }).spec.holderIdentity).toBe(leader.id);
    expect(Object.keys((await readinessOf(follower)).watchers).filter((w) => w.startsWith('controllers/'))).toEqual([]);

    leader.process.proc.kill('SIGKILL');
    const killedAt = Date.now();
    expect(await leaderOf([follower], TAKEOVER_DEADLINE_MS)).toBe(follower);
    expect(Date.now() - killedAt).toBeLessThanOrEqual(TAKEOVER_DEADLINE_MS);

    // The new leader reconciles: a deleted gateway Service comes back.
    const before = await get(admin, '/api/v1/namespaces/ingress/services/edge-gateway');
    await kubeRequest(admin, { method: 'DELETE', path: '/api/v1/namespaces/ingress/services/edge-gateway' });
    await eventually(async () => {
      const now = await get(admin, '/api/v1/namespaces/ingress/services/edge-gateway');
      return now !== undefined && now.metadata.uid !== before?.metadata.uid;
    }, 60_000, 'the Service recreated by the new leader');
  }, 120_000);

  step('lets the real garbage collector delete everything the MeshGatewayInstance owned', async () => {
    const owned = () =>
      Promise.all([
        get(admin, '/apis/apps/v1/namespaces/ingress/deployments/edge-gateway'),
        get(admin, '/api/v1/namespaces/ingress/services/edge-gateway'),
        list(admin, '/apis/apps/v1/namespaces/ingress/replicasets').then((l) => l[0]),
        list(admin, '/api/v1/namespaces/ingress/pods').then((l) => l[0]),
        list(admin, `${KUMA}/namespaces/ingress/dataplanes`).then((l) => l[0]),
      ]);
    // List items of built-in kinds carry no `kind`: presence is what counts here.
    expect((await owned()).map((o) => o !== undefined)).toEqual([true, true, true, true, true]);
    await kubeRequest(admin, { method: 'DELETE', path: `${KUMA}/namespaces/ingress/meshgatewayinstances/edge-gateway` });
    await eventually(async () => (await owned()).every((o) => o === undefined), 120_000, 'the Deployment, Service, ReplicaSet, Pod and Dataplane to be collected');
  }, 180_000);
});
