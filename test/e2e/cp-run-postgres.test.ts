// `portico cp run --store postgres` (the built CLI) on the real PostgreSQL server of the tests,
// configured as Kuma is, through KUMA_STORE_TYPE and KUMA_STORE_POSTGRES_*: two replicas on one
// database see each other's writes over the REST API, a replica killed with -9 loses nothing it
// acknowledged, and a bad password or store type stops the start with a clear message that never
// shows the password.
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, kumaStoreEnv, type TestDatabase } from '../support/postgres.js';
import { eventually, PORTICO_BIN, start, type Running } from '../support/processes.js';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
}, 60_000);
afterAll(async () => {
  await db?.drop();
});

const running: Running[] = [];
afterEach(async () => {
  for (const p of running.splice(0)) await p.stop();
});

function storeEnv(overrides: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return { ...kumaStoreEnv(db), ...overrides };
}

async function replica(env: NodeJS.ProcessEnv = storeEnv(), extraArgs: string[] = []): Promise<{ process: Running; api: string }> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'portico-pg-cp-'));
  const p = start(process.execPath, [PORTICO_BIN, 'cp', 'run', '--data-dir', dataDir, '--api-port', '0', '--api-https-port', '0', '--xds-port', '0', ...extraArgs], { env });
  running.push(p);
  const ready = await p.waitFor(/"apiPort":(\d+),"xdsPort":(\d+)/, 30_000);
  return { process: p, api: `http://127.0.0.1:${ready[1]}` };
}

async function putGateway(api: string, name: string, port: number): Promise<number> {
  const res = await fetch(`${api}/meshes/default/meshgateways/${name}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ type: 'MeshGateway', mesh: 'default', name, selectors: [{ match: { 'kuma.io/service': name } }], conf: { listeners: [{ port, protocol: 'HTTP' }] } }),
  });
  return res.status;
}

async function gatewayPort(api: string, name: string): Promise<number | undefined> {
  const res = await fetch(`${api}/meshes/default/meshgateways/${name}`);
  if (res.status !== 200) return undefined;
  return ((await res.json()) as { conf: { listeners: { port: number }[] } }).conf.listeners[0]?.port;
}

// Leading now: the replica's last word on leadership was that it became the leader (it may have
// stepped down and led again under load; what counts is that only one leads at a time).
function leads(r: { process: Running }): boolean {
  const out = r.process.output();
  return out.lastIndexOf('"msg":"became the leader"') > out.lastIndexOf('"msg":"stopped leading"');
}

function leadershipLog(replicas: readonly { process: Running }[]): string {
  return replicas.map((r, i) => `replica ${i + 1}:\n${r.process.output().split('\n').filter((l) => /leader|leads|lease/.test(l)).join('\n')}`).join('\n');
}

describe('cp run --store postgres', () => {
  it("shares one database between replicas: each sees the other's writes, and a killed replica loses nothing", async () => {
    const a = await replica();
    const b = await replica();
    expect(a.process.output()).toMatch(/"msg":"Postgres store loaded"/);
    const mesh = await fetch(`${a.api}/meshes/default`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ type: 'Mesh', name: 'default' }) });
    expect(mesh.status).toBe(201);
    await eventually(async () => (await fetch(`${b.api}/meshes/default`)).status === 200, 10_000, 'replica b reading the Mesh');
    expect(await putGateway(a.api, 'edge', 8080)).toBe(201);
    await eventually(async () => (await gatewayPort(b.api, 'edge')) === 8080, 10_000, 'replica b reading what a wrote');
    expect(await putGateway(b.api, 'edge', 9090)).toBe(200);
    await eventually(async () => (await gatewayPort(a.api, 'edge')) === 9090, 10_000, 'replica a reading what b wrote');

    // Acknowledged writes on a, then kill -9: a new replica reads every one of them.
    for (let i = 0; i < 20; i++) expect(await putGateway(a.api, `gw-${i}`, 10_000 + i)).toBe(201);
    a.process.proc.kill('SIGKILL');
    const c = await replica();
    for (let i = 0; i < 20; i++) expect(await gatewayPort(c.api, `gw-${i}`)).toBe(10_000 + i);
    expect(await gatewayPort(b.api, 'gw-19')).toBe(10_019);
    for (const p of running) expect(p.output()).not.toContain(decodeURIComponent(new URL(db.url).password));
  }, 90_000);

  it('elects one leader among three replicas; with the leader killed -9, another leads within the lease duration', async () => {
    // A database of its own: the replica the test before killed -9 may still hold the lease there.
    const own = await createTestDatabase();
    try {
      await electsOneLeader(own);
    } finally {
      await own.drop();
    }
  }, 60_000);

  async function electsOneLeader(own: TestDatabase): Promise<void> {
    const timings = ['--leader-lease-duration', '3', '--leader-renew-deadline', '2', '--leader-retry-period', '0.25'];
    const replicas = await Promise.all(['r1', 'r2', 'r3'].map((id) => replica(kumaStoreEnv(own), ['--leader-election-id', id, ...timings])));
    await eventually(async () => replicas.filter(leads).length === 1, 10_000, 'one leader', () => leadershipLog(replicas));
    await new Promise((r) => setTimeout(r, 1_000));
    expect(replicas.filter(leads)).toHaveLength(1);
    const leader = replicas.find(leads)!;
    leader.process.proc.kill('SIGKILL');
    const killedAt = Date.now();
    const rest = replicas.filter((r) => r !== leader);
    await eventually(async () => rest.some(leads), 10_000, 'a new leader', () => leadershipLog(rest));
    const failoverMs = Date.now() - killedAt;
    console.log(`leader killed -9 -> new leader: ${failoverMs} ms (lease 3 s)`);
    expect(failoverMs).toBeLessThan(3_000 + 1_500);
    expect(rest.filter(leads)).toHaveLength(1);
  }

  it('stops at start on a wrong password, naming the server and never the password', async () => {
    const p = start(process.execPath, [PORTICO_BIN, 'cp', 'run', '--data-dir', mkdtempSync(path.join(os.tmpdir(), 'portico-pg-cp-')), '--api-port', '0', '--api-https-port', '0', '--xds-port', '0'], {
      env: storeEnv({ KUMA_STORE_POSTGRES_PASSWORD: 'not-the-password-4711' }),
    });
    running.push(p);
    await p.waitFor(/open Postgres store [^@]+@127\.0\.0\.1:\d+\/portico_test_\w+: password authentication failed/, 30_000);
    await eventually(async () => p.proc.exitCode !== null, 10_000, 'the process exiting');
    expect(p.proc.exitCode).not.toBe(0);
    expect(p.output()).not.toContain('not-the-password-4711');
  }, 60_000);

  it('refuses TLS files with --postgres-tls-mode disable, and KUMA_STORE_TYPE=kubernetes outside Kubernetes', async () => {
    const tls = start(process.execPath, [PORTICO_BIN, 'cp', 'run', '--api-port', '0', '--xds-port', '0'], { env: storeEnv({ KUMA_STORE_POSTGRES_TLS_CA_PATH: '/nonexistent/ca.pem' }) });
    const kube = start(process.execPath, [PORTICO_BIN, 'cp', 'run', '--api-port', '0', '--xds-port', '0'], { env: { KUMA_STORE_TYPE: 'kubernetes' } });
    running.push(tls, kube);
    await tls.waitFor(/--postgres-tls-mode disable takes no TLS files/);
    await kube.waitFor(/store kubernetes needs --environment kubernetes/);
  });
});
