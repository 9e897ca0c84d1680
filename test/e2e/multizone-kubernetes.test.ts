// Multi-zone end to end with a Kubernetes zone: a universal global (the built `portico` CLI on its
// embedded store) and a zone control plane in Kubernetes mode against a real kube-apiserver + etcd
// (test/support/kube/real-cluster.ts), installed with `portico install control-plane --mode zone`
// (its ServiceAccount, RBAC and admission webhook, the webhook pointed at 127.0.0.1) and run as a
// process under that ServiceAccount, dialling the global over TLS with a zone token. Shown:
// - the global's Mesh, MeshGateway and MeshGatewayRoute become Kubernetes objects in the zone,
//   cluster-scoped, under their hashed names with kuma.io/origin and kuma.io/display-name;
// - a route change on the global reaches the zone's object; a copy the API server refuses (its name)
//   is NACKed with the API server's reason, reported on the global, and the rest is stored;
// - the zone's API server, through the webhook, refuses a person updating or deleting a synced copy
//   ([Z1]) and creating a MeshGatewayRoute (Kuma's message), while the control plane's own writes pass;
// - the zone's Dataplanes (one applied with kubectl, one made by the pod controller for a gateway
//   pod) and a MeshGateway created in the zone reach the global, named as Kuma names them;
// - a real Envoy for the zone's gateway pod serves the global's route to a local backend;
// - with PERMISSIVE mTLS turned on and a universal zone-2 joined, that gateway reaches catalog,
//   which only zone-2 runs behind its sidecar, through zone-2's real ZoneIngress Envoy (the sidecar
//   sees the Kubernetes gateway's SPIFFE ID), and a gateway proxy in zone-2 serves the route too;
// - with the global killed -9 both zones keep serving; restarted, both reconnect and a route change
//   reaches both zones' gateway Envoys (the time is printed), with no copy duplicated;
// - with two replicas only the leader dials the global, and the other takes over when it dies.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { KubeApiError, kubeRequest } from '../../src/k8s/watch/kube-request.js';
import { hashSuffix } from '../../src/multizone/hash-suffix.js';
import { httpBackend, type Backend } from '../support/backends.js';
import { dataplaneTokenFile } from '../support/dataplane-tokens.js';
import { startGlobalCp, startZoneCp, zoneTokenFile, type GlobalCp, type ZoneCp } from '../support/multizone.js';
import { CRDS } from '../support/kube/example-objects.js';
import { startRealCluster, type RealCluster } from '../support/kube/real-cluster.js';
import { startReplica, type Replica } from '../support/kube/replicas.js';
import { eventually, freePort, portico, PORTICO_BIN, request, start, type Running } from '../support/processes.js';

const NS = 'portico-system';
const KUMA = '/apis/kuma.io/v1alpha1';
const ZONE = 'zone-1';
/** The gateway pods' service: what the MeshGatewayInstance `edge-gateway` in `ingress` serves. */
const GATEWAY_SERVICE = 'edge-gateway_ingress_svc';
const DEMO_SERVICE = 'demo-app_demo_svc_8080';
/** Short reconnect delays keep the test quick; the defaults are Kuma's 5 s to 1 min. */
const ZONE_ENV = { ...process.env, KUMA_GENERAL_RESILIENT_COMPONENT_BASE_BACKOFF: '200ms', KUMA_GENERAL_RESILIENT_COMPONENT_MAX_BACKOFF: '2s' };

type KubeObject = {
  apiVersion?: string;
  kind?: string;
  mesh?: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; resourceVersion?: string; ownerReferences?: unknown[] };
  spec?: Record<string, unknown>;
  status?: unknown;
};

/**
 * The global's resources: the gateway for the zone's gateway pods and a route to the demo app;
 * `crossZone` adds PERMISSIVE mTLS and a route to catalog, which only the universal zone-2 runs.
 */
function globalYaml(gatewayPort: number, withNew: boolean, crossZone = false): string {
  const newRule = withNew ? `\n    - matches:\n      - path: {match: PREFIX, value: /new}\n      backends:\n      - destination: {kuma.io/service: ${DEMO_SERVICE}}` : '';
  const catalogRule = crossZone ? `\n    - matches:\n      - path: {match: PREFIX, value: /catalog}\n      backends:\n      - destination: {kuma.io/service: catalog}` : '';
  const mtls = crossZone ? '\nmtls:\n  enabledBackend: ca-1\n  backends:\n  - {name: ca-1, type: builtin, mode: PERMISSIVE}' : '';
  return `type: Mesh
name: default${mtls}
---
type: MeshGateway
mesh: default
name: edge
selectors:
- match:
    kuma.io/service: ${GATEWAY_SERVICE}
conf:
  listeners:
  - port: ${gatewayPort}
    protocol: HTTP
    tags:
      port: http/${gatewayPort}
---
type: MeshGatewayRoute
mesh: default
name: api
selectors:
- match:
    kuma.io/service: ${GATEWAY_SERVICE}
    port: http/${gatewayPort}
conf:
  http:
    hostnames:
    - api.example.com
    rules:
    - matches:
      - path: {match: PREFIX, value: /echo}
      backends:
      - destination: {kuma.io/service: ${DEMO_SERVICE}}${newRule}${catalogRule}
`;
}

async function get(kc: KubeConfig, p: string): Promise<KubeObject | undefined> {
  try {
    return await kubeRequest<KubeObject>(kc, { path: p });
  } catch (err) {
    if (err instanceof KubeApiError && err.status === 404) return undefined;
    throw err;
  }
}

async function failureOf(promise: Promise<unknown>): Promise<KubeApiError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof KubeApiError) return err;
    throw err;
  }
  throw new Error('the request succeeded');
}

async function globalList(apiPort: number, pathname: string): Promise<Array<{ name: string; labels?: Record<string, string> }>> {
  const r = await request(`http://127.0.0.1:${apiPort}${pathname}`);
  if (r.status !== 200) throw new Error(`GET ${pathname}: ${r.status} ${r.body}`);
  return (JSON.parse(r.body) as { items: Array<{ name: string; labels?: Record<string, string> }> }).items;
}

describe('multi-zone with a Kubernetes zone (universal global, real kube-apiserver, real Envoy)', () => {
  let cluster: RealCluster;
  let admin: KubeConfig;
  let demo: Backend;
  const extraBackends: Backend[] = [];
  let kdsPort = 0;
  let work = '';
  let globalApi = 0;
  let gatewayPort = 0;
  let xdsPort = 0;
  let zoneCp: Replica;
  let zoneArgs: (xds: number, webhook: number) => string[];
  let kubeconfig = '';
  let webhookPortOfLeader = 0;
  const processes: Running[] = [];
  const gatewayName = `edge-${hashSuffix('defaultedge')}`;
  const routeName = `api-${hashSuffix('defaultapi')}`;

  let setupError: unknown;
  const step = (name: string, body: () => Promise<void>, timeoutMs: number) =>
    it(name, async () => {
      if (setupError !== undefined) throw setupError;
      await body();
    }, timeoutMs);

  const applyOnGlobal = async (yaml: string) => {
    const applied = await portico(['apply', '-f', '-', '--api', `http://127.0.0.1:${globalApi}`], yaml);
    if (applied.code !== 0) throw new Error(`apply on the global failed: ${applied.output}`);
  };
  const logs = () => processes.map((p) => p.output().slice(-3000)).join('\n-----\n');

  beforeAll(async () => {
    try {
      await setUp();
    } catch (err) {
      setupError = new Error(`${err instanceof Error ? err.message : String(err)}\n${logs()}`, { cause: err });
    }
  }, 600_000);

  async function setUp(): Promise<void> {
    work = mkdtempSync(path.join(os.tmpdir(), 'portico-mz-k8s-'));
    demo = await httpBackend('demo-app');
    [globalApi, gatewayPort, xdsPort] = [await freePort(), await freePort(), await freePort()];
    kdsPort = await freePort();
    const webhookPort = await freePort();

    // The global: universal, embedded store, sync port over TLS with its generated certificate.
    const globalDir = path.join(work, 'global');
    const global = start(process.execPath, [PORTICO_BIN, 'cp', 'run', '--mode', 'global', '--store', 'embedded', '--data-dir', globalDir, '--api-port', String(globalApi), '--api-https-port', '0', '--kds-port', String(kdsPort)]);
    processes.push(global);
    await global.waitFor(/control plane ready/, 60_000);
    await applyOnGlobal(globalYaml(gatewayPort, false));
    const token = await portico(['generate', 'zone-token', '--zone', ZONE, '--scope', 'cp', '--valid-for', '1h', '--api', `http://127.0.0.1:${globalApi}`]);
    expect(token.code, token.output).toBe(0);
    const tokenFile = path.join(work, 'zone-1.token');
    writeFileSync(tokenFile, token.output, { mode: 0o600 });

    // The zone's cluster: CRDs, then `install control-plane --mode zone` without its Deployment
    // (the control plane runs here as a process) and with the webhook pointed at 127.0.0.1.
    cluster = await startRealCluster();
    admin = cluster.adminKubeConfig();
    for (const crd of CRDS) await kubeRequest(admin, { method: 'POST', path: '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', body: crd });
    for (const crd of CRDS) {
      const name = (crd as KubeObject).metadata.name;
      await eventually(async () => {
        const got = (await get(admin, `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${name}`)) as { status?: { conditions?: { type: string; status: string }[] } } | undefined;
        return got?.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True') ?? false;
      }, 30_000, `CRD ${name} established`);
    }
    const webhookCert = cluster.issueServingCert('webhook', [`portico-control-plane.${NS}.svc`]);
    const install = await portico([
      'install', 'control-plane', '--namespace', NS, '--mode', 'zone', '--zone', ZONE, '--global-address', `grpcs://127.0.0.1:${kdsPort}`,
      '--webhook-ca-file', cluster.caFile, '--webhook-cert-file', webhookCert.certFile, '--webhook-key-file', webhookCert.keyFile,
    ]);
    expect(install.code, install.output).toBe(0);
    const manifests = parseAllDocuments(install.output).map((d) => d.toJS() as (KubeObject & { webhooks?: unknown[] }) | null).filter((d): d is KubeObject & { webhooks?: unknown[] } => d !== null);
    for (const m of manifests.filter((x) => x.kind !== 'Deployment')) {
      if (m.kind === 'ValidatingWebhookConfiguration') {
        for (const hook of m.webhooks as { clientConfig: { service?: { path: string }; url?: string; caBundle: string } }[]) {
          hook.clientConfig = { url: `https://127.0.0.1:${webhookPort}${hook.clientConfig.service?.path ?? ''}`, caBundle: hook.clientConfig.caBundle };
        }
      }
      const base = m.apiVersion!.includes('/') ? `/apis/${m.apiVersion}` : `/api/${m.apiVersion}`;
      const plural = `${m.kind!.toLowerCase()}${m.kind!.endsWith('s') ? 'es' : 's'}`;
      await kubeRequest(admin, { method: 'POST', path: m.metadata.namespace ? `${base}/namespaces/${m.metadata.namespace}/${plural}` : `${base}/${plural}`, body: m });
    }
    kubeconfig = await cluster.serviceAccountKubeconfig(NS, 'portico-control-plane');

    // The zone control plane, as the Deployment would run it (the same flags), with leader election.
    zoneArgs = (xds, webhook) => [
      '--mode', 'zone', '--zone', ZONE, '--global-address', `grpcs://127.0.0.1:${kdsPort}`, '--zone-token-file', tokenFile, '--kds-root-ca-file', path.join(globalDir, 'tls', 'ca.crt'),
      '--xds-port', String(xds), '--webhook-port', String(webhook), '--webhook-host', '127.0.0.1',
      '--webhook-tls-cert-file', webhookCert.certFile, '--webhook-tls-key-file', webhookCert.keyFile,
      '--gateway-cp-url', `https://127.0.0.1:${xds}`, '--gateway-image', 'portico:e2e',
      '--tls-cert-file', webhookCert.certFile, '--tls-key-file', webhookCert.keyFile, '--gateway-ca-file', cluster.caFile,
    ];
    webhookPortOfLeader = webhookPort;
    zoneCp = await startReplica({ id: 'zone-cp-0', kubeconfig, apiPort: await freePort(), env: ZONE_ENV, extraArgs: zoneArgs(xdsPort, webhookPort) });
    processes.push(zoneCp.process);
    await zoneCp.process.waitFor(/control plane ready/, 120_000);
  }

  afterAll(async () => {
    for (const p of [...processes].reverse()) await p.stop();
    await demo?.close();
    for (const b of extraBackends) await b.close();
    await cluster?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  }, 120_000);

  step("receives the global's Mesh, MeshGateway and MeshGatewayRoute as Kubernetes objects under their hashed names", async () => {
    let gateway: KubeObject | undefined;
    await eventually(async () => (gateway = await get(admin, `${KUMA}/meshgateways/${gatewayName}`)) !== undefined, 60_000, `MeshGateway ${gatewayName} in the zone`).catch((err: unknown) => {
      throw new Error(`${(err as Error).message}\n${logs()}`);
    });
    // Cluster-scoped, as Kuma's MeshGateway CRD; the mesh in the object's `mesh` field.
    expect(gateway!.metadata.namespace).toBeUndefined();
    expect(gateway!.mesh).toBe('default');
    expect(gateway!.metadata.labels).toMatchObject({ 'kuma.io/origin': 'global', 'kuma.io/display-name': 'edge' });
    expect(gateway!.spec).toMatchObject({ selectors: [{ match: { 'kuma.io/service': GATEWAY_SERVICE } }] });
    // Kinds are applied one after the other, in name order after Secrets and Meshes.
    let route: KubeObject | undefined;
    await eventually(async () => (route = await get(admin, `${KUMA}/meshgatewayroutes/${routeName}`)) !== undefined, 30_000, `MeshGatewayRoute ${routeName} in the zone`);
    expect(route?.metadata.labels).toMatchObject({ 'kuma.io/origin': 'global', 'kuma.io/display-name': 'api' });
    expect(route?.mesh).toBe('default');
    // Meshes keep their names; the mesh's default policies come from the global, hashed.
    expect((await get(admin, `${KUMA}/meshes/default`))?.metadata.labels).toMatchObject({ 'kuma.io/origin': 'global' });
    const allowAll = `allow-all-default-${hashSuffix('defaultallow-all-default')}`;
    await eventually(async () => (await get(admin, `${KUMA}/trafficpermissions/${allowAll}`))?.metadata.labels?.['kuma.io/origin'] === 'global', 30_000, `TrafficPermission ${allowAll}`);
  }, 120_000);

  step('follows a route change on the global', async () => {
    await applyOnGlobal(globalYaml(gatewayPort, true));
    await eventually(async () => JSON.stringify((await get(admin, `${KUMA}/meshgatewayroutes/${routeName}`))?.spec ?? {}).includes('/new'), 30_000, 'the changed route in the zone');
  }, 60_000);

  step('NACKs a copy the API server refuses (a name Kubernetes does not accept), reported on the global, and stores the rest', async () => {
    const global = processes[0]!;
    await applyOnGlobal(`type: MeshGateway\nmesh: default\nname: Bad_Name\nselectors:\n- match:\n    kuma.io/service: nobody\nconf:\n  listeners:\n  - port: 9999\n    protocol: HTTP\n---\ntype: MeshGateway\nmesh: default\nname: good\nselectors:\n- match:\n    kuma.io/service: nobody\nconf:\n  listeners:\n  - port: 9999\n    protocol: HTTP\n`);
    await eventually(async () => /zone rejected resources \(NACK\)/.test(global.output()) && global.output().includes('Bad_Name'), 30_000, 'the NACK reported on the global');
    const nack = global.output().split('\n').find((l) => l.includes('zone rejected resources (NACK)') && l.includes('Bad_Name'))!;
    // The API server's own words reach the global: the name is no RFC 1123 subdomain.
    expect(nack).toMatch(/not stored: .*RFC 1123/);
    await eventually(async () => (await get(admin, `${KUMA}/meshgateways/good-${hashSuffix('defaultgood')}`)) !== undefined, 30_000, 'the valid gateway of the same response in the zone');
    const removed = await portico(['delete', 'meshgateway', 'Bad_Name', '--mesh', 'default', '--api', `http://127.0.0.1:${globalApi}`]);
    expect(removed.code, removed.output).toBe(0);
    const removedGood = await portico(['delete', 'meshgateway', 'good', '--mesh', 'default', '--api', `http://127.0.0.1:${globalApi}`]);
    expect(removedGood.code, removedGood.output).toBe(0);
    await eventually(async () => (await get(admin, `${KUMA}/meshgateways/good-${hashSuffix('defaultgood')}`)) === undefined, 30_000, 'the deleted gateway gone from the zone');
  }, 90_000);

  step("refuses a person's update and delete of a synced copy, and a MeshGatewayRoute created in the zone, through the webhook", async () => {
    // The zone's status writer may bump the object's resourceVersion between the read and the
    // write (409 Conflict); read again until the API server asks the webhook.
    const before = (await get(admin, `${KUMA}/meshgateways/${gatewayName}`))!;
    let update: KubeApiError | undefined;
    for (let attempt = 0; attempt < 10 && (update === undefined || update.status === 409); attempt++) {
      const gateway = (await get(admin, `${KUMA}/meshgateways/${gatewayName}`))!;
      const edited = { ...gateway, spec: { ...gateway.spec, selectors: [{ match: { 'kuma.io/service': 'hijacked' } }] } };
      update = await failureOf(kubeRequest(admin, { method: 'PUT', path: `${KUMA}/meshgateways/${gatewayName}`, body: edited }));
    }
    expect(update!.status).toBe(403);
    expect(update!.message).toContain('admission webhook "validator.portico-admission.kuma.io" denied the request');
    expect(update!.message).toContain(`metadata.labels["kuma.io/origin"]: the origin label must be set to 'zone'`);
    const removal = await failureOf(kubeRequest(admin, { method: 'DELETE', path: `${KUMA}/meshgateways/${gatewayName}` }));
    expect(removal.status).toBe(403);
    expect(removal.message).toContain("the origin label must be set to 'zone'");
    const route = { apiVersion: 'kuma.io/v1alpha1', kind: 'MeshGatewayRoute', mesh: 'default', metadata: { name: 'local-route' }, spec: { selectors: [{ match: { 'kuma.io/service': GATEWAY_SERVICE } }], conf: { http: { rules: [{ matches: [{ path: { match: 'PREFIX', value: '/' } }], backends: [{ destination: { 'kuma.io/service': DEMO_SERVICE } }] }] } } } };
    const created = await failureOf(kubeRequest(admin, { method: 'POST', path: `${KUMA}/meshgatewayroutes`, body: route }));
    expect(created.status).toBe(403);
    expect(created.message).toContain('Operation not allowed. Kuma resources like MeshGatewayRoute can be updated or deleted only from the GLOBAL control plane and not from a ZONE control plane.');
    // The copy is as the global sent it.
    expect((await get(admin, `${KUMA}/meshgateways/${gatewayName}`))?.spec).toEqual(before.spec);
  }, 60_000);

  step("sends the zone's Dataplanes and a MeshGateway created in the zone to the global", async () => {
    await kubeRequest(admin, { method: 'POST', path: '/api/v1/namespaces', body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'demo' } } });
    await kubeRequest(admin, {
      method: 'POST',
      path: `${KUMA}/namespaces/demo/dataplanes`,
      body: { apiVersion: 'kuma.io/v1alpha1', kind: 'Dataplane', mesh: 'default', metadata: { name: 'demo-app', namespace: 'demo' }, spec: { networking: { address: '127.0.0.1', inbound: [{ port: demo.port, tags: { 'kuma.io/service': DEMO_SERVICE, 'kuma.io/protocol': 'http' } }] } } },
    });
    const local = { apiVersion: 'kuma.io/v1alpha1', kind: 'MeshGateway', mesh: 'default', metadata: { name: 'local-edge' }, spec: { selectors: [{ match: { 'kuma.io/service': 'local-edge' } }], conf: { listeners: [{ port: 9080, protocol: 'HTTP' }] } } };
    await kubeRequest(admin, { method: 'POST', path: `${KUMA}/meshgateways`, body: local });

    const demoName = `demo-app-${hashSuffix(`defaultdemo-app${ZONE}demo`)}`;
    await eventually(async () => (await globalList(globalApi, '/meshes/default/dataplanes')).some((d) => d.name === demoName), 30_000, `Dataplane ${demoName} on the global`);
    const dataplane = (await globalList(globalApi, '/meshes/default/dataplanes')).find((d) => d.name === demoName)!;
    expect(dataplane.labels).toMatchObject({ 'kuma.io/origin': 'zone', 'kuma.io/zone': ZONE, 'kuma.io/display-name': 'demo-app', 'k8s.kuma.io/namespace': 'demo' });
    const localName = `local-edge-${hashSuffix(`defaultlocal-edge${ZONE}`)}`;
    await eventually(async () => (await globalList(globalApi, '/meshes/default/meshgateways')).some((g) => g.name === localName), 30_000, `MeshGateway ${localName} on the global`);
    // The zone's own gateway is not sent back to it, and the global's copy in the zone is not sent up.
    expect((await globalList(globalApi, '/meshes/default/meshgateways')).map((g) => g.name).sort()).toEqual(['edge', localName]);
    const zones = await portico(['get', 'zones', '--api', `http://127.0.0.1:${globalApi}`]);
    expect(zones.output).toMatch(/zone-1\s+Online/);
  }, 90_000);

  step("runs a gateway pod whose Envoy serves the global's route, and its Dataplane reaches the global", async () => {
    await kubeRequest(admin, { method: 'POST', path: '/api/v1/namespaces', body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'ingress' } } });
    await kubeRequest(admin, {
      method: 'POST',
      path: `${KUMA}/namespaces/ingress/meshgatewayinstances`,
      body: { apiVersion: 'kuma.io/v1alpha1', kind: 'MeshGatewayInstance', metadata: { name: 'edge-gateway', namespace: 'ingress', labels: { 'kuma.io/mesh': 'default' } }, spec: { replicas: 1, serviceType: 'ClusterIP' } },
    });
    // The real Deployment and ReplicaSet controllers make the pod; nothing runs it, so its status is set here.
    let pod: KubeObject | undefined;
    await eventually(async () => (pod = (await kubeRequest<{ items: KubeObject[] }>(admin, { path: '/api/v1/namespaces/ingress/pods' })).items[0]) !== undefined, 90_000, 'a gateway pod');
    const podName = pod!.metadata.name;
    const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    await kubeRequest(admin, {
      method: 'PUT',
      path: `/api/v1/namespaces/ingress/pods/${podName}/status`,
      body: { ...pod, status: { phase: 'Running', podIP: '127.0.0.1', podIPs: [{ ip: '127.0.0.1' }], hostIP: '127.0.0.1', startTime: now, conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: now }] } },
    });
    await eventually(async () => (await get(admin, `${KUMA}/namespaces/ingress/dataplanes/${podName}`)) !== undefined, 60_000, 'the gateway Dataplane');

    const gatewayCopy = `${podName}-${hashSuffix(`default${podName}${ZONE}ingress`)}`;
    await eventually(async () => (await globalList(globalApi, '/meshes/default/dataplanes')).some((d) => d.name === gatewayCopy), 30_000, `Dataplane ${gatewayCopy} on the global`);
    const copy = (await globalList(globalApi, '/meshes/default/dataplanes')).find((d) => d.name === gatewayCopy)!;
    expect(copy.labels).toMatchObject({ 'kuma.io/origin': 'zone', 'kuma.io/zone': ZONE, 'kuma.io/display-name': podName, 'k8s.kuma.io/namespace': 'ingress', 'kuma.io/proxy-type': 'gateway' });

    // The pod's ServiceAccount token, as kubelet would mount it; the zone checks it with a TokenReview.
    const serviceAccount = (pod as unknown as { spec: { serviceAccountName?: string } }).spec.serviceAccountName || 'default';
    const tokenAnswer = await kubeRequest<{ status: { token: string } }>(admin, {
      method: 'POST',
      path: `/api/v1/namespaces/ingress/serviceaccounts/${serviceAccount}/token`,
      body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: { expirationSeconds: 3600 } },
    });
    const tokenFile = path.join(work, 'gateway-sa-token');
    writeFileSync(tokenFile, tokenAnswer.status.token);
    const dp = start(process.execPath, [
      PORTICO_BIN, 'dp', 'run', '--cp', `https://127.0.0.1:${xdsPort}`, '--ca-cert-file', cluster.caFile, '--mesh', 'default', '--name', `${podName}.ingress`,
      '--admin-port', String(await freePort()), '--log-level', 'warn', '--drain-time', '1',
    ], { env: { KUMA_DATAPLANE_RUNTIME_TOKEN_PATH: tokenFile } });
    processes.push(dp);
    const answer = async (pathname: string) => {
      const r = await request(`http://127.0.0.1:${gatewayPort}${pathname}`, { host: 'api.example.com' }).catch((err: unknown) => ({ status: 0, body: String(err) }));
      return r.status === 200 ? (JSON.parse(r.body) as { name: string }).name : `status ${r.status}`;
    };
    await eventually(async () => (await answer('/new')) === 'demo-app', 90_000, "the global's route served by the zone's gateway").catch((err: unknown) => {
      throw new Error(`${(err as Error).message}\n${logs()}`);
    });
    expect(await answer('/echo')).toBe('demo-app');
    expect(await answer('/other')).toBe('status 404');
    // Under its own ServiceAccount the control plane never got a 403 from RBAC or its webhook.
    expect(zoneCp.process.output()).not.toMatch(/"status":403|forbidden/);
  }, 240_000);
  step("reaches catalog, which only a universal zone-2 runs, from the Kubernetes zone's gateway through zone-2's ZoneIngress over mesh mTLS", async () => {
    // The mesh turns PERMISSIVE mTLS on: the local demo app has no sidecar, so it stays plaintext;
    // catalog exists only behind zone-2's ingress, which routes by SNI, so it is reached with TLS.
    await applyOnGlobal(globalYaml(gatewayPort, true, true));
    const global: GlobalCp = { dataDir: path.join(work, 'global'), apiPort: globalApi, kdsPort };
    const zone2: ZoneCp = { name: 'zone-2', dataDir: path.join(work, 'zone-2'), apiPort: await freePort(), xdsPort: await freePort(), tokenFile: await zoneTokenFile(global, 'zone-2', 'cp', work) };
    const zone2Cp = startZoneCp(global, zone2, { KUMA_MULTIZONE_ZONE_INGRESS_UPDATE_INTERVAL: '200ms' });
    processes.push(zone2Cp);
    await zone2Cp.waitFor(/control plane ready/, 60_000);
    const catalog = await httpBackend('catalog-zone-2');
    extraBackends.push(catalog);
    const catalogToken = await dataplaneTokenFile(`http://127.0.0.1:${globalApi}`, 'default', 'catalog-1', work);
    await eventually(async () => (await globalList(zone2.apiPort, '/meshes/default/secrets')).some((x) => x.name.startsWith('dataplane-token-signing-key-default')), 30_000, "zone-2 to receive the mesh's signing key");
    const dpRun = async (file: string, token: string, extra: string[] = []) => {
      const proxy = start(process.execPath, [
        PORTICO_BIN, 'dp', 'run', '--cp', `https://127.0.0.1:${zone2.xdsPort}`, '--ca-cert-file', path.join(zone2.dataDir, 'tls', 'ca.crt'), '--dataplane-file', file, '--dataplane-token-file', token,
        ...extra, '--admin-port', String(await freePort()), '--log-level', 'warn', '--drain-time', '1',
      ]);
      processes.push(proxy);
    };
    const catalogFile = path.join(work, 'catalog-1.yaml');
    writeFileSync(catalogFile, `type: Dataplane\nmesh: default\nname: catalog-1\nnetworking:\n  address: 127.0.0.1\n  inbound:\n  - {port: ${await freePort()}, servicePort: ${catalog.port}, serviceAddress: 127.0.0.1, tags: {kuma.io/service: catalog, kuma.io/protocol: http}}\n`);
    await dpRun(catalogFile, catalogToken);
    const ingressPort = await freePort();
    const ingressFile = path.join(work, 'ingress-2.yaml');
    writeFileSync(ingressFile, `type: ZoneIngress\nname: ingress\nnetworking: {address: 127.0.0.1, port: ${ingressPort}, advertisedAddress: 127.0.0.1, advertisedPort: ${ingressPort}}\n`);
    await dpRun(ingressFile, await zoneTokenFile(global, 'zone-2', 'ingress', work), ['--proxy-type', 'ingress']);

    // zone-2's ingress reaches the Kubernetes zone as a cluster-scoped ZoneIngress naming zone-2.
    await eventually(
      async () => ((await kubeRequest<{ items: KubeObject[] }>(admin, { path: `${KUMA}/zoneingresses` })).items).some((i) => (i as unknown as { spec?: { zone?: string; availableServices?: unknown[] } }).spec?.zone === 'zone-2' && ((i as unknown as { spec: { availableServices?: unknown[] } }).spec.availableServices?.length ?? 0) > 0),
      60_000,
      "zone-2's ZoneIngress, with its services, in the Kubernetes zone",
    ).catch((err: unknown) => {
      throw new Error(`${(err as Error).message}\n${logs()}`);
    });
    const answer = async (pathname: string) => {
      const r = await request(`http://127.0.0.1:${gatewayPort}${pathname}`, { host: 'api.example.com' }).catch((err: unknown) => ({ status: 0, body: String(err) }));
      return r.status === 200 ? (JSON.parse(r.body) as { name: string; headers?: Record<string, string> }) : { name: `status ${r.status} ${r.body.slice(0, 200)}` };
    };
    await eventually(async () => (await answer('/catalog')).name === 'catalog-zone-2', 90_000, "zone-1's gateway to reach catalog in zone-2").catch(async (err: unknown) => {
      throw new Error(`${(err as Error).message}\nlast: ${(await answer('/catalog')).name}\n${logs()}`);
    });
    // zone-2's sidecar terminated the Kubernetes gateway's own mesh TLS: the ingress passed it on.
    expect((await answer('/catalog')).headers?.['x-forwarded-client-cert']).toContain(`URI=spiffe://default/${GATEWAY_SERVICE}`);
    // The local backend is still served, plaintext (it has no certificate to terminate TLS with).
    expect((await answer('/echo')).name).toBe('demo-app');

    // A gateway proxy in zone-2 too, for the same MeshGateway: it serves the global's route there,
    // catalog from its own zone.
    const gatewayFile = path.join(work, 'gateway-2.yaml');
    writeFileSync(gatewayFile, `type: Dataplane\nmesh: default\nname: edge-zone-2\nnetworking:\n  address: 127.0.0.2\n  gateway: {type: BUILTIN, tags: {kuma.io/service: ${GATEWAY_SERVICE}}}\n`);
    await dpRun(gatewayFile, await dataplaneTokenFile(`http://127.0.0.1:${globalApi}`, 'default', 'edge-zone-2', work));
    const answer2 = async (pathname: string) => {
      const r = await request(`http://127.0.0.2:${gatewayPort}${pathname}`, { host: 'api.example.com' }).catch((err: unknown) => ({ status: 0, body: String(err) }));
      return r.status === 200 ? (JSON.parse(r.body) as { name: string }).name : `status ${r.status}`;
    };
    await eventually(async () => (await answer2('/catalog')) === 'catalog-zone-2', 60_000, "zone-2's gateway to serve catalog");
  }, 240_000);

  step('keeps both zones serving with the global killed -9, and reconverges when it restarts: a route change reaches both zones\' Envoys', async () => {
    const name = async (address: string, pathname: string) => {
      const r = await request(`http://${address}:${gatewayPort}${pathname}`, { host: 'api.example.com' }).catch((err: unknown) => ({ status: 0, body: String(err) }));
      return r.status === 200 ? (JSON.parse(r.body) as { name: string }).name : `status ${r.status}`;
    };
    const oldGlobal = processes[0]!;
    oldGlobal.proc.kill('SIGKILL');
    await new Promise((resolve) => oldGlobal.proc.once('exit', resolve));
    for (let i = 0; i < 5; i++) {
      expect(await name('127.0.0.1', '/catalog')).toBe('catalog-zone-2');
      expect(await name('127.0.0.1', '/echo')).toBe('demo-app');
      expect(await name('127.0.0.2', '/catalog')).toBe('catalog-zone-2');
    }
    // The same global, restarted on its data directory: both zones reconnect.
    const restarted = startGlobalCp({ dataDir: path.join(work, 'global'), apiPort: globalApi, kdsPort });
    processes[0] = restarted;
    await restarted.waitFor(/control plane ready/, 60_000);
    await eventually(async () => restarted.output().split('\n').filter((l) => l.includes('"msg":"zone connected"')).length >= 2, 30_000, 'both zones connected to the restarted global');
    // Drop /new: both zones' gateway Envoys follow.
    const started = performance.now();
    await applyOnGlobal(globalYaml(gatewayPort, false, true));
    const reached: Record<string, number> = {};
    await eventually(
      async () => {
        for (const [zone, address] of [['zone-1', '127.0.0.1'], ['zone-2', '127.0.0.2']] as const) {
          if (reached[zone] === undefined && (await name(address, '/new')) === 'status 404') reached[zone] = performance.now() - started;
        }
        return Object.keys(reached).length === 2;
      },
      30_000,
      'the route change in both zones',
    );
    console.log(`route change on the restarted global -> Envoy: ${Object.entries(reached).map(([z, ms]) => `${z} ${ms.toFixed(0)} ms`).join(', ')}`);
    expect(await name('127.0.0.1', '/catalog')).toBe('catalog-zone-2');
    // Nothing duplicated: one copy of the global's gateway and route in the Kubernetes zone.
    const routes = (await kubeRequest<{ items: KubeObject[] }>(admin, { path: `${KUMA}/meshgatewayroutes` })).items.filter((r) => r.metadata.labels?.['kuma.io/origin'] === 'global');
    expect(routes.map((r) => r.metadata.name)).toEqual([routeName]);
  }, 120_000);

  step('with two replicas only the leader dials the global; when it dies the other takes over the sync', async () => {
    const global = processes[0]!;
    const connections = () => global.output().split('\n').filter((l) => l.includes('"msg":"zone connected"')).length;
    const before = connections();
    const webhookPort = await freePort();
    const second = await startReplica({ id: 'zone-cp-1', kubeconfig, apiPort: await freePort(), env: ZONE_ENV, extraArgs: zoneArgs(await freePort(), webhookPort) });
    processes.push(second.process);
    await second.process.waitFor(/control plane ready/, 120_000);
    // A follower: ready, but it neither runs the controllers nor dials the global.
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    expect(second.process.output()).not.toContain('dialling the global control plane');
    expect(connections()).toBe(before);

    zoneCp.process.proc.kill('SIGKILL');
    await new Promise((resolve) => zoneCp.process.proc.once('exit', resolve));
    // The API server reaches the webhook through a Service, which now routes to the live replica.
    const config = (await kubeRequest<KubeObject & { webhooks: { clientConfig: { url: string } }[] }>(admin, { path: '/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations/portico-validating-webhook' }));
    for (const hook of config.webhooks) hook.clientConfig.url = hook.clientConfig.url.replace(`:${webhookPortOfLeader}/`, `:${webhookPort}/`);
    await kubeRequest(admin, { method: 'PUT', path: '/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations/portico-validating-webhook', body: config });
    await second.process.waitFor(/dialling the global control plane/, 60_000);
    await eventually(async () => connections() > before, 30_000, "the new leader's connection on the global");
    // Changes flow again: the route loses /new in the zone.
    await applyOnGlobal(globalYaml(gatewayPort, false));
    await eventually(async () => !JSON.stringify((await get(admin, `${KUMA}/meshgatewayroutes/${routeName}`))?.spec ?? {}).includes('/new'), 30_000, "the route change through the new leader").catch((err: unknown) => {
      throw new Error(`${(err as Error).message}\n${second.process.output().slice(-4000)}`);
    });
  }, 240_000);
});
