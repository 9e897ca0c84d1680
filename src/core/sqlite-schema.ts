// Connection setup and schema migration of the SQLite store, run once by SqliteStore.open().
import type Database from 'better-sqlite3';
import { CREATE_SCHEMA_VERSION_TABLE, MIGRATIONS, SCHEMA_VERSION, SQL } from './resource-sql.js';

/**
 * Make the connection durable: WAL so readers never block the writer, and synchronous = FULL so
 * every commit is fsynced before it returns. An acknowledged write then survives kill -9 and a
 * power loss; NORMAL would only survive the former. The busy timeout is set by the constructor.
 */
export function configureConnection(db: Database.Database): void {
  const mode = String(db.pragma('journal_mode = WAL', { simple: true }));
  if (mode.toLowerCase() !== 'wal') throw new Error(`cannot switch the database to WAL journal mode (got "${mode}")`);
  db.pragma('synchronous = FULL');
}

/**
 * Bring the schema to SCHEMA_VERSION. The version is read inside an IMMEDIATE transaction, so two
 * processes opening a fresh file at once cannot both run a migration. A database written by a
 * newer Portico is refused rather than misread.
 */
export function migrate(db: Database.Database): number {
  db.exec(CREATE_SCHEMA_VERSION_TABLE);
  const run = db.transaction(() => {
    const current = readSchemaVersion(db);
    if (current > SCHEMA_VERSION) {
      throw new Error(`database schema version ${current} is newer than this Portico supports (${SCHEMA_VERSION}); upgrade Portico`);
    }
    if (current === SCHEMA_VERSION) return current;
    for (const statement of MIGRATIONS.slice(current).flat()) db.exec(statement);
    const write = current === 0 ? SQL.insertSchemaVersion : SQL.updateSchemaVersion;
    db.prepare(write).run(SCHEMA_VERSION);
    return SCHEMA_VERSION;
  });
  return run.immediate();
}

function readSchemaVersion(db: Database.Database): number {
  const rows = db.prepare(SQL.readSchemaVersion).all() as { version: number }[];
  const [row, extra] = rows;
  if (extra !== undefined) throw new Error(`schema_version holds ${rows.length} rows; expected at most one`);
  return row?.version ?? 0;
}
