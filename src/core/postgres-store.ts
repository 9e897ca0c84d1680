// The Postgres store, for several control-plane replicas sharing one database (docs/postgres-store.md).
// Each replica holds every resource in memory and applies the database's change log to it in
// revision order: LISTEN/NOTIFY says when there is something new, a periodic poll covers a lost
// notification, and a replica that lost its connection resumes from the last revision it applied
// (or reloads everything when the log was pruned past it). Reads are served from memory; a write
// commits in Postgres, then applies every change up to its own revision before its promise
// resolves, so a replica reads its own writes and its watchers see one order on every replica.
import { pino, type Logger } from 'pino';
import pg from 'pg';
import type { Kind, ResourceInput, ResourceKey, StoredResource } from './resource.js';
import { isGlobalKind } from '../api/resource-kinds.js';
import { CHANGES_CHANNEL, PG_SQL, migratePostgres, type ChangeRow } from './postgres-schema.js';
import { ChangeFanOut } from './store-events.js';
import {
  buildStored,
  compareByMeshName,
  decodeJson,
  describeKey,
  encodeOp,
  frozenKey,
  keyId,
  preconditionConflict,
  type EncodedOp,
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

/** Options of PostgresStore.open(). */
export interface PostgresStoreOptions {
  /** Where and how to connect (pg's client options: host, port, user, password, database, ssl...). */
  readonly connection: pg.ClientConfig;
  /** Pool size of the writer connections (the listener has one more). Default 10. */
  readonly maxConnections?: number;
  /** Parent logger; the store logs under `module: postgres-store`. */
  readonly logger?: Logger;
  /** Source of creation and modification times (tests pin it). */
  readonly clock?: () => Date;
  /** How often the change log is read even without a notification. Default 5 s. */
  readonly pollIntervalMs?: number;
  /** Revisions of the change log kept for replicas that fall behind. Default 10,000. */
  readonly retainRevisions?: number;
  /** First delay before the listener reconnects; doubles up to 10 s. Default 250 ms. */
  readonly reconnectDelayMs?: number;
}

/** What the feed reports (the diagnostics and /ready read it). */
export interface PostgresFeedStatus {
  /** Whether the LISTEN connection is up. */
  readonly listening: boolean;
  /** The last revision applied to memory. */
  readonly revision: number;
}

/** A ResourceStore in PostgreSQL, shared by every replica pointed at the same database. */
export class PostgresStore implements ResourceStore {
  /** Every commit is one transaction. */
  readonly atomicCommit: boolean = true;
  private readonly byKind = new Map<string, Map<string, StoredResource>>();
  private readonly fanOut: ChangeFanOut;
  private readonly clock: () => Date;
  private revision = 0;
  private closed = false;
  private listener: pg.Client | undefined;
  private listening = false;
  private pollTimer: NodeJS.Timeout | undefined;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private reconnectDelay: number;
  private catchingUp: Promise<void> | undefined;
  private catchUpAgain = false;
  private lastFeedError = '';

  private constructor(
    private readonly pool: pg.Pool,
    private readonly options: PostgresStoreOptions,
    private readonly logger: Logger,
  ) {
    this.fanOut = new ChangeFanOut(logger);
    this.clock = options.clock ?? (() => new Date());
    this.reconnectDelay = options.reconnectDelayMs ?? 250;
  }

  /**
   * Connect, migrate the schema, start listening, then load every resource. Resolves once loaded;
   * any failure (unreachable server, bad credentials, newer schema) rejects with
   * StoreUnavailableError and leaves no connection open.
   */
  static async open(options: PostgresStoreOptions): Promise<PostgresStore> {
    const logger = (options.logger ?? pino()).child({ module: 'postgres-store' });
    const pool = new pg.Pool({ ...options.connection, max: options.maxConnections ?? 10 });
    // An idle pooled connection that breaks emits here; without a listener the process would exit.
    pool.on('error', (err) => logger.warn({ reason: err.message }, 'an idle Postgres connection broke; the pool replaces it'));
    const store = new PostgresStore(pool, options, logger);
    try {
      const client = await pool.connect();
      try {
        const schemaVersion = await migratePostgres(client);
        logger.debug({ schemaVersion }, 'Postgres schema ready');
      } finally {
        client.release();
      }
      await store.listen();
      await store.reload();
      logger.info({ ...describeTarget(options.connection), revision: store.revision, resources: store.count() }, 'Postgres store loaded');
      store.schedulePoll();
      return store;
    } catch (err) {
      await store.close();
      throw new StoreUnavailableError(`open Postgres store ${describeTargetText(options.connection)}: ${messageOf(err)}`, { cause: err });
    }
  }

  /** Resolves once loaded; open() already loaded everything. */
  async ready(): Promise<void> {
    this.assertOpen();
  }

  /** Whether changes are arriving, and up to which revision memory holds. */
  feedStatus(): PostgresFeedStatus {
    return { listening: this.listening, revision: this.revision };
  }

  async get<K extends Kind>(key: ResourceKey & { kind: K }): Promise<StoredResource<K> | undefined> {
    this.assertOpen();
    return this.byKind.get(key.kind)?.get(keyId(key)) as StoredResource<K> | undefined;
  }

  /** All resources of a kind, sorted by (mesh, name). */
  async list<K extends Kind>(kind: K, options?: ListOptions): Promise<StoredResource<K>[]> {
    this.assertOpen();
    const mesh = isGlobalKind(kind) ? undefined : options?.mesh;
    const found: StoredResource[] = [];
    for (const row of this.byKind.get(kind)?.values() ?? []) if (mesh === undefined || row.mesh === mesh) found.push(row);
    return found.sort(compareByMeshName) as StoredResource<K>[];
  }

  async put<K extends Kind>(resource: ResourceInput<K>, options?: WriteOptions): Promise<StoredResource<K>> {
    const { stored } = await this.write([{ op: 'put', resource, ...(options ? { options } : {}) }], `put ${describeKey(resource)}`);
    return stored[0] as StoredResource<K>;
  }

  async delete(key: ResourceKey, options?: WriteOptions): Promise<boolean> {
    const op: WriteOp = { op: 'delete', key, ...(options ? { options } : {}) };
    return (await this.write([op], `delete ${describeKey(key)}`)).changed > 0;
  }

  /** Apply every op or none, in one transaction. */
  async commit(ops: readonly WriteOp[]): Promise<StoredResource[]> {
    return (await this.write(ops, `commit of ${ops.length} ops`)).stored;
  }

  watch(listener: (event: ChangeEvent) => void): () => void {
    return this.fanOut.watch(listener);
  }

  /** Stop listening and close every connection; later calls fail with StoreUnavailableError. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.pollTimer);
    clearTimeout(this.reconnectTimer);
    const listener = this.listener;
    this.listener = undefined;
    this.listening = false;
    await listener?.end().catch(() => undefined);
    await this.pool.end().catch(() => undefined);
  }

  // ---- writes ----

  private async write(ops: readonly WriteOp[], action: string): Promise<{ stored: StoredResource[]; changed: number }> {
    this.assertOpen();
    if (this.fanOut.isEmitting) throw new Error('store write from inside a watcher: watchers must not write to the store');
    // Validate and encode before the transaction: a bad input fails without a round trip.
    const encoded = ops.map(encodeOp);
    if (encoded.length === 0) return { stored: [], changed: 0 };
    const now = this.clock().toISOString();
    const client = await this.connect(action);
    let outcome: { missed: ChangeRow[]; mine: ChangeRow[] } | undefined;
    try {
      outcome = await this.transaction(client, encoded, now);
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      client.release(err instanceof ConflictError ? undefined : toError(err));
      if (err instanceof ConflictError) throw err;
      throw new StoreUnavailableError(`Postgres store: ${action} failed: ${messageOf(err)}`, { cause: err });
    }
    client.release();
    if (outcome.mine.length > 0) this.apply([...outcome.missed, ...outcome.mine]);
    return { stored: storedOfPuts(outcome.mine), changed: outcome.mine.length };
  }

  // The whole write, inside BEGIN ... COMMIT. Rolls back (storing nothing, spending no revision)
  // when nothing would change, so every committed revision has at least one change row.
  private async transaction(client: pg.PoolClient, ops: readonly EncodedOp[], now: string): Promise<{ missed: ChangeRow[]; mine: ChangeRow[] }> {
    const known = this.revision;
    await client.query('BEGIN');
    const revision = Number((await client.query<{ revision: string }>(PG_SQL.nextRevision)).rows[0]!.revision);
    const mine: ChangeRow[] = [];
    for (const op of ops) {
      const key = op.op === 'put' ? op.resource.key : op.key;
      const options = op.op === 'put' ? op.options : op.expectedVersion === undefined ? undefined : { expectedVersion: op.expectedVersion };
      if (options?.expectedVersion !== undefined || options?.mustCreate) {
        const { rows } = await client.query<{ version: string }>(PG_SQL.getVersion, [key.kind, key.mesh, key.name]);
        const conflict = preconditionConflict(key, options, rows[0]?.version);
        if (conflict) throw conflict;
      }
      const { rows } = op.op === 'put'
        ? await client.query<ChangeRow>(PG_SQL.put, [key.kind, key.mesh, key.name, op.resource.spec, op.resource.labels, now, revision, mine.length])
        : await client.query<ChangeRow>(PG_SQL.delete, [key.kind, key.mesh, key.name, revision, mine.length]);
      mine.push(...rows);
    }
    if (mine.length === 0) {
      await client.query('ROLLBACK');
      return { missed: [], mine };
    }
    // Under the revision lock every earlier revision is committed: read the ones this replica has
    // not applied yet, so that it applies them before its own.
    const missed = (await client.query<ChangeRow>(PG_SQL.changesBetween, [known, revision])).rows;
    const retain = this.options.retainRevisions ?? 10_000;
    if (revision % 100 === 0 && revision > retain) await client.query(PG_SQL.prune, [revision - retain]);
    await client.query(PG_SQL.notify, [String(revision)]);
    await client.query('COMMIT');
    return { missed, mine };
  }

  private async connect(action: string): Promise<pg.PoolClient> {
    try {
      return await this.pool.connect();
    } catch (err) {
      throw new StoreUnavailableError(`Postgres store: ${action} failed: cannot connect: ${messageOf(err)}`, { cause: err });
    }
  }

  // ---- the change feed ----

  // Applies changes in revision order: those at or below the applied revision are skipped; a gap
  // (the log was pruned past this replica) triggers a reload instead.
  private apply(rows: readonly ChangeRow[]): void {
    const events: ChangeEvent[] = [];
    for (const [i, row] of rows.entries()) {
      const revision = Number(row.revision);
      if (revision <= this.revision) continue;
      if (revision !== this.revision + 1 && row.seq === 0) {
        this.emitAll(events);
        void this.reloadQuietly(`change log resumes at revision ${revision}, after ${this.revision}`);
        return;
      }
      const stored = rowToStored(row);
      const rowsOfKind = this.rowsOf(stored.kind);
      if (row.type === 'put') rowsOfKind.set(keyId(stored), stored);
      else rowsOfKind.delete(keyId(stored));
      events.push({ type: row.type, key: frozenKey(stored), resource: stored });
      // A revision is applied with its last row; the rows of one revision always arrive together.
      if (rows[i + 1]?.revision !== row.revision) this.revision = revision;
    }
    this.emitAll(events);
  }

  private emitAll(events: readonly ChangeEvent[]): void {
    this.fanOut.emit(events);
  }

  /** Reads the log past the applied revision; single-flight (a call meanwhile runs once after). */
  private catchUp(): Promise<void> {
    if (this.catchingUp) {
      this.catchUpAgain = true;
      return this.catchingUp;
    }
    this.catchingUp = (async () => {
      try {
        do {
          this.catchUpAgain = false;
          const { rows } = await this.pool.query<ChangeRow>(PG_SQL.changesAfter, [this.revision]);
          if (!this.closed) this.apply(rows);
        } while (this.catchUpAgain && !this.closed);
        this.feedRecovered();
      } catch (err) {
        this.feedFailed(err);
      } finally {
        this.catchingUp = undefined;
      }
    })();
    return this.catchingUp;
  }

  // Loads every resource and the head revision in one snapshot and turns the difference from
  // memory into events. Skipped when memory already moved past the snapshot meanwhile.
  private async reload(): Promise<void> {
    const client = await this.pool.connect();
    let head: number;
    let rows: ChangeRow[];
    try {
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      head = Number((await client.query<{ revision: string }>(PG_SQL.head)).rows[0]!.revision);
      rows = (await client.query<ChangeRow>(PG_SQL.all)).rows;
      await client.query('COMMIT');
      client.release();
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      client.release(toError(err));
      throw err;
    }
    if (this.closed || head < this.revision) return;
    const next = new Map<string, Map<string, StoredResource>>();
    for (const row of rows) {
      const stored = rowToStored(row);
      if (!next.has(stored.kind)) next.set(stored.kind, new Map());
      next.get(stored.kind)!.set(keyId(stored), stored);
    }
    const events = diff(this.byKind, next);
    this.byKind.clear();
    for (const [kind, rowsOfKind] of next) this.byKind.set(kind, rowsOfKind);
    this.revision = head;
    this.emitAll(events);
  }

  private async reloadQuietly(reason: string): Promise<void> {
    this.logger.warn({ reason, revision: this.revision }, 'reloading every resource from Postgres');
    try {
      await this.reload();
    } catch (err) {
      this.feedFailed(err);
    }
  }

  private async listen(): Promise<void> {
    const client = new pg.Client(this.options.connection);
    client.on('error', (err) => this.listenerLost(client, err));
    client.on('end', () => this.listenerLost(client, new Error('connection ended')));
    client.on('notification', (message) => {
      if (message.channel === CHANGES_CHANNEL && Number(message.payload) > this.revision) void this.catchUp();
    });
    this.listener = client;
    await client.connect();
    await client.query(`LISTEN ${CHANGES_CHANNEL}`);
    this.listening = true;
  }

  private listenerLost(client: pg.Client, err: Error): void {
    if (this.listener !== client || this.closed) return;
    this.listener = undefined;
    this.listening = false;
    void client.end().catch(() => undefined);
    this.feedFailed(err);
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.closed) return;
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = setTimeout(() => void this.reconnect(), this.reconnectDelay);
    this.reconnectTimer.unref();
    this.reconnectDelay = Math.min(this.reconnectDelay * 2, 10_000);
  }

  // Listen again first, then read the log: nothing committed in between can be missed.
  private async reconnect(): Promise<void> {
    if (this.closed) return;
    try {
      await this.listen();
      this.reconnectDelay = this.options.reconnectDelayMs ?? 250;
      await this.catchUp();
    } catch (err) {
      const client = this.listener;
      this.listener = undefined;
      this.listening = false;
      void client?.end().catch(() => undefined);
      this.feedFailed(err);
      this.scheduleReconnect();
    }
  }

  private schedulePoll(): void {
    if (this.closed) return;
    this.pollTimer = setTimeout(() => {
      void this.catchUp().finally(() => this.schedulePoll());
    }, this.options.pollIntervalMs ?? 5_000);
    this.pollTimer.unref();
  }

  // Logged once per distinct failure, not once per retry.
  private feedFailed(err: unknown): void {
    if (this.closed) return;
    const reason = messageOf(err);
    if (reason !== this.lastFeedError) this.logger.warn({ reason, revision: this.revision }, 'Postgres change feed interrupted; reads serve the last applied revision');
    this.lastFeedError = reason;
  }

  private feedRecovered(): void {
    if (this.lastFeedError === '' || !this.listening) return;
    this.lastFeedError = '';
    this.logger.info({ revision: this.revision }, 'Postgres change feed resumed');
  }

  private rowsOf(kind: string): Map<string, StoredResource> {
    let rows = this.byKind.get(kind);
    if (!rows) this.byKind.set(kind, (rows = new Map()));
    return rows;
  }

  private count(): number {
    let n = 0;
    for (const rows of this.byKind.values()) n += rows.size;
    return n;
  }

  private assertOpen(): void {
    if (this.closed) throw new StoreUnavailableError('Postgres store is closed');
  }
}

function rowToStored(row: Omit<ChangeRow, 'revision' | 'seq' | 'type'>): StoredResource {
  return buildStored({ kind: row.kind as Kind, mesh: row.mesh, name: row.name }, {
    spec: decodeJson(row.spec),
    labels: row.labels === null ? undefined : decodeJson(row.labels),
    version: String(row.version),
    creationTime: row.creation_time,
    modificationTime: row.modification_time,
  });
}

function storedOfPuts(rows: readonly ChangeRow[]): StoredResource[] {
  return rows.filter((row) => row.type === 'put').map(rowToStored);
}

// Events that turn `before` into `after`: deletions first, then puts, each sorted by key.
function diff(before: ReadonlyMap<string, ReadonlyMap<string, StoredResource>>, after: ReadonlyMap<string, ReadonlyMap<string, StoredResource>>): ChangeEvent[] {
  const deletes: ChangeEvent[] = [];
  const puts: ChangeEvent[] = [];
  for (const [kind, rows] of before) {
    for (const [id, stored] of rows) if (!after.get(kind)?.has(id)) deletes.push({ type: 'delete', key: frozenKey(stored), resource: stored });
  }
  for (const [kind, rows] of after) {
    for (const [id, stored] of rows) {
      const previous = before.get(kind)?.get(id);
      if (previous?.version !== stored.version || previous.modificationTime !== stored.modificationTime || previous.creationTime !== stored.creationTime) puts.push({ type: 'put', key: frozenKey(stored), resource: stored });
    }
  }
  const byKey = (a: ChangeEvent, b: ChangeEvent) => (keyId(a.key) < keyId(b.key) ? -1 : keyId(a.key) > keyId(b.key) ? 1 : 0);
  return [...deletes.sort(byKey), ...puts.sort(byKey)];
}

/** Host, port, database and user of a connection, never its password (for logs and errors). */
export function describeTarget(connection: pg.ClientConfig): { host: string; port: number; database: string; user: string } {
  if (connection.connectionString) {
    const url = new URL(connection.connectionString);
    return { host: url.hostname, port: Number(url.port || 5432), database: url.pathname.slice(1), user: decodeURIComponent(url.username) };
  }
  return { host: connection.host ?? '', port: connection.port ?? 5432, database: connection.database ?? '', user: connection.user ?? '' };
}

function describeTargetText(connection: pg.ClientConfig): string {
  const t = describeTarget(connection);
  return `${t.user}@${t.host}:${t.port}/${t.database}`;
}

function toError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
