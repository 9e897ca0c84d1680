import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { compileForChild, type ChildBuild } from '../../test/support/compile-for-child.js';
import { describeStoreContract } from '../../test/support/store-contract.js';
import { gateway, portOf } from '../../test/support/store-fixtures.js';
import { SCHEMA_VERSION } from './resource-sql.js';
import { DB_FILE_NAME, SqliteStore } from './sqlite-store.js';
import { ConflictError, StoreUnavailableError } from './store.js';

const silent = pino({ level: 'silent' });
const here = path.dirname(fileURLToPath(import.meta.url));
const edgeKey = { kind: 'MeshGateway', mesh: 'default', name: 'edge' } as const;

const tempDirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'portico-sqlite-'));
  tempDirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

describeStoreContract('SqliteStore', async ({ clock }) => SqliteStore.open({ dataDir: tempDir(), logger: silent, clock }));

describe('SqliteStore persistence', () => {
  let dataDir: string;
  let store: SqliteStore;
  beforeEach(async () => {
    dataDir = path.join(tempDir(), 'nested', 'data');
    store = await SqliteStore.open({ dataDir, logger: silent });
  });
  afterEach(async () => {
    await store.close();
  });

  it('creates <dataDir>/portico.db in WAL mode', () => {
    expect(store.file).toBe(path.join(dataDir, DB_FILE_NAME));
    const raw = new Database(store.file, { readonly: true });
    try {
      expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(raw.prepare('SELECT version FROM schema_version').all()).toEqual([{ version: SCHEMA_VERSION }]);
    } finally {
      raw.close();
    }
  });

  it('keeps resources, versions, labels and times across close and reopen', async () => {
    await store.put({ ...gateway('edge', 'default', 1), labels: { team: 'a' } });
    const second = await store.put({ ...gateway('edge', 'default', 2), labels: { team: 'a' } });
    await store.put(gateway('other', 'prod'));
    await store.close();
    store = await SqliteStore.open({ dataDir, logger: silent });
    expect(await store.get(edgeKey)).toEqual(second);
    expect((await store.list('MeshGateway')).map((r) => `${r.mesh}/${r.name}@${r.version}`)).toEqual([
      'default/edge@2',
      'prod/other@1',
    ]);
    expect((await store.put(gateway('edge', 'default', 3), { expectedVersion: '2' })).version).toBe('3');
  });

  it('stores nothing of a rejected commit, as seen after reopen', async () => {
    await store.put(gateway('edge', 'default', 1));
    const commit = store.commit([
      { op: 'put', resource: gateway('new') },
      { op: 'delete', key: edgeKey },
      { op: 'put', resource: gateway('new', 'default', 2), options: { expectedVersion: '5' } },
    ]);
    await expect(commit).rejects.toBeInstanceOf(ConflictError);
    await store.close();
    store = await SqliteStore.open({ dataDir, logger: silent });
    const listed = await store.list('MeshGateway');
    expect(listed.map((r) => `${r.name}@${r.version}:${portOf(r)}`)).toEqual(['edge@1:1']);
  });

  it('wraps SQLite failures in StoreUnavailableError with the cause', async () => {
    await store.put(gateway('edge'));
    const raw = new Database(store.file);
    raw.exec('DROP TABLE resources');
    raw.close();
    const error = await store.put(gateway('edge')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreUnavailableError);
    expect((error as Error).message).toMatch(/^SQLite store: put MeshGateway default\/edge failed: .*no such table/);
    expect((error as Error).cause).toBeInstanceOf(Error);
    await expect(store.list('MeshGateway')).rejects.toBeInstanceOf(StoreUnavailableError);
  });
});

describe('SqliteStore.open failures', () => {
  it('refuses a file that is not a database', async () => {
    const dataDir = tempDir();
    writeFileSync(path.join(dataDir, DB_FILE_NAME), 'this is not a database, just some text that is long enough '.repeat(100));
    const error = await SqliteStore.open({ dataDir, logger: silent }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreUnavailableError);
    expect((error as Error).message).toMatch(/open SQLite store .*portico\.db: .*not a database/);
  });

  it('refuses a database written by a newer schema', async () => {
    const dataDir = tempDir();
    await (await SqliteStore.open({ dataDir, logger: silent })).close();
    const raw = new Database(path.join(dataDir, DB_FILE_NAME));
    raw.prepare('UPDATE schema_version SET version = ?').run(SCHEMA_VERSION + 1);
    raw.close();
    await expect(SqliteStore.open({ dataDir, logger: silent })).rejects.toThrow(
      `database schema version ${SCHEMA_VERSION + 1} is newer than this Portico supports (${SCHEMA_VERSION})`,
    );
  });
});

describe('SqliteStore crash safety', () => {
  let build: ChildBuild;
  beforeAll(() => {
    build = compileForChild(path.join(here, 'sqlite-store.ts'));
  });
  afterAll(() => build.remove());

  it('keeps every acknowledged commit when the writer is killed with SIGKILL', async () => {
    const dataDir = tempDir();
    const acks = await runWriterUntilKilled(build.entry, dataDir, 150);
    expect(acks.length).toBeGreaterThanOrEqual(150);
    const store = await SqliteStore.open({ dataDir, logger: silent });
    try {
      const byName = new Map((await store.list('MeshGateway')).map((r) => [r.name, r]));
      for (const seq of acks) {
        const row = byName.get(`r-${seq}`);
        expect(row?.version).toBe('1');
        expect(row?.spec.tags).toEqual({ seq: String(seq) });
      }
      // Commits after the last ack may have landed too, but only whole: the counter names the
      // last commit, every r-<seq> up to it exists, and nothing beyond it.
      const counter = byName.get('counter');
      const last = Number(counter?.spec.tags['seq']);
      expect(last).toBeGreaterThanOrEqual(acks.length - 1);
      expect(counter?.version).toBe(String(last + 1));
      expect(byName.size).toBe(last + 2);
      expect(byName.has(`r-${last}`)).toBe(true);
    } finally {
      await store.close();
    }
  });
});

// Start the writer child, SIGKILL it once it acknowledged `killAfter` commits, and return the
// acknowledged sequence numbers (0, 1, 2, ... in order).
async function runWriterUntilKilled(storeModule: string, dataDir: string, killAfter: number): Promise<number[]> {
  const child = spawn(process.execPath, [path.join(here, '../../test/support/store-writer-child.mjs'), storeModule, dataDir], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const acks: number[] = [];
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    const lines = stdout.split('\n');
    stdout = lines.pop() ?? '';
    for (const line of lines) {
      const match = /^ack (\d+) 1 (\d+)$/.exec(line);
      if (match) acks.push(Number(match[1]));
    }
    if (acks.length >= killAfter) child.kill('SIGKILL');
  });
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) =>
    child.once('exit', (c, s) => resolve([c, s])),
  );
  // Exiting on its own would mean it failed (it writes far more than killAfter commits).
  expect({ code, signal, stderr }).toEqual({ code: null, signal: 'SIGKILL', stderr: '' });
  expect(acks).toEqual(acks.map((_, i) => i));
  return acks;
}
