// The Postgres store (issue 13, docs/postgres-store.md) against the real PostgreSQL server of the
// tests (test/support/postgres/ensure-server.sh), on a database of its own:
//
// `postgres-store-3-replicas`: three PostgresStore instances (three replicas' worth of
//   connections) on one database; replica 0 writes a MeshGateway `writes` times, one at a time.
//   Reported: the write latency (put() called to resolved: commit plus applying its revision) and
//   the change-to-all-replicas latency (put() called to the last other replica's watcher seeing
//   that version), median, p90 and p99; and the SQLite store's write latency on this machine for
//   the ratio.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { PostgresStore } from '../src/core/postgres-store.js';
import { SqliteStore } from '../src/core/sqlite-store.js';
import type { ResourceInput } from '../src/core/resource.js';
import { createTestDatabase } from '../test/support/postgres.js';
import { summarize, type BenchResult } from './harness.js';

const logger = pino({ level: 'silent' });

function gateway(i: number): ResourceInput<'MeshGateway'> {
  return {
    kind: 'MeshGateway',
    mesh: 'default',
    name: 'edge',
    spec: { selectors: [{ match: { 'kuma.io/service': 'edge' } }], conf: { listeners: [{ port: 1024 + (i % 60_000), protocol: 'HTTP', hostname: '', tags: {}, crossMesh: false }] } } as never,
  };
}

function p99(samples: readonly number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return Math.round(sorted[Math.min(sorted.length - 1, Math.ceil(0.99 * sorted.length) - 1)]! * 1000) / 1000;
}

/** Write latency and change-to-all-replicas latency over `writes` sequential puts. */
export async function benchPostgresStore(writes = 300, replicas = 3): Promise<BenchResult> {
  const db = await createTestDatabase();
  const stores: PostgresStore[] = [];
  try {
    for (let i = 0; i < replicas; i++) stores.push(await PostgresStore.open({ connection: { connectionString: db.url }, logger }));
    const seen = new Map<string, { left: number; done: () => void }>();
    for (const store of stores.slice(1)) {
      store.watch((event) => {
        const waiting = seen.get(event.resource.version);
        if (waiting && --waiting.left === 0) waiting.done();
      });
    }
    const writeMs: number[] = [];
    const spreadMs: number[] = [];
    for (let i = 0; i < writes + 10; i++) {
      const version = String(i + 1);
      const everywhere = new Promise<void>((resolve) => seen.set(version, { left: replicas - 1, done: resolve }));
      const t0 = performance.now();
      await stores[0]!.put(gateway(i));
      const t1 = performance.now();
      await everywhere;
      const t2 = performance.now();
      seen.delete(version);
      if (i >= 10) {
        writeMs.push(t1 - t0);
        spreadMs.push(t2 - t0);
      }
    }
    const sqliteMs = await sqliteWrites(writes);
    const write = summarize(writeMs);
    return {
      id: `postgres-store-${replicas}-replicas`,
      description: `${replicas} PostgresStore replicas on one database of a local PostgreSQL ${process.env['PORTICO_TEST_POSTGRES_URL'] ? '(CI server)' : '(test server)'}; ${writes} sequential puts of one MeshGateway on replica 0`,
      metrics: {
        'write (put called -> resolved)': write,
        'write p99 ms': p99(writeMs),
        'change to all replicas (put called -> last replica watcher)': summarize(spreadMs),
        'change to all replicas p99 ms': p99(spreadMs),
        'sqlite write (same puts, embedded store)': summarize(sqliteMs),
        'postgres / sqlite write median ratio': Math.round((write.median / summarize(sqliteMs).median) * 100) / 100,
      },
    };
  } finally {
    for (const store of stores) await store.close();
    await db.drop();
  }
}

async function sqliteWrites(writes: number): Promise<number[]> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'portico-bench-sqlite-'));
  const store = await SqliteStore.open({ dataDir: dir, logger });
  try {
    const samples: number[] = [];
    for (let i = 0; i < writes + 10; i++) {
      const t0 = performance.now();
      await store.put(gateway(i));
      if (i >= 10) samples.push(performance.now() - t0);
    }
    return samples;
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
