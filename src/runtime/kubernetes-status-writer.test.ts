import { readdirSync, readFileSync } from 'node:fs';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { startFakeKubeApi, type FakeKubeApi, type Obj } from '../../test/support/fake-kube-api/index.js';
import { MemoryStore } from '../core/memory-store.js';
import type { ProxyDelivery } from '../gateway/status.js';
import { storedResource } from '../gateway/testdata/load-case.js';
import { startStatusWriter, type StatusWriter } from './kubernetes-status-writer.js';
import { ResourceStatuses } from './resource-status.js';

const CRDS = readdirSync('crds').filter((f) => f.endsWith('.yaml')).map((f) => parse(readFileSync(`crds/${f}`, 'utf8')) as Obj);
const KUMA = 'kuma.io/v1alpha1';
const GATEWAY_SPEC = { selectors: [{ match: { 'kuma.io/service': 'edge' } }], conf: { listeners: [{ port: 8080, protocol: 'HTTP' }] } };
const DETAIL = 'invalid perl operator: (?=';

describe('Kubernetes status writer', () => {
  let fake: FakeKubeApi;
  let writer: StatusWriter | undefined;

  beforeEach(async () => {
    fake = await startFakeKubeApi({ customResources: CRDS });
  });
  afterEach(async () => {
    writer?.stop();
    await fake.close();
  });

  it("writes Programmed=False/Rejected with Envoy's reason into the MeshGateway status, then the recovery", async () => {
    fake.seed([{ apiVersion: KUMA, kind: 'MeshGateway', metadata: { name: 'edge' }, mesh: 'default', spec: GATEWAY_SPEC }]);
    const store = new MemoryStore();
    await store.put({ kind: 'Mesh', mesh: 'default', name: 'default', spec: {} });
    // The normalised specs the store holds.
    const edge = storedResource<'MeshGateway'>({ type: 'MeshGateway', name: 'edge', ...GATEWAY_SPEC });
    const gw1 = storedResource<'Dataplane'>({ type: 'Dataplane', name: 'gw-1', networking: { address: '10.0.0.1', gateway: { type: 'BUILTIN', tags: { 'kuma.io/service': 'edge' } } } });
    const gateway = await store.put({ kind: 'MeshGateway', mesh: 'default', name: 'edge', spec: edge.spec });
    const dataplane = await store.put({ kind: 'Dataplane', mesh: 'default', name: 'gw-1', spec: gw1.spec });
    let delivery: ProxyDelivery = { connected: true, acked: true, rejected: [{ type: 'RouteConfiguration', resources: ['edge:HTTP:8080:*'], detail: DETAIL }] };
    const statuses = new ResourceStatuses({ delivery: () => delivery });
    statuses.update('default', {
      mesh: 'default',
      gateways: [gateway],
      routes: [],
      dataplanes: [dataplane],
      translations: [{ proxy: 'gw-1', gateway: 'edge', translation: { problems: [] } }],
    });
    writer = startStatusWriter({ kubeConfig: fake.kubeConfig(), store, statuses, logger: pino({ level: 'silent' }), intervalMs: 60_000 });
    const programmed = () =>
      ((fake.get({ apiVersion: KUMA, kind: 'MeshGateway', name: 'edge' }) as { status?: { conditions?: { type: string }[] } }).status?.conditions ?? []).find(
        (c) => c.type === 'Programmed',
      );

    await writer.sync();
    expect(programmed()).toMatchObject({
      status: 'False',
      reason: 'Rejected',
      message: `1/1 proxies rejected the configuration: RouteConfiguration "edge:HTTP:8080:*": ${DETAIL}`,
    });

    delivery = { connected: true, acked: true };
    await writer.sync();
    expect(programmed()).toMatchObject({ status: 'True', reason: 'Programmed', message: '1/1 proxies acknowledged the current configuration' });
  });
});
