// The real PostgreSQL server of the Postgres store's tests (started by postgres/ensure-server.sh,
// which .ci/run and `npm test` run first), and a database of its own for each suite, so that suites
// running in parallel never see each other's rows.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import pg from 'pg';
import { REPO_ROOT } from './processes.js';

let adminUrl: string | undefined;

/** URL of the server's admin database: PORTICO_TEST_POSTGRES_URL, else the script's answer. */
export function postgresAdminUrl(): string {
  if (adminUrl) return adminUrl;
  const fromEnv = process.env.PORTICO_TEST_POSTGRES_URL;
  adminUrl = fromEnv && fromEnv !== ''
    ? fromEnv
    : execFileSync(path.join(REPO_ROOT, 'test', 'support', 'postgres', 'ensure-server.sh'), { encoding: 'utf8' }).trim().split('\n').pop()!;
  return adminUrl;
}

/** A database made for the caller; `drop()` removes it, closing any connection still open. */
export interface TestDatabase {
  readonly url: string;
  readonly name: string;
  drop(): Promise<void>;
}

/** Creates an empty database on the test server. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const base = postgresAdminUrl();
  const name = `portico_test_${randomBytes(6).toString('hex')}`;
  await admin(base, `CREATE DATABASE ${name}`);
  const url = new URL(base);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    drop: () => admin(base, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
}

async function admin(url: string, statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

/** Kuma's KUMA_STORE_* variables that point `portico cp run --store postgres` at `db`. */
export function kumaStoreEnv(db: TestDatabase): NodeJS.ProcessEnv {
  const url = new URL(db.url);
  return {
    KUMA_STORE_TYPE: 'postgres',
    KUMA_STORE_POSTGRES_HOST: url.hostname,
    KUMA_STORE_POSTGRES_PORT: url.port,
    KUMA_STORE_POSTGRES_USER: decodeURIComponent(url.username),
    KUMA_STORE_POSTGRES_PASSWORD: decodeURIComponent(url.password),
    KUMA_STORE_POSTGRES_DB_NAME: db.name,
  };
}
