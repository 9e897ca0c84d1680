// Statuses count every replica's proxies: three in-process control planes on one database of the
// real PostgreSQL server, each serving one simulated Envoy over real gRPC. A MeshGateway's status
// read from any replica counts all three proxies; a NACK on one replica shows as Rejected on the
// others; a replica that stops takes its proxy off the count until it reconnects elsewhere.
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ResourceStatus } from '../../src/gateway/status.js';
import { DEFAULT_CONFIG, startControlPlane, type ControlPlane } from '../../src/runtime/control-plane.js';
import { TypeUrl } from '../../src/xds/cache/resource-types.js';
import { AdsClient } from '../support/ads-client.js';
import { issueDataplaneToken, tokenMetadata } from '../support/dataplane-tokens.js';
import { createTestDatabase, type TestDatabase } from '../support/postgres.js';

// Trace level, kept: no secret may reach a log through the shared delivery, the statuses or the
// admin client certificate the replicas issue themselves.
const lines: string[] = [];
const logger = pino({ level: 'trace' }, { write: (line: string) => void lines.push(line) });
const CANARY = 'canary-replica-4d1f0b-secret';
const DETAIL = 'Error adding/updating route config: a rejection for the test';
let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
}, 60_000);
afterAll(async () => {
  await db?.drop();
});

const running: ControlPlane[] = [];
const clients: AdsClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  for (const cp of running.splice(0)) await cp.stop();
});

async function replica(identity: string): Promise<ControlPlane> {
  const cp = await startControlPlane({
    ...DEFAULT_CONFIG,
    store: 'postgres',
    postgres: { connection: { connectionString: db.url }, maxConnections: 4, leaderElection: { identity, retryPeriodMs: 200, leaseDurationMs: 2_000, renewDeadlineMs: 1_500 } },
    dataDir: mkdtempSync(path.join(os.tmpdir(), 'portico-replica-')),
    apiPort: 0,
    xdsPort: 0,
    debounceMs: 10,
    nackBackoffMs: 200,
    logger,
  });
  running.push(cp);
  return cp;
}

async function put(cp: ControlPlane, doc: Record<string, unknown>): Promise<void> {
  const base = `http://127.0.0.1:${cp.apiPort}`;
  const url = doc.type === 'Mesh' ? `${base}/meshes/${String(doc.name)}` : `${base}/meshes/${String(doc.mesh)}/${String(doc.type).toLowerCase()}s/${String(doc.name)}`;
  const res = await fetch(url, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(doc) });
  expect(res.status, await res.text()).toBeLessThan(300);
}

async function seed(cp: ControlPlane): Promise<void> {
  await put(cp, { type: 'Mesh', name: 'default' });
  await put(cp, { type: 'Secret', mesh: 'default', name: 'canary', data: Buffer.from(CANARY).toString('base64') });
  await put(cp, { type: 'Dataplane', mesh: 'default', name: 'backend-1', networking: { address: '10.0.0.1', inbound: [{ port: 8080, tags: { 'kuma.io/service': 'backend' } }] } });
  for (const name of ['gw-1', 'gw-2', 'gw-3']) {
    await put(cp, { type: 'Dataplane', mesh: 'default', name, networking: { address: '127.0.0.1', gateway: { type: 'BUILTIN', tags: { 'kuma.io/service': 'edge' } } } });
  }
  await put(cp, { type: 'MeshGateway', mesh: 'default', name: 'edge', selectors: [{ match: { 'kuma.io/service': 'edge' } }], conf: { listeners: [{ port: 8080, protocol: 'HTTP' }] } });
  await put(cp, {
    type: 'MeshGatewayRoute',
    mesh: 'default',
    name: 'api',
    selectors: [{ match: { 'kuma.io/service': 'edge' } }],
    conf: { http: { rules: [{ matches: [{ path: { match: 'PREFIX', value: '/api' } }], backends: [{ destination: { 'kuma.io/service': 'backend' } }] }] } },
  });
}

async function connect(cp: ControlPlane, name: string): Promise<AdsClient> {
  const token = await issueDataplaneToken(`http://127.0.0.1:${cp.apiPort}`, { mesh: 'default', name });
  const client = AdsClient.connect(`127.0.0.1:${cp.xdsPort}`, `default.${name}`, 'delta', { followReferences: true, ca: readFileSync(cp.caFile!, 'utf8'), metadata: tokenMetadata(token) });
  clients.push(client);
  client.subscribe(TypeUrl.Cluster);
  client.subscribe(TypeUrl.Listener);
  return client;
}

async function status(cp: ControlPlane): Promise<ResourceStatus | undefined> {
  const res = await fetch(`http://127.0.0.1:${cp.apiPort}/meshes/default/meshgateways/edge/status`);
  return res.status === 200 ? ((await res.json()) as ResourceStatus) : undefined;
}

describe('statuses across replicas on one Postgres store', () => {
  it("count every replica's proxies, show another replica's NACK, and drop a stopped replica's proxy until it reconnects", async () => {
    const [a, b, c] = [await replica('replica-a'), await replica('replica-b'), await replica('replica-c')];
    await seed(a);
    const gw1 = await connect(a, 'gw-1');
    await connect(b, 'gw-2');
    await connect(c, 'gw-3');

    for (const cp of [a, b, c]) {
      await expect.poll(async () => (await status(cp))?.proxies, { timeout: 15_000 }).toEqual({ selected: 3, connected: 3, acknowledged: 3, rejected: 0 });
    }
    expect((await status(c))?.conditions.find((x) => x.type === 'Programmed')).toMatchObject({ status: 'True' });
    // The inspect views too: replica a shows gw-2 (served by b) connected with its versions, and
    // counts every gateway proxy online in the mesh insight.
    type Overview = { dataplaneInsight: { subscriptions: { connected: boolean; status: Record<string, { acknowledgedVersion?: string }> }[] } };
    const overview = (await (await fetch(`http://127.0.0.1:${a.apiPort}/meshes/default/dataplanes+insights/gw-2`)).json()) as Overview;
    expect(overview.dataplaneInsight.subscriptions[0]).toMatchObject({ connected: true });
    expect(overview.dataplaneInsight.subscriptions[0]?.status['lds']?.acknowledgedVersion).toMatch(/\S/);
    type Insight = { dataplanesByType: { gateway: { online: number; total: number } } };
    const insight = (await (await fetch(`http://127.0.0.1:${a.apiPort}/mesh-insights/default`)).json()) as Insight;
    expect(insight.dataplanesByType.gateway).toMatchObject({ online: 3, total: 3 });

    // gw-1, on replica a, rejects the next RouteConfiguration; replica c reports it.
    gw1.nackNext(TypeUrl.RouteConfiguration, DETAIL);
    await put(b, {
      type: 'MeshGatewayRoute',
      mesh: 'default',
      name: 'api',
      selectors: [{ match: { 'kuma.io/service': 'edge' } }],
      conf: { http: { rules: [{ matches: [{ path: { match: 'PREFIX', value: '/v2' } }], backends: [{ destination: { 'kuma.io/service': 'backend' } }] }] } },
    });
    await expect.poll(async () => (await status(c))?.conditions.find((x) => x.type === 'Programmed'), { timeout: 15_000 }).toMatchObject({ status: 'False', reason: 'Rejected' });
    expect((await status(c))?.conditions.find((x) => x.type === 'Programmed')?.message).toContain(DETAIL);

    // Replica a stops: its proxy is no longer counted anywhere, until it reconnects to replica b.
    gw1.close();
    running.splice(running.indexOf(a), 1);
    await a.stop();
    await expect.poll(async () => (await status(c))?.proxies, { timeout: 15_000 }).toEqual({ selected: 3, connected: 2, acknowledged: 2, rejected: 0 });
    await connect(b, 'gw-1');
    for (const cp of [b, c]) {
      await expect.poll(async () => (await status(cp))?.proxies, { timeout: 15_000 }).toEqual({ selected: 3, connected: 3, acknowledged: 3, rejected: 0 });
    }

    const log = lines.join('');
    expect(log).toContain('control plane ready');
    expect(log).not.toContain(CANARY);
    expect(log).not.toContain(Buffer.from(CANARY).toString('base64'));
    expect(log).not.toContain('PRIVATE KEY');
    expect(log).not.toContain(decodeURIComponent(new URL(db.url).password));
  }, 90_000);
});
