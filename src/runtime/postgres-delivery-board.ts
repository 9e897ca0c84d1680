// The shared delivery board (shared-delivery.ts) in the Postgres store's database (tables
// `delivery_replicas` and `proxy_delivery`, schema v3, migrated by the store). Liveness is judged
// by the database's clock (`now()`), as the leader lease is, so replicas' clocks need not agree.
// A reader keeps each replica's entries with the revision they were read at and re-reads a
// replica only when its revision moved: a steady mesh costs one small query per tick.
import pg from 'pg';
import { preferred, sharedProxyFromJson, sharedProxyToJson, type DeliveryBoard, type DeliveryPublication, type SharedProxy } from './shared-delivery.js';

/** Longest a board query (and a connection attempt, unless configured) may take. */
const QUERY_TIMEOUT_MS = 10_000;

/** A replica silent this long is removed from the board with its entries (they were long ignored). */
const FORGET_AFTER = "interval '1 hour'";

// A new row starts its revision at the clock in microseconds, so a replica that comes back under
// the same name never repeats a revision a reader cached from its previous run.
const HEARTBEAT = `INSERT INTO delivery_replicas (replica, heartbeat_at, revision)
  VALUES ($1, now(), (extract(epoch from clock_timestamp()) * 1000000)::bigint)
  ON CONFLICT (replica) DO UPDATE SET heartbeat_at = now(), revision = delivery_replicas.revision + $2`;
const UPSERT = `INSERT INTO proxy_delivery (replica, node_id, delivery)
  SELECT $1, node_id, delivery FROM unnest($2::text[], $3::text[]) AS t (node_id, delivery)
  ON CONFLICT (replica, node_id) DO UPDATE SET delivery = excluded.delivery`;
const REMOVE = 'DELETE FROM proxy_delivery WHERE replica = $1 AND node_id = ANY($2::text[])';
const FORGET = `DELETE FROM delivery_replicas WHERE heartbeat_at < now() - ${FORGET_AFTER}`;
const LIVE = `SELECT replica, revision FROM delivery_replicas
  WHERE replica <> $1 AND heartbeat_at >= now() - $2 * interval '1 millisecond' ORDER BY replica`;
const ENTRIES = 'SELECT node_id, delivery FROM proxy_delivery WHERE replica = $1';
const WITHDRAW = 'DELETE FROM delivery_replicas WHERE replica = $1';

/** Options of PostgresDeliveryBoard. */
export interface PostgresDeliveryBoardOptions {
  readonly connection: pg.ClientConfig;
}

/** The board over one connection of its own (a publication is one short transaction per tick). */
export class PostgresDeliveryBoard implements DeliveryBoard {
  private readonly pool: pg.Pool;
  private readonly cached = new Map<string, { revision: string; entries: ReadonlyMap<string, SharedProxy> }>();

  constructor(options: PostgresDeliveryBoardOptions) {
    // A tick never waits on a stuck server for long: the query fails, and the next tick retries.
    this.pool = new pg.Pool({ connectionTimeoutMillis: QUERY_TIMEOUT_MS, ...options.connection, query_timeout: QUERY_TIMEOUT_MS, max: 1 });
    // A broken idle connection is replaced on the next query; the caller logs failed ticks.
    this.pool.on('error', () => undefined);
  }

  async publish(replica: string, publication: DeliveryPublication): Promise<void> {
    const changed = publication.upserts.size > 0 || publication.removals.length > 0;
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      await client.query(HEARTBEAT, [replica, changed ? 1 : 0]);
      if (publication.upserts.size > 0) {
        const ids = [...publication.upserts.keys()];
        await client.query(UPSERT, [replica, ids, ids.map((id) => sharedProxyToJson(publication.upserts.get(id)!))]);
      }
      if (publication.removals.length > 0) await client.query(REMOVE, [replica, publication.removals]);
      await client.query(FORGET);
      await client.query('COMMIT');
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }

  async readOthers(replica: string, staleAfterMs: number): Promise<ReadonlyMap<string, SharedProxy>> {
    const { rows } = await this.pool.query<{ replica: string; revision: string }>(LIVE, [replica, staleAfterMs]);
    const live = new Set(rows.map((r) => r.replica));
    for (const name of [...this.cached.keys()]) if (!live.has(name)) this.cached.delete(name);
    const merged = new Map<string, SharedProxy>();
    for (const row of rows) {
      let entry = this.cached.get(row.replica);
      if (entry?.revision !== row.revision) {
        const read = await this.pool.query<{ node_id: string; delivery: string }>(ENTRIES, [row.replica]);
        entry = { revision: row.revision, entries: new Map(read.rows.map((r) => [r.node_id, sharedProxyFromJson(r.delivery)])) };
        this.cached.set(row.replica, entry);
      }
      for (const [nodeId, delivery] of entry.entries) merged.set(nodeId, preferred(merged.get(nodeId), delivery));
    }
    return merged;
  }

  async withdraw(replica: string): Promise<void> {
    await this.pool.query(WITHDRAW, [replica]);
  }

  async close(): Promise<void> {
    await this.pool.end().catch(() => undefined);
  }
}
