// Three `portico cp run` replicas on one database of the real PostgreSQL server, three real Envoys
// (`portico dp run`) spread over them, each through a forwarder that plays the Service in front of
// the replicas (a new connection goes to the first replica that accepts it). The leader is killed
// with -9 and the test shows: another replica leads; the dead replica's Envoy reconnects to a live
// one and is re-served (a route changed after the kill reaches all three Envoys); the gateway's
// status read from a survivor counts all three proxies again; every write the leader acknowledged
// before dying is there. The figures (kill to new leader, kill to all proxies counted again) are
// printed, not asserted: this machine is shared.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments, stringify } from 'yaml';
import type { ResourceStatus } from '../../src/gateway/status.js';
import { dataplaneTokenFile } from '../support/dataplane-tokens.js';
import { startFailoverForwarder, type FailoverForwarder } from '../support/failover-forwarder.js';
import { createTestDatabase, kumaStoreEnv, type TestDatabase } from '../support/postgres.js';
import { eventually, freePort, portico, PORTICO_BIN, REPO_ROOT, request, start, type Running } from '../support/processes.js';

const EXAMPLE = path.join(REPO_ROOT, 'examples', 'universal');
const TIMINGS = ['--leader-lease-duration', '3', '--leader-renew-deadline', '2', '--leader-retry-period', '0.25'];
const HOSTS = ['127.0.0.1', '127.0.0.2', '127.0.0.3'] as const;

interface Replica {
  readonly id: string;
  readonly process: Running;
  readonly api: string;
  readonly xdsPort: number;
}

let db: TestDatabase;
const processes: Running[] = [];
const forwarders: FailoverForwarder[] = [];
const dirs: string[] = [];
let replicas: Replica[] = [];
let gatewayPort = 0;

// The replicas share one data directory, as they would share a mounted certificate: the first
// generates the CA and serving certificate, the others load them, so Envoy trusts any of them.
async function startReplica(id: string, dataDir: string): Promise<Replica> {
  const p = start(process.execPath, [PORTICO_BIN, 'cp', 'run', '--data-dir', dataDir, '--api-port', '0', '--api-https-port', '0', '--xds-port', '0', '--leader-election-id', id, ...TIMINGS], { env: kumaStoreEnv(db) });
  processes.push(p);
  const ready = await p.waitFor(/"apiPort":(\d+),"xdsPort":(\d+)/, 30_000);
  return { id, process: p, api: `http://127.0.0.1:${ready[1]}`, xdsPort: Number(ready[2]) };
}

const leads = (r: Replica): boolean => r.process.output().includes('"msg":"became the leader"');

async function proxies(r: Replica): Promise<ResourceStatus['proxies'] | undefined> {
  const res = await fetch(`${r.api}/meshes/default/meshgateways/edge/status`).catch(() => undefined);
  return res?.status === 200 ? ((await res.json()) as ResourceStatus).proxies : undefined;
}

/** Whether `r` itself serves the Dataplane's proxy on a stream opened after `since`, ACKed. */
async function servesSince(r: Replica, name: string, since: number): Promise<boolean> {
  type Overview = { dataplaneInsight: { subscriptions: { connected: boolean; connectTime?: string }[] } };
  const res = await fetch(`${r.api}/meshes/default/dataplanes+insights/${name}`).catch(() => undefined);
  if (res?.status !== 200) return false;
  const subscription = ((await res.json()) as Overview).dataplaneInsight.subscriptions[0];
  return subscription?.connected === true && Date.parse(subscription.connectTime ?? '') >= since && (await allServed(r));
}

const allServed = async (r: Replica): Promise<boolean> => {
  const p = await proxies(r);
  return p?.connected === 3 && p.acknowledged === 3 && p.rejected === 0;
};

async function echoName(host: string, pathname: string): Promise<string> {
  const r = await request(`http://${host}:${gatewayPort}${pathname}`, { host: 'api.example.com' }).catch((err: Error) => ({ status: 0, body: err.message }));
  if (r.status !== 200) return `status ${r.status}`;
  return (JSON.parse(r.body) as { name: string }).name;
}

async function apply(api: string, docs: readonly Record<string, unknown>[]): Promise<void> {
  const applied = await portico(['apply', '-f', '-', '--api', api], docs.map((d) => stringify(d)).join('---\n'));
  expect(applied.code, applied.output).toBe(0);
}

/** The example mesh with free ports, its route also sending `extra` to echo-a once given. */
function meshDocuments(ports: { a: number; b: number }, extra?: string): Record<string, unknown>[] {
  const text = readFileSync(path.join(EXAMPLE, 'mesh.yaml'), 'utf8')
    .replaceAll('port: 8080', `port: ${gatewayPort}`)
    .replaceAll('http/8080', `http/${gatewayPort}`)
    .replaceAll('port: 8081', `port: ${ports.a}`)
    .replaceAll('port: 8082', `port: ${ports.b}`)
    .replace('path: {match: PREFIX, value: /a}', extra ? `path: {match: PREFIX, value: ${extra}}` : 'path: {match: PREFIX, value: /a}');
  return parseAllDocuments(text).map((d) => d.toJS() as Record<string, unknown>);
}

let backendPorts = { a: 0, b: 0 };

beforeAll(async () => {
  db = await createTestDatabase();
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'portico-replicas-'));
  const dpDir = mkdtempSync(path.join(os.tmpdir(), 'portico-replicas-dp-'));
  dirs.push(dataDir, dpDir);
  const first = await startReplica('replica-a', dataDir);
  replicas = [first, ...(await Promise.all(['replica-b', 'replica-c'].map((id) => startReplica(id, dataDir))))];

  const a = start(process.execPath, [path.join(EXAMPLE, 'echo-server.mjs'), '--name', 'echo-a', '--port', '0']);
  const b = start(process.execPath, [path.join(EXAMPLE, 'echo-server.mjs'), '--name', 'echo-b', '--port', '0']);
  processes.push(a, b);
  backendPorts = { a: Number((await a.waitFor(/listening on [\d.]+:(\d+)/))[1]), b: Number((await b.waitFor(/listening on [\d.]+:(\d+)/))[1]) };
  gatewayPort = await freePort();
  await apply(first.api, meshDocuments(backendPorts));

  // Envoy i reaches the replicas through its own forwarder, preferring replica i.
  const caFile = path.join(dataDir, 'tls', 'ca.crt');
  const template = readFileSync(path.join(EXAMPLE, 'gateway-dataplane.yaml'), 'utf8');
  for (const [i, host] of HOSTS.entries()) {
    const order = [0, 1, 2].map((k) => replicas[(i + k) % 3]!.xdsPort);
    const forwarder = await startFailoverForwarder(order);
    forwarders.push(forwarder);
    const name = `edge-gateway-${i + 1}`;
    const file = path.join(dpDir, `${name}.yaml`);
    writeFileSync(file, template.replace('name: edge-gateway-1', `name: ${name}`).replace('address: 127.0.0.1', `address: ${host}`));
    const token = await dataplaneTokenFile(first.api, 'default', name, dpDir);
    const admin = await freePort();
    processes.push(
      start(process.execPath, [PORTICO_BIN, 'dp', 'run', '--cp', `https://127.0.0.1:${forwarder.port}`, '--ca-cert-file', caFile, '--dataplane-file', file, '--dataplane-token-file', token, '--admin-port', String(admin), '--log-level', 'warn', '--drain-time', '1']),
    );
  }
  for (const host of HOSTS) await eventually(async () => (await echoName(host, '/a')) === 'echo-a', 60_000, `the gateway on ${host} routing /a`);
}, 180_000);

afterAll(async () => {
  for (const p of [...processes].reverse()) await p.stop();
  for (const f of forwarders) await f.close();
  await db?.drop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('three control-plane replicas on Postgres, real Envoys, the leader killed -9', () => {
  it('counts every proxy on every replica, then survives the leader: new leader, proxies re-served, no acknowledged write lost', async () => {
    for (const r of replicas) await eventually(() => allServed(r), 20_000, `${r.id} counting all three proxies`);
    await eventually(async () => replicas.filter(leads).length === 1, 15_000, 'one leader');
    const leader = replicas.find(leads)!;

    // Writes the leader acknowledges just before it dies.
    for (let i = 0; i < 20; i++) {
      const res = await fetch(`${leader.api}/meshes/default/meshgateways/spare-${i}`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ type: 'MeshGateway', mesh: 'default', name: `spare-${i}`, selectors: [{ match: { 'kuma.io/service': `spare-${i}` } }], conf: { listeners: [{ port: 20_000 + i, protocol: 'HTTP' }] } }),
      });
      expect(res.status).toBe(201);
    }

    leader.process.proc.kill('SIGKILL');
    const killedAt = Date.now();
    const survivors = replicas.filter((r) => r !== leader);
    // The proxy that was on the dead replica: its Envoy's forwarder preferred that replica.
    const orphan = `edge-gateway-${replicas.indexOf(leader) + 1}`;
    let leaderMs = 0;
    let reservedMs = 0;
    await Promise.all([
      eventually(async () => survivors.some(leads), 15_000, 'a new leader').then(() => (leaderMs = Date.now() - killedAt)),
      eventually(async () => (await Promise.all(survivors.map((r) => servesSince(r, orphan, killedAt)))).some(Boolean), 30_000, `a survivor serving ${orphan}`).then(
        () => (reservedMs = Date.now() - killedAt),
      ),
    ]);
    // The dead replica's board entries are ignored once its heartbeat is 5 s old; from then on
    // the survivors count the orphan as the replica now serving it reports it.
    await eventually(async () => (await Promise.all(survivors.map(allServed))).every(Boolean), 15_000, 'both survivors counting all three proxies');
    const countedMs = Date.now() - killedAt;
    console.log(
      `leader ${leader.id} killed -9: new leader after ${leaderMs} ms (lease 3 s); its proxy ${orphan} re-served (connected to a survivor, ACKed) after ${reservedMs} ms; both survivors count all 3 proxies connected and ACKed ${countedMs} ms after the kill`,
    );
    expect(survivors.filter(leads)).toHaveLength(1);

    // Nothing the dead leader acknowledged is lost.
    for (const r of survivors) {
      for (let i = 0; i < 20; i++) expect((await fetch(`${r.api}/meshes/default/meshgateways/spare-${i}`)).status).toBe(200);
    }

    // Every Envoy, the dead replica's included, holds a live stream: a change reaches all three.
    await apply(survivors[0]!.api, meshDocuments(backendPorts, '/after-failover'));
    for (const host of HOSTS) await eventually(async () => (await echoName(host, '/after-failover')) === 'echo-a', 30_000, `${host} serving the route changed after the kill`);
    for (const r of survivors) await eventually(() => allServed(r), 15_000, `${r.id} counting all three proxies ACKing the change`);
  }, 150_000);
});
