// The Postgres store against a real PostgreSQL server (test/support/postgres.ts): the store
// contract every store passes, then what only a shared store has: several replicas on one
// database, change order, resuming after a lost connection, reloading after the log was pruned.
import pg from 'pg';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../../test/support/processes.js';
import { createTestDatabase, type TestDatabase } from '../../test/support/postgres.js';
import { describeStoreContract } from '../../test/support/store-contract.js';
import { gateway, mesh, portOf } from '../../test/support/store-fixtures.js';
import { PG_SCHEMA_VERSION } from './postgres-schema.js';
import { PostgresStore, type PostgresStoreOptions } from './postgres-store.js';
import { StoreUnavailableError, type ChangeEvent } from './store.js';

const silent = pino({ level: 'silent' });
const edgeKey = { kind: 'MeshGateway', mesh: 'default', name: 'edge' } as const;

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
}, 60_000);
afterAll(async () => {
  await db?.drop();
});

async function query(sql: string, params: unknown[] = []): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  try {
    return await client.query(sql, params);
  } finally {
    await client.end();
  }
}

// Every test of the contract starts from an empty database, migrated afresh.
async function emptyDatabase(): Promise<void> {
  await query('DROP TABLE IF EXISTS resources, resource_changes, store_revision, leader_lease, proxy_delivery, delivery_replicas, schema_version');
}

const opened: PostgresStore[] = [];
async function open(options: Partial<PostgresStoreOptions> = {}): Promise<PostgresStore> {
  const store = await PostgresStore.open({ connection: { connectionString: db.url }, logger: silent, ...options });
  opened.push(store);
  return store;
}
afterEach(async () => {
  for (const store of opened.splice(0)) await store.close();
});

describeStoreContract('PostgresStore', async ({ clock }) => {
  await emptyDatabase();
  return open({ clock });
});

describe('PostgresStore with several replicas on one database', () => {
  it('keeps every resource, version and time across close and reopen', async () => {
    await emptyDatabase();
    const a = await open();
    await a.put({ ...gateway('edge', 'default', 1), labels: { team: 'a' } });
    const second = await a.put({ ...gateway('edge', 'default', 2), labels: { team: 'a' } });
    await a.put(gateway('other', 'prod'));
    await a.close();
    const b = await open();
    expect(await b.get(edgeKey)).toEqual(second);
    expect((await b.list('MeshGateway')).map((r) => `${r.mesh}/${r.name}`)).toEqual(['default/edge', 'prod/other']);
  });

  it("shows one replica's write to the others, with its events, in the writer's version", async () => {
    await emptyDatabase();
    const [a, b] = [await open(), await open()];
    const seen: ChangeEvent[] = [];
    b.watch((event) => seen.push(event));
    const stored = await a.put(gateway('edge', 'default', 7));
    await eventually(async () => (await b.get(edgeKey))?.version === '1', 5_000, 'the write reaching the other replica');
    expect(await b.get(edgeKey)).toEqual(stored);
    expect(seen).toEqual([{ type: 'put', key: edgeKey, resource: stored }]);
    await b.delete(edgeKey);
    await eventually(async () => (await a.get(edgeKey)) === undefined, 5_000, 'the delete reaching the writer of the put');
  });

  it('delivers the same changes in the same order on every replica while all of them write at once', async () => {
    await emptyDatabase();
    const replicas = [await open(), await open(), await open()];
    const logs = replicas.map((replica) => {
      const log: string[] = [];
      replica.watch((event) => log.push(`${event.type} ${event.key.name} v${event.resource.version}`));
      return log;
    });
    // 3 replicas x 40 writes on 4 shared names: versions interleave across replicas.
    await Promise.all(
      replicas.map(async (replica, r) => {
        for (let i = 0; i < 40; i++) await replica.put(gateway(`gw-${i % 4}`, 'default', 1000 * r + i));
      }),
    );
    await eventually(async () => logs.every((log) => log.length === 120), 10_000, 'every replica seeing 120 changes');
    expect(logs[1]).toEqual(logs[0]);
    expect(logs[2]).toEqual(logs[0]);
    // Each name's versions arrive in order, 1..30, on every replica.
    for (const n of [0, 1, 2, 3]) {
      expect(logs[0]!.filter((line) => line.includes(` gw-${n} `)).map((line) => Number(line.split(' v')[1]))).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    }
    const lists = await Promise.all(replicas.map((replica) => replica.list('MeshGateway')));
    expect(lists[1]).toEqual(lists[0]);
    expect(lists[2]).toEqual(lists[0]);
  });

  it('stores nothing and spends no revision when a commit conflicts, on any replica', async () => {
    await emptyDatabase();
    const [a, b] = [await open(), await open()];
    await a.put(gateway('edge'));
    await eventually(async () => (await b.get(edgeKey)) !== undefined, 5_000, 'b seeing edge');
    const before = b.feedStatus().revision;
    await expect(b.commit([{ op: 'put', resource: gateway('new') }, { op: 'put', resource: gateway('edge'), options: { mustCreate: true } }])).rejects.toThrow(/already exists/);
    expect(await b.get({ kind: 'MeshGateway', mesh: 'default', name: 'new' })).toBeUndefined();
    expect((await query('SELECT revision FROM store_revision')).rows[0].revision).toBe(String(before));
    expect((await query("SELECT count(*) AS n FROM resources WHERE name = 'new'")).rows[0].n).toBe('0');
  });

  it('resumes from the last applied revision after its listening connection is killed', async () => {
    await emptyDatabase();
    const a = await open();
    const b = await open({ pollIntervalMs: 60_000, reconnectDelayMs: 1_000 });
    const seen: string[] = [];
    b.watch((event) => seen.push(`${event.type} ${event.key.name}`));
    await a.put(gateway('before'));
    await eventually(async () => seen.length === 1, 5_000, 'the first change');
    await query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'LISTEN%'");
    await eventually(async () => !b.feedStatus().listening, 5_000, 'b noticing the lost connection');
    await a.put(gateway('during-1'));
    await a.put(gateway('during-2'));
    await a.delete({ kind: 'MeshGateway', mesh: 'default', name: 'before' });
    await eventually(async () => b.feedStatus().listening && seen.length === 4, 15_000, 'b catching up after reconnecting');
    expect(seen).toEqual(['put before', 'put during-1', 'put during-2', 'delete before']);
    expect(b.feedStatus().revision).toBe(a.feedStatus().revision);
  });

  it('reloads everything, as events for the difference, when the log was pruned past it', async () => {
    await emptyDatabase();
    const a = await open({ retainRevisions: 10 });
    const b = await open({ pollIntervalMs: 60_000, reconnectDelayMs: 8_000 });
    await a.put(gateway('kept', 'default', 1));
    await a.put(gateway('dropped'));
    await eventually(async () => (await b.list('MeshGateway')).length === 2, 5_000, 'b seeing both');
    const seen: string[] = [];
    b.watch((event) => seen.push(`${event.type} ${event.key.name} v${event.resource.version}`));
    await query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'LISTEN%'");
    await eventually(async () => !b.feedStatus().listening, 5_000, 'b noticing the lost connection');
    // 300 revisions while b is away; a keeps only the last 10 of them.
    for (let i = 0; i < 150; i++) {
      await a.put(gateway('kept', 'default', 2 + i));
      await a.put(gateway(`churn-${i % 3}`));
    }
    await a.delete({ kind: 'MeshGateway', mesh: 'default', name: 'dropped' });
    expect(Number((await query('SELECT min(revision) AS r FROM resource_changes')).rows[0].r)).toBeGreaterThan(b.feedStatus().revision + 1);
    await eventually(async () => b.feedStatus().revision === a.feedStatus().revision, 20_000, 'b reloading');
    expect(await b.list('MeshGateway')).toEqual(await a.list('MeshGateway'));
    expect(seen).toEqual(['delete dropped v1', 'put churn-0 v50', 'put churn-1 v50', 'put churn-2 v50', 'put kept v151']);
    expect(portOf(await b.get({ kind: 'MeshGateway', mesh: 'default', name: 'kept' }))).toBe(151);
  }, 60_000);

  it('refuses a database a newer Portico migrated, and an unreachable server, with the reason', async () => {
    await emptyDatabase();
    await (await open()).close();
    await query('UPDATE schema_version SET version = $1', [PG_SCHEMA_VERSION + 1]);
    await expect(open()).rejects.toThrow(new RegExp(`schema version ${PG_SCHEMA_VERSION + 1} is newer than this Portico supports`));
    const unreachable = open({ connection: { host: '127.0.0.1', port: 1, user: 'portico', password: 'secret-value', database: 'x', connectionTimeoutMillis: 2_000 } });
    await expect(unreachable).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(unreachable).rejects.toThrow(/open Postgres store portico@127\.0\.0\.1:1\/x: .*ECONNREFUSED/);
    await expect(unreachable).rejects.not.toThrow(/secret-value/);
  });

  it('fails a write with StoreUnavailableError while the server refuses it, then writes again', async () => {
    await emptyDatabase();
    const a = await open();
    await a.put(gateway('edge'));
    await query('ALTER TABLE resources RENAME TO resources_away');
    await expect(a.put(gateway('lost'))).rejects.toBeInstanceOf(StoreUnavailableError);
    await query('ALTER TABLE resources_away RENAME TO resources');
    expect((await a.list('MeshGateway')).map((r) => r.name)).toEqual(['edge']);
    expect((await a.put(gateway('back'))).version).toBe('1');
    expect((await query('SELECT name FROM resources ORDER BY name')).rows.map((r) => r.name)).toEqual(['back', 'edge']);
  });

  it('lists Meshes and mesh-scoped kinds in byte order of (mesh, name), as the other stores do', async () => {
    await emptyDatabase();
    const a = await open();
    for (const name of ['b', 'B', 'a-1', 'a']) await a.put(mesh(name));
    await a.close();
    const b = await open();
    expect((await b.list('Mesh')).map((r) => r.name)).toEqual(['B', 'a', 'a-1', 'b']);
  });

  it('never logs secret data or the password, at trace level, through writes, the feed, a lost connection and a reload', async () => {
    await emptyDatabase();
    const lines: string[] = [];
    const traced = pino({ level: 'trace' }, { write: (line: string) => void lines.push(line) });
    const canary = 'canary-7f3e9a-secret-value';
    const a = await open({ logger: traced, retainRevisions: 10 });
    // b stays away long enough for a's 120 writes to pass a pruning (every 100th revision) even on a
    // loaded machine: with 1.5 s it came back at revision 82 in a loaded run and resumed instead.
    const b = await open({ logger: traced, reconnectDelayMs: 6_000, pollIntervalMs: 60_000 });
    await a.put(mesh('default'));
    await a.put({ kind: 'Secret', mesh: 'default', name: 'canary', spec: { data: Buffer.from(canary).toString('base64') } });
    await eventually(async () => (await b.get({ kind: 'Secret', mesh: 'default', name: 'canary' })) !== undefined, 5_000, 'the Secret reaching b');
    await query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'LISTEN%'");
    for (let i = 0; i < 120; i++) await a.put({ kind: 'Secret', mesh: 'default', name: 'canary', spec: { data: Buffer.from(`${canary}-${i}`).toString('base64') } });
    await eventually(async () => b.feedStatus().revision === a.feedStatus().revision, 25_000, 'b reloading');
    const log = lines.join('');
    expect(log).toContain('reloading every resource'); // the paths above did log
    expect(log).not.toContain(canary);
    expect(log).not.toContain(Buffer.from(canary).toString('base64').slice(0, 16));
    expect(log).not.toContain(decodeURIComponent(new URL(db.url).password));
  }, 45_000);
});
