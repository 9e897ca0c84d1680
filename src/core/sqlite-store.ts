// The default embedded persistent store: one SQLite file, `<dataDir>/portico.db`. better-sqlite3
// is synchronous, so every method does its work before its promise settles: a write's promise
// resolves only after the fsynced commit, and its watchers have already run by then.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { pino, type Logger } from 'pino';
import type { Kind, ResourceInput, ResourceKey, StoredResource } from './resource.js';
import { isGlobalKind } from '../api/resource-kinds.js';
import { SQL, type ResourceRow, type UpsertResult } from './resource-sql.js';
import { configureConnection, migrate } from './sqlite-schema.js';
import { ChangeFanOut } from './store-events.js';
import {
  buildStored,
  decodeJson,
  describeKey,
  encodeOp,
  frozenKey,
  preconditionConflict,
  type EncodedOp,
  type EncodedResource,
} from './stored-resource.js';
import {
  ConflictError,
  StoreUnavailableError,
  type ChangeEvent,
  type ListOptions,
  type ResourceStore,
  type WriteOp,
  type WriteOptions,
} from './store.js';

/** File name of the database inside the data directory. */
export const DB_FILE_NAME = 'portico.db';

/** Default wait for a lock held by another connection before a call fails. */
export const DEFAULT_BUSY_TIMEOUT_MS = 5_000;

/** Options of SqliteStore.open(). */
export interface SqliteStoreOptions {
  /** Directory holding portico.db; created when missing. */
  readonly dataDir: string;
  /** Parent logger; the store logs under `module: store`. */
  readonly logger?: Logger;
  /** Source of creation and modification times (tests pin it). */
  readonly clock?: () => Date;
  /** How long a call waits for another connection's lock before failing. */
  readonly busyTimeoutMs?: number;
}

interface Applied {
  readonly stored: StoredResource[];
  readonly events: ChangeEvent[];
}

interface Statements {
  readonly get: Database.Statement;
  readonly getVersion: Database.Statement;
  readonly listKind: Database.Statement;
  readonly listMesh: Database.Statement;
  readonly upsert: Database.Statement;
  readonly delete: Database.Statement;
}

/** A ResourceStore persisted in SQLite with WAL and synchronous = FULL. */
export class SqliteStore implements ResourceStore {
  /** Every commit is one transaction. */
  readonly atomicCommit: boolean = true;
  private readonly statements: Statements;
  private readonly fanOut: ChangeFanOut;
  private readonly clock: () => Date;
  private readonly transaction: Database.Transaction<(ops: readonly EncodedOp[], now: string) => Applied>;

  private constructor(
    private readonly db: Database.Database,
    /** Path of the database file. */
    readonly file: string,
    options: SqliteStoreOptions,
    logger: Logger,
  ) {
    this.statements = prepareStatements(db);
    this.fanOut = new ChangeFanOut(logger);
    this.clock = options.clock ?? (() => new Date());
    this.transaction = db.transaction((ops: readonly EncodedOp[], now: string) => this.applyOps(ops, now));
  }

  /**
   * Open (creating when missing) `<dataDir>/portico.db`, configure durability, migrate the schema
   * and read the table once. The store is fully loaded when this resolves: the runtime may mark
   * the store ready right away (ready() resolves at once, for parity with remote stores).
   * Any failure (unreadable or corrupted file, newer schema) rejects with StoreUnavailableError.
   */
  static async open(options: SqliteStoreOptions): Promise<SqliteStore> {
    const logger = (options.logger ?? pino()).child({ module: 'store' });
    const file = path.join(options.dataDir, DB_FILE_NAME);
    let db: Database.Database | undefined;
    try {
      mkdirSync(options.dataDir, { recursive: true });
      db = new Database(file, { timeout: options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS });
      configureConnection(db);
      const schemaVersion = migrate(db);
      const { count } = db.prepare(SQL.countResources).get() as { count: number };
      logger.info({ file, schemaVersion, resources: count }, 'SQLite store loaded');
      return new SqliteStore(db, file, options, logger);
    } catch (err) {
      db?.close();
      throw new StoreUnavailableError(`open SQLite store ${file}: ${messageOf(err)}`, { cause: err });
    }
  }

  /** Resolves once the store has loaded its data; open() already did, so this resolves at once. */
  async ready(): Promise<void> {
    this.assertOpen();
  }

  /** Look one resource up. */
  async get<K extends Kind>(key: ResourceKey & { kind: K }): Promise<StoredResource<K> | undefined> {
    return this.guard(`get ${describeKey(key)}`, () => {
      const row = this.statements.get.get(key.kind, key.mesh, key.name) as ResourceRow | undefined;
      return row && (rowToStored(row) as StoredResource<K>);
    });
  }

  /** All resources of a kind, sorted by (mesh, name); never a partial list (throws instead). */
  async list<K extends Kind>(kind: K, options?: ListOptions): Promise<StoredResource<K>[]> {
    const mesh = isGlobalKind(kind) ? undefined : options?.mesh;
    return this.guard(`list ${kind}`, () => {
      const rows = (
        mesh === undefined ? this.statements.listKind.all(kind) : this.statements.listMesh.all(kind, mesh)
      ) as ResourceRow[];
      return rows.map((row) => rowToStored(row) as StoredResource<K>);
    });
  }

  /** Create or update one resource. */
  async put<K extends Kind>(resource: ResourceInput<K>, options?: WriteOptions): Promise<StoredResource<K>> {
    const [stored] = this.write([{ op: 'put', resource, ...(options ? { options } : {}) }], `put ${describeKey(resource)}`).stored;
    return stored as StoredResource<K>;
  }

  /** Delete one resource; false when it did not exist. */
  async delete(key: ResourceKey, options?: WriteOptions): Promise<boolean> {
    const op: WriteOp = { op: 'delete', key, ...(options ? { options } : {}) };
    return this.write([op], `delete ${describeKey(key)}`).events.length > 0;
  }

  /** Apply every op or none, in one IMMEDIATE transaction. */
  async commit(ops: readonly WriteOp[]): Promise<StoredResource[]> {
    return this.write(ops, `commit of ${ops.length} ops`).stored;
  }

  /** Subscribe to committed changes. */
  watch(listener: (event: ChangeEvent) => void): () => void {
    return this.fanOut.watch(listener);
  }

  /** Close the database (checkpointing the WAL); later calls fail with StoreUnavailableError. Idempotent. */
  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }

  private write(ops: readonly WriteOp[], action: string): Applied {
    this.assertOpen();
    if (this.fanOut.isEmitting) throw new Error('store write from inside a watcher: watchers must not write to the store');
    // Validate and encode before the transaction: a bad input fails without touching the file.
    const encoded = ops.map(encodeOp);
    const now = this.clock().toISOString();
    // IMMEDIATE takes the write lock up front, so the precondition reads and the writes of one
    // commit see no other connection's changes in between.
    const applied = this.guard(action, () => this.transaction.immediate(encoded, now));
    this.fanOut.emit(applied.events);
    return applied;
  }

  // Runs inside the transaction; a thrown ConflictError rolls every earlier op back.
  private applyOps(ops: readonly EncodedOp[], now: string): Applied {
    const applied: Applied = { stored: [], events: [] };
    for (const op of ops) {
      if (op.op === 'put') {
        const stored = this.putRow(op.resource, op.options, now);
        applied.stored.push(stored);
        applied.events.push({ type: 'put', key: frozenKey(stored), resource: stored });
      } else {
        const previous = this.deleteRow(op.key, op.expectedVersion);
        if (previous) applied.events.push({ type: 'delete', key: frozenKey(previous), resource: previous });
      }
    }
    return applied;
  }

  private putRow(resource: EncodedResource, options: WriteOptions | undefined, now: string): StoredResource {
    this.checkPrecondition(resource.key, options);
    const { kind, mesh, name } = resource.key;
    const result = this.statements.upsert.get(kind, mesh, name, resource.spec, resource.labels, now, now) as UpsertResult;
    return buildStored(resource.key, {
      spec: decodeJson(resource.spec),
      labels: resource.labels === null ? undefined : decodeJson(resource.labels),
      version: String(result.version),
      creationTime: result.creation_time,
      modificationTime: now,
    });
  }

  private deleteRow(key: ResourceKey, expectedVersion: string | undefined): StoredResource | undefined {
    if (expectedVersion !== undefined) this.checkPrecondition(key, { expectedVersion });
    const row = this.statements.delete.get(key.kind, key.mesh, key.name) as ResourceRow | undefined;
    return row && rowToStored(row);
  }

  // The common unconditional put skips this read and costs one statement.
  private checkPrecondition(key: ResourceKey, options: WriteOptions | undefined): void {
    if (options?.expectedVersion === undefined && !options?.mustCreate) return;
    const row = this.statements.getVersion.get(key.kind, key.mesh, key.name) as { version: number | string } | undefined;
    const conflict = preconditionConflict(key, options, row === undefined ? undefined : String(row.version));
    if (conflict) throw conflict;
  }

  // Every failure of SQLite itself (I/O error, disk full, corruption, lock timeout) becomes
  // StoreUnavailableError (REST 503); conflicts pass through untouched (REST 409).
  private guard<T>(action: string, run: () => T): T {
    this.assertOpen();
    try {
      return run();
    } catch (err) {
      if (err instanceof ConflictError) throw err;
      throw new StoreUnavailableError(`SQLite store: ${action} failed: ${messageOf(err)}`, { cause: err });
    }
  }

  private assertOpen(): void {
    if (!this.db.open) throw new StoreUnavailableError(`SQLite store ${this.file} is closed`);
  }
}

function prepareStatements(db: Database.Database): Statements {
  return {
    get: db.prepare(SQL.get),
    getVersion: db.prepare(SQL.getVersion),
    listKind: db.prepare(SQL.listKind),
    listMesh: db.prepare(SQL.listMesh),
    upsert: db.prepare(SQL.upsert),
    delete: db.prepare(SQL.delete),
  };
}

function rowToStored(row: ResourceRow): StoredResource {
  const key = { kind: row.kind as Kind, mesh: row.mesh, name: row.name };
  return buildStored(key, {
    spec: decodeJson(row.spec),
    labels: row.labels === null ? undefined : decodeJson(row.labels),
    version: String(row.version),
    creationTime: row.creation_time,
    modificationTime: row.modification_time,
  });
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
