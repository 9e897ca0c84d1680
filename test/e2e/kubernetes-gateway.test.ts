// End to end, Kubernetes mode: the fake API server (test/support/fake-kube-api) stands in for the
// cluster; the built `portico` CLI runs the control plane with `--environment kubernetes` against it through
// @kubernetes/client-node. The Kubernetes example's objects are applied; the MeshGatewayInstance
// controller creates the gateway Service and Deployment; a Pod is created from the Deployment's
// template as the Deployment controller would; the pod controller turns it into a Dataplane; a
// real Envoy started with `portico dp run` for that Dataplane serves real traffic to the demo app.
// The dataplane port is TLS; `dp run` gets the control plane's CA the way a gateway pod does, from
// the KUMA_CONTROL_PLANE_CA_CERT variable of the rendered Deployment.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpBackend, type Backend } from '../support/backends.js';
import { startFakeKubeApi, type FakeKubeApi, type Obj } from '../support/fake-kube-api/index.js';
import { CRDS, exampleObjects, namespacesFirst } from '../support/kube/example-objects.js';
import { eventually, freePort, PORTICO_BIN, request, start, type Running } from '../support/processes.js';

const KUMA = 'kuma.io/v1alpha1';

describe('Kubernetes mode end to end (fake API server, real Envoy, real traffic)', () => {
  const processes: Running[] = [];
  let fake: FakeKubeApi;
  let demo: Backend;
  let dir = '';
  let xdsPort = 0;
  let gatewayPort = 0;
  let adminPort = 0;
  let apiUrl = '';
  let podName = '';

  beforeAll(async () => {
    fake = await startFakeKubeApi({ customResources: [...CRDS], namespaces: ['default', 'kube-system', 'portico-system'] });
    demo = await httpBackend('demo-app');
    gatewayPort = await freePort();
    adminPort = await freePort();
    xdsPort = await freePort();
    dir = mkdtempSync(path.join(os.tmpdir(), 'portico-k8s-e2e-'));
    const kubeconfig = path.join(dir, 'kubeconfig');
    writeFileSync(kubeconfig, fake.kubeConfig().exportConfig());

    // Namespaces first, then everything else of the example, as `kubectl apply -f` would.
    fake.seed(namespacesFirst(exampleObjects(gatewayPort, demo.port)));

    const cp = start(process.execPath, [
      PORTICO_BIN, 'cp', 'run', '--environment', 'kubernetes', '--kubeconfig', kubeconfig, '--system-namespace', 'portico-system', '--data-dir', dir,
      '--api-port', '0', '--api-https-port', '0', '--xds-port', String(xdsPort), '--gateway-cp-url', `https://127.0.0.1:${xdsPort}`, '--gateway-image', 'portico:e2e',
    ]);
    processes.push(cp);
    const ready = await cp.waitFor(/"apiPort":(\d+),"xdsPort":(\d+)/, 60_000);
    apiUrl = `http://127.0.0.1:${ready[1]}`;

    // The MeshGatewayInstance controller renders the Deployment; play the Deployment controller.
    let deployment: Obj | undefined;
    await eventually(async () => (deployment = fake.get({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'ingress', name: 'edge-gateway' })) !== undefined, 30_000, 'the gateway Deployment');
    const template = (deployment as { spec: { template: { metadata: Obj; spec: Obj } } }).spec.template;
    podName = 'edge-gateway-5d8f7c9b6-x2x7q';
    fake.seed([{ apiVersion: 'v1', kind: 'Pod', metadata: { ...template.metadata, name: podName, namespace: 'ingress' }, spec: template.spec }]);
    fake.setStatus({ apiVersion: 'v1', kind: 'Pod', namespace: 'ingress', name: podName }, { phase: 'Running', podIP: '127.0.0.1' });
    await eventually(async () => fake.get({ apiVersion: KUMA, kind: 'Dataplane', namespace: 'ingress', name: podName }) !== undefined, 30_000, 'the gateway Dataplane');

    const containerEnv = (template.spec as { containers: { env?: { name: string; value?: string }[] }[] }).containers[0]?.env ?? [];
    const caCert = containerEnv.find((e) => e.name === 'KUMA_CONTROL_PLANE_CA_CERT')?.value ?? '';
    expect(caCert).toBe(readFileSync(path.join(dir, 'tls', 'ca.crt'), 'utf8'));
    // The pod's ServiceAccount token, as kubelet would mount it; the fake API server's TokenReview
    // vouches for it, and the control plane checks it against the pod (docs/dataplane-auth.md).
    const serviceAccount = (template.spec as { serviceAccountName?: string }).serviceAccountName || 'default';
    fake.setTokenReview('gateway-sa-token', { authenticated: true, user: { username: `system:serviceaccount:ingress:${serviceAccount}` } });
    fake.setTokenReview('other-sa-token', { authenticated: true, user: { username: 'system:serviceaccount:ingress:someone-else' } });
    const tokenFile = path.join(dir, 'sa-token');
    writeFileSync(tokenFile, 'gateway-sa-token');
    expect(containerEnv.find((e) => e.name === 'KUMA_DATAPLANE_RUNTIME_TOKEN_PATH')?.value).toBe('/var/run/secrets/kubernetes.io/serviceaccount/token');
    expect((template.spec as { automountServiceAccountToken?: boolean }).automountServiceAccountToken).toBe(true);
    processes.push(
      start(
        process.execPath,
        [
          PORTICO_BIN, 'dp', 'run', '--cp', `https://127.0.0.1:${xdsPort}`, '--mesh', 'default', '--name', `${podName}.ingress`,
          '--admin-port', String(adminPort), '--log-level', 'warn', '--drain-time', '1',
        ],
        { env: { KUMA_CONTROL_PLANE_CA_CERT: caCert, KUMA_DATAPLANE_RUNTIME_TOKEN_PATH: tokenFile } },
      ),
    );
    await eventually(async () => (await request(`http://127.0.0.1:${gatewayPort}/`, { host: 'foo.example.com' })).status === 200, 45_000, 'traffic through the gateway');
  }, 180_000);

  afterAll(async () => {
    for (const p of processes.reverse()) await p.stop();
    await demo?.close();
    await fake?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('renders the gateway Service and Deployment owned by the MeshGatewayInstance', () => {
    const service = fake.get({ apiVersion: 'v1', kind: 'Service', namespace: 'ingress', name: 'edge-gateway' }) as {
      metadata: { ownerReferences: { kind: string; name: string; controller: boolean }[]; annotations: Record<string, string> };
      spec: { type: string; ports: { port: number; targetPort: number }[]; selector: Record<string, string> };
    };
    expect(service.spec.type).toBe('LoadBalancer');
    expect(service.spec.ports.map((p) => p.port)).toEqual([gatewayPort]);
    expect(service.spec.selector).toEqual({ app: 'edge-gateway' });
    expect(service.metadata.annotations['kuma.io/gateway']).toBe('builtin');
    expect(service.metadata.ownerReferences).toEqual([expect.objectContaining({ kind: 'MeshGatewayInstance', name: 'edge-gateway', controller: true })]);
    const pod = fake.get({ apiVersion: 'v1', kind: 'Pod', namespace: 'ingress', name: podName }) as { metadata: { annotations: Record<string, string> } };
    expect(JSON.parse(pod.metadata.annotations['kuma.io/tags']!)).toEqual({ 'kuma.io/service': 'edge-gateway_ingress_svc' });
  });

  it('turns the gateway pod into a BUILTIN Dataplane owned by the pod', () => {
    const dp = fake.get({ apiVersion: KUMA, kind: 'Dataplane', namespace: 'ingress', name: podName }) as {
      mesh: string;
      metadata: { ownerReferences: { kind: string; name: string }[] };
      spec: { networking: { address: string; gateway: { type: string; tags: Record<string, string> } } };
    };
    expect(dp.mesh).toBe('default');
    expect(dp.spec.networking.address).toBe('127.0.0.1');
    expect(dp.spec.networking.gateway).toEqual({ type: 'BUILTIN', tags: { 'kuma.io/service': 'edge-gateway_ingress_svc' } });
    expect(dp.metadata.ownerReferences).toEqual([expect.objectContaining({ kind: 'Pod', name: podName })]);
  });

  it('routes traffic for foo.example.com through the real Envoy to the demo app', async () => {
    const r = await request(`http://127.0.0.1:${gatewayPort}/hello`, { host: 'foo.example.com' });
    expect(r.status).toBe(200);
    expect((JSON.parse(r.body) as { name: string; path: string }).name).toBe('demo-app');
    expect((await request(`http://127.0.0.1:${gatewayPort}/hello`, { host: 'bar.example.com' })).status).toBe(404);
  });

  it('refuses a bootstrap without the pod\'s ServiceAccount token (401) or with another ServiceAccount\'s (403)', async () => {
    const bootstrap = (token?: string) =>
      new Promise<number>((resolve, reject) => {
        const body = JSON.stringify({ mesh: 'default', name: `${podName}.ingress`, proxyType: 'dataplane', ...(token ? { dataplaneToken: token } : {}) });
        const req = https.request(
          { host: '127.0.0.1', port: xdsPort, path: '/bootstrap', method: 'POST', ca: readFileSync(path.join(dir, 'tls', 'ca.crt')), servername: 'localhost', headers: { 'content-type': 'application/json' } },
          (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          },
        );
        req.on('error', reject);
        req.end(body);
      });
    expect(await bootstrap()).toBe(401);
    expect(await bootstrap('other-sa-token')).toBe(403);
    expect(await bootstrap('gateway-sa-token')).toBe(200);
  });

  it('reports the instance Ready once the Deployment is available and the load balancer has an address', async () => {
    const readyOf = () =>
      ((fake.get({ apiVersion: KUMA, kind: 'MeshGatewayInstance', namespace: 'ingress', name: 'edge-gateway' }) as { status?: { conditions?: { type: string; status: string; reason: string }[] } }).status?.conditions ?? []).find(
        (c) => c.type === 'Ready',
      );
    // No Deployment controller has reported yet and the load balancer has no address: not Ready.
    await eventually(async () => readyOf() !== undefined, 20_000, 'a Ready condition');
    expect(readyOf()).toMatchObject({ status: 'False', reason: 'LoadBalancerAddressNotReady' });
    fake.setDeploymentAvailable('ingress', 'edge-gateway', 'False');
    await eventually(async () => readyOf()?.reason === 'DeploymentNotAvailable', 20_000, 'Ready=False/DeploymentNotAvailable');
    fake.setDeploymentAvailable('ingress', 'edge-gateway', 'True');
    fake.setServiceLoadBalancer('ingress', 'edge-gateway', [{ ip: '203.0.113.10' }]);
    await eventually(async () => readyOf()?.status === 'True', 20_000, 'Ready=True');
    expect(readyOf()?.reason).toBe('Ready');
    const instance = fake.get({ apiVersion: KUMA, kind: 'MeshGatewayInstance', namespace: 'ingress', name: 'edge-gateway' }) as { status: { loadBalancer: unknown } };
    expect(instance.status.loadBalancer).toEqual({ ingress: [{ ip: '203.0.113.10' }] });
  });

  it('writes MeshGateway and MeshGatewayRoute conditions into their status subresource', async () => {
    type WithStatus = { status?: { conditions?: { type: string; status: string; reason: string; message: string }[] } };
    const conditionsOf = (kind: string, name: string) => (fake.get({ apiVersion: KUMA, kind, name }) as WithStatus).status?.conditions ?? [];
    await eventually(async () => conditionsOf('MeshGateway', 'edge').find((c) => c.type === 'Programmed')?.status === 'True', 20_000, 'MeshGateway Programmed=True');
    expect(conditionsOf('MeshGateway', 'edge').find((c) => c.type === 'Accepted')).toMatchObject({ status: 'True', reason: 'Accepted' });
    expect(conditionsOf('MeshGateway', 'edge').find((c) => c.type === 'Programmed')?.message).toBe('1/1 proxies acknowledged the current configuration');
    await eventually(async () => conditionsOf('MeshGatewayRoute', 'edge-demo-app').length > 0, 20_000, 'MeshGatewayRoute conditions');
    expect(conditionsOf('MeshGatewayRoute', 'edge-demo-app').find((c) => c.type === 'ResolvedRefs')).toMatchObject({ status: 'True' });
  });

  it('serves the same resources through the REST API as in universal mode', async () => {
    const res = await fetch(`${apiUrl}/meshes/default/meshgateways/edge`);
    expect(res.status).toBe(200);
    const xds = await fetch(`${apiUrl}/meshes/default/dataplanes/${podName}.ingress/xds`);
    expect(xds.status).toBe(200);
    // Writes go through kubectl and admission, not the REST API.
    const put = await fetch(`${apiUrl}/meshes/other`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: '{"type":"Mesh","name":"other"}' });
    expect(put.status).toBe(405);
  });
});
