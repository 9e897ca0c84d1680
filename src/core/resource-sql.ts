// The SQL of the persistent resource stores. It is deliberately portable: SQLite runs it today and
// the Postgres store will run the same text (standard types, `INSERT ... ON CONFLICT`, `RETURNING`;
// no `INSERT OR REPLACE`, no AUTOINCREMENT, no SQLite-only functions). Parameters are positional
// `?`; the Postgres driver numbers them ($1, $2, ...) mechanically. One difference is left to the
// Postgres DDL: its text columns need COLLATE "C" so ORDER BY matches SQLite's byte order.

/** The schema version this code reads and writes. */
export const SCHEMA_VERSION = 1;

/** Created before anything else, so the stored schema version can always be read. */
export const CREATE_SCHEMA_VERSION_TABLE = 'CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)';

/** MIGRATIONS[i] moves a database from schema version i to i + 1; append, never edit. */
export const MIGRATIONS: readonly (readonly string[])[] = [
  [
    `CREATE TABLE resources (
      kind TEXT NOT NULL,
      mesh TEXT NOT NULL,
      name TEXT NOT NULL,
      version BIGINT NOT NULL,
      spec TEXT NOT NULL,
      labels TEXT,
      creation_time TEXT NOT NULL,
      modification_time TEXT NOT NULL,
      PRIMARY KEY (kind, mesh, name)
    )`,
  ],
];

const COLUMNS = 'kind, mesh, name, version, spec, labels, creation_time, modification_time';
const BY_KEY = 'kind = ? AND mesh = ? AND name = ?';

/** Every statement the stores prepare, by purpose. */
export const SQL = {
  readSchemaVersion: 'SELECT version FROM schema_version',
  insertSchemaVersion: 'INSERT INTO schema_version (version) VALUES (?)',
  updateSchemaVersion: 'UPDATE schema_version SET version = ?',
  countResources: 'SELECT COUNT(*) AS count FROM resources',

  /** Params: kind, mesh, name. */
  get: `SELECT ${COLUMNS} FROM resources WHERE ${BY_KEY}`,
  /** Params: kind, mesh, name. Used only to check preconditions inside a write transaction. */
  getVersion: `SELECT version FROM resources WHERE ${BY_KEY}`,
  /** Params: kind. */
  listKind: `SELECT ${COLUMNS} FROM resources WHERE kind = ? ORDER BY mesh, name`,
  /** Params: kind, mesh. */
  listMesh: `SELECT ${COLUMNS} FROM resources WHERE kind = ? AND mesh = ? ORDER BY mesh, name`,
  /**
   * The one statement of a put. Params: kind, mesh, name, spec, labels, now, now. An update bumps
   * the version and keeps creation_time; RETURNING gives both without a second read.
   */
  upsert: `INSERT INTO resources (${COLUMNS}) VALUES (?, ?, ?, 1, ?, ?, ?, ?)
    ON CONFLICT (kind, mesh, name) DO UPDATE SET
      version = resources.version + 1,
      spec = excluded.spec,
      labels = excluded.labels,
      modification_time = excluded.modification_time
    RETURNING version, creation_time`,
  /** Params: kind, mesh, name. RETURNING gives the last stored resource for the delete event. */
  delete: `DELETE FROM resources WHERE ${BY_KEY} RETURNING ${COLUMNS}`,
} as const;

/** A row of `resources` as the driver returns it. */
export interface ResourceRow {
  readonly kind: string;
  readonly mesh: string;
  readonly name: string;
  /** BIGINT: a number from SQLite, a string from Postgres; String() handles both. */
  readonly version: number | string;
  readonly spec: string;
  readonly labels: string | null;
  readonly creation_time: string;
  readonly modification_time: string;
}

/** What the upsert returns. */
export interface UpsertResult {
  readonly version: number | string;
  readonly creation_time: string;
}
