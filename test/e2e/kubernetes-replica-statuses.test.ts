// Kubernetes mode with two control-plane replicas electing a leader (fake API server), two gateway
// pods and two real Envoys, one on each replica. Only the leader writes statuses, yet the
// MeshGateway's Programmed condition counts both proxies: the replicas share their proxies'
// delivery through a ConfigMap each. When the leader is killed -9, the other replica leads and
// writes the status without the dead replica's proxy (the figure is printed).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpBackend, type Backend } from '../support/backends.js';
import { startFakeKubeApi, type FakeKubeApi, type Obj } from '../support/fake-kube-api/index.js';
import { CRDS, exampleObjects, namespacesFirst } from '../support/kube/example-objects.js';
import { leaderOf, startReplica, type Replica } from '../support/kube/replicas.js';
import { eventually, freePort, PORTICO_BIN, request, start, type Running } from '../support/processes.js';

const KUMA = 'kuma.io/v1alpha1';
const PODS = [
  { name: 'edge-gateway-5d8f7c9b6-aaaaa', ip: '127.0.0.1' },
  { name: 'edge-gateway-5d8f7c9b6-bbbbb', ip: '127.0.0.2' },
] as const;

describe('Kubernetes mode, two replicas: the leader counts both replicas\' proxies in the gateway status', () => {
  const processes: Running[] = [];
  const replicas: Replica[] = [];
  const xdsPorts: number[] = [];
  let fake: FakeKubeApi;
  let demo: Backend;
  let dir = '';
  let gatewayPort = 0;

  const programmed = () =>
    ((fake.get({ apiVersion: KUMA, kind: 'MeshGateway', name: 'edge' }) as { status?: { conditions?: { type: string; status: string; message: string }[] } }).status?.conditions ?? []).find(
      (c) => c.type === 'Programmed',
    );
  const boardConfigMaps = () => fake.list('v1', 'ConfigMap', 'portico-system').filter((o) => (o as { metadata: { labels?: Record<string, string> } }).metadata.labels?.['portico.io/delivery-board'] === 'true');

  beforeAll(async () => {
    fake = await startFakeKubeApi({ customResources: [...CRDS], namespaces: ['default', 'kube-system', 'portico-system'] });
    demo = await httpBackend('demo-app');
    gatewayPort = await freePort();
    dir = mkdtempSync(path.join(os.tmpdir(), 'portico-k8s-replicas-'));
    const kubeconfig = path.join(dir, 'kubeconfig');
    writeFileSync(kubeconfig, fake.kubeConfig().exportConfig());
    fake.seed(namespacesFirst(exampleObjects(gatewayPort, demo.port)));

    // One data directory for both, as one mounted certificate would be: one CA for the gateways.
    const shared = ['--data-dir', path.join(dir, 'cp'), '--gateway-image', 'portico:e2e'];
    for (const id of ['cp-0', 'cp-1']) {
      const replica = await startReplica({ id, kubeconfig, apiPort: await freePort(), extraArgs: shared });
      replicas.push(replica);
      processes.push(replica.process);
      xdsPorts.push(Number((await replica.process.waitFor(/"xdsPort":(\d+)/, 60_000))[1]));
    }
    await leaderOf(replicas, 20_000);

    // Play the Deployment controller: two pods of the rendered template, one per loopback address.
    let deployment: Obj | undefined;
    await eventually(async () => (deployment = fake.get({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'ingress', name: 'edge-gateway' })) !== undefined, 30_000, 'the gateway Deployment');
    const template = (deployment as { spec: { template: { metadata: Obj; spec: Obj } } }).spec.template;
    const containerEnv = (template.spec as { containers: { env?: { name: string; value?: string }[] }[] }).containers[0]?.env ?? [];
    const caCert = containerEnv.find((e) => e.name === 'KUMA_CONTROL_PLANE_CA_CERT')?.value ?? '';
    const serviceAccount = (template.spec as { serviceAccountName?: string }).serviceAccountName || 'default';
    fake.setTokenReview('gateway-sa-token', { authenticated: true, user: { username: `system:serviceaccount:ingress:${serviceAccount}` } });
    const tokenFile = path.join(dir, 'sa-token');
    writeFileSync(tokenFile, 'gateway-sa-token');
    for (const [i, pod] of PODS.entries()) {
      fake.seed([{ apiVersion: 'v1', kind: 'Pod', metadata: { ...template.metadata, name: pod.name, namespace: 'ingress' }, spec: template.spec }]);
      fake.setStatus({ apiVersion: 'v1', kind: 'Pod', namespace: 'ingress', name: pod.name }, { phase: 'Running', podIP: pod.ip });
      await eventually(async () => fake.get({ apiVersion: KUMA, kind: 'Dataplane', namespace: 'ingress', name: pod.name }) !== undefined, 30_000, `the Dataplane of ${pod.name}`);
      // Envoy i talks to replica i.
      processes.push(
        start(
          process.execPath,
          [PORTICO_BIN, 'dp', 'run', '--cp', `https://127.0.0.1:${xdsPorts[i]}`, '--mesh', 'default', '--name', `${pod.name}.ingress`, '--admin-port', String(await freePort()), '--log-level', 'warn', '--drain-time', '1'],
          { env: { KUMA_CONTROL_PLANE_CA_CERT: caCert, KUMA_DATAPLANE_RUNTIME_TOKEN_PATH: tokenFile } },
        ),
      );
    }
    for (const pod of PODS) {
      await eventually(async () => (await request(`http://${pod.ip}:${gatewayPort}/`, { host: 'foo.example.com' })).status === 200, 45_000, `traffic through ${pod.ip}`);
    }
  }, 240_000);

  afterAll(async () => {
    for (const p of [...processes].reverse()) await p.stop();
    await demo?.close();
    await fake?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('writes Programmed over both proxies, each served by another replica; after the leader is killed -9, the new leader writes the count without it', async () => {
    await eventually(async () => programmed()?.message === '2/2 proxies acknowledged the current configuration', 30_000, 'Programmed over both proxies');
    expect(programmed()?.status).toBe('True');
    expect(boardConfigMaps()).toHaveLength(2);

    // kill -9 the leader: its Envoy loses its control plane (it dials that replica only). The other
    // replica takes the Lease, stops counting the dead replica's entries once they are 5 s old on
    // its clock, and writes the status without that proxy.
    const leader = await leaderOf(replicas, 10_000);
    const survivor = replicas.find((r) => r !== leader)!;
    leader.process.proc.kill('SIGKILL');
    const killedAt = Date.now();
    await eventually(async () => (await leaderOf([survivor], 1_000).catch(() => undefined)) !== undefined, 20_000, 'the survivor leading');
    const leadingMs = Date.now() - killedAt;
    await eventually(async () => programmed()?.message === '1/2 proxies acknowledged the current configuration; 1 not connected', 30_000, 'the new leader writing the status');
    const writtenMs = Date.now() - killedAt;
    console.log(`Kubernetes mode: leader killed -9; survivor leads after ${leadingMs} ms (lease 4 s), writes the gateway status without the dead replica's proxy after ${writtenMs} ms`);

    // A clean stop withdraws the replica's ConfigMap; the killed one's stays until it is long stale.
    await survivor.process.stop();
    await eventually(async () => boardConfigMaps().length === 1, 15_000, "the stopped replica's ConfigMap withdrawn");
  }, 120_000);
});
