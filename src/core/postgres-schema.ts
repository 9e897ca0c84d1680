// The tables of the Postgres store and their migration (docs/postgres-store.md). Besides the
// resources table that the SQLite store also has, Postgres keeps a store-wide revision and a change
// log: every replica applies the log in revision order, so every replica sees every change in the
// same order, and a replica that lost its connection resumes from the revision it last applied.
import type pg from 'pg';

/** The schema version this code reads and writes. */
export const PG_SCHEMA_VERSION = 3;

/** The channel writers NOTIFY (payload: the committed revision) and replicas LISTEN on. */
export const CHANGES_CHANNEL = 'portico_resource_changes';

// Any fixed number: replicas starting together take this advisory lock so one migrates at a time.
const MIGRATION_LOCK = 0x706f7274;

// Text columns sort with COLLATE "C" so that ORDER BY is byte order, as in SQLite and the memory store.
const MIGRATIONS: readonly (readonly string[])[] = [
  [
    `CREATE TABLE resources (
      kind TEXT COLLATE "C" NOT NULL,
      mesh TEXT COLLATE "C" NOT NULL,
      name TEXT COLLATE "C" NOT NULL,
      version BIGINT NOT NULL,
      spec TEXT NOT NULL,
      labels TEXT,
      creation_time TEXT NOT NULL,
      modification_time TEXT NOT NULL,
      PRIMARY KEY (kind, mesh, name)
    )`,
    // One row. A write transaction starts by incrementing it: the row lock then orders writers, so
    // revisions are handed out in commit order and a reader never sees revision n+1 before n.
    'CREATE TABLE store_revision (revision BIGINT NOT NULL)',
    'INSERT INTO store_revision (revision) VALUES (0)',
    // The changes of each committed revision, op by op (seq), with the whole resource: the stored
    // one for a put, the last stored one for a delete. Old revisions are pruned by writers.
    `CREATE TABLE resource_changes (
      revision BIGINT NOT NULL,
      seq INTEGER NOT NULL,
      type TEXT NOT NULL,
      kind TEXT COLLATE "C" NOT NULL,
      mesh TEXT COLLATE "C" NOT NULL,
      name TEXT COLLATE "C" NOT NULL,
      version BIGINT NOT NULL,
      spec TEXT NOT NULL,
      labels TEXT,
      creation_time TEXT NOT NULL,
      modification_time TEXT NOT NULL,
      PRIMARY KEY (revision, seq)
    )`,
  ],
  [
    // Leader election of the replicas (postgres-leader-election.ts). Times are the server's, so
    // the replicas' clocks never have to agree.
    `CREATE TABLE leader_lease (
      name TEXT COLLATE "C" PRIMARY KEY,
      holder TEXT NOT NULL,
      acquired_at TIMESTAMPTZ NOT NULL,
      renewed_at TIMESTAMPTZ NOT NULL,
      expires_at TIMESTAMPTZ NOT NULL,
      transitions INTEGER NOT NULL
    )`,
  ],
  [
    // Delivery state the replicas share (runtime/postgres-delivery-board.ts): one heartbeat row per
    // replica, whose revision grows with every publication that changed an entry, so a reader
    // re-reads only the replicas that changed; and one summary per proxy a replica serves.
    `CREATE TABLE delivery_replicas (
      replica TEXT COLLATE "C" PRIMARY KEY,
      heartbeat_at TIMESTAMPTZ NOT NULL,
      revision BIGINT NOT NULL
    )`,
    `CREATE TABLE proxy_delivery (
      replica TEXT COLLATE "C" NOT NULL REFERENCES delivery_replicas (replica) ON DELETE CASCADE,
      node_id TEXT COLLATE "C" NOT NULL,
      delivery TEXT NOT NULL,
      PRIMARY KEY (replica, node_id)
    )`,
  ],
];

/**
 * Bring the database to PG_SCHEMA_VERSION inside one transaction (Postgres DDL is transactional: a
 * failed migration leaves nothing behind). A database written by a newer Portico is refused.
 */
export async function migratePostgres(client: pg.ClientBase): Promise<number> {
  await client.query('BEGIN');
  try {
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await client.query('CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)');
    const { rows } = await client.query<{ version: number }>('SELECT version FROM schema_version');
    if (rows.length > 1) throw new Error(`schema_version holds ${rows.length} rows; expected at most one`);
    const current = rows[0]?.version ?? 0;
    if (current > PG_SCHEMA_VERSION) {
      throw new Error(`database schema version ${current} is newer than this Portico supports (${PG_SCHEMA_VERSION}); upgrade Portico`);
    }
    for (const statement of MIGRATIONS.slice(current).flat()) await client.query(statement);
    if (current === 0) await client.query('INSERT INTO schema_version (version) VALUES ($1)', [PG_SCHEMA_VERSION]);
    else if (current < PG_SCHEMA_VERSION) await client.query('UPDATE schema_version SET version = $1', [PG_SCHEMA_VERSION]);
    await client.query('COMMIT');
    return PG_SCHEMA_VERSION;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  }
}

const RESOURCE_COLUMNS = 'kind, mesh, name, version, spec, labels, creation_time, modification_time';
const CHANGE_COLUMNS = `revision, seq, type, ${RESOURCE_COLUMNS}`;

/** The statements of the Postgres store; $n parameters. */
export const PG_SQL = {
  /** The head revision and every resource, read in one REPEATABLE READ snapshot. */
  head: 'SELECT revision FROM store_revision',
  all: `SELECT ${RESOURCE_COLUMNS} FROM resources`,
  /** Takes the writers' lock and hands out the next revision. */
  nextRevision: 'UPDATE store_revision SET revision = revision + 1 RETURNING revision',
  getVersion: 'SELECT version FROM resources WHERE kind = $1 AND mesh = $2 AND name = $3',
  /** Params: kind, mesh, name, spec, labels, now, revision, seq. Upserts and logs in one statement. */
  put: `WITH stored AS (
      INSERT INTO resources (${RESOURCE_COLUMNS}) VALUES ($1, $2, $3, 1, $4, $5, $6, $6)
      ON CONFLICT (kind, mesh, name) DO UPDATE SET
        version = resources.version + 1,
        spec = excluded.spec,
        labels = excluded.labels,
        modification_time = excluded.modification_time
      RETURNING ${RESOURCE_COLUMNS}
    )
    INSERT INTO resource_changes (${CHANGE_COLUMNS})
    SELECT $7, $8, 'put', ${RESOURCE_COLUMNS} FROM stored
    RETURNING ${CHANGE_COLUMNS}`,
  /** Params: kind, mesh, name, revision, seq. Deletes and logs the last stored resource. */
  delete: `WITH gone AS (
      DELETE FROM resources WHERE kind = $1 AND mesh = $2 AND name = $3 RETURNING ${RESOURCE_COLUMNS}
    )
    INSERT INTO resource_changes (${CHANGE_COLUMNS})
    SELECT $4, $5, 'delete', ${RESOURCE_COLUMNS} FROM gone
    RETURNING ${CHANGE_COLUMNS}`,
  /** Params: after, before (exclusive). The committed changes a replica has not applied yet. */
  changesBetween: `SELECT ${CHANGE_COLUMNS} FROM resource_changes WHERE revision > $1 AND revision < $2 ORDER BY revision, seq`,
  /** Params: after. */
  changesAfter: `SELECT ${CHANGE_COLUMNS} FROM resource_changes WHERE revision > $1 ORDER BY revision, seq`,
  /** Params: oldest revision to keep. */
  prune: 'DELETE FROM resource_changes WHERE revision < $1',
  notify: `SELECT pg_notify('${CHANGES_CHANNEL}', $1)`,
} as const;

/** A row of resource_changes as the driver returns it (BIGINTs as strings). */
export interface ChangeRow {
  readonly revision: string;
  readonly seq: number;
  readonly type: 'put' | 'delete';
  readonly kind: string;
  readonly mesh: string;
  readonly name: string;
  readonly version: string;
  readonly spec: string;
  readonly labels: string | null;
  readonly creation_time: string;
  readonly modification_time: string;
}
