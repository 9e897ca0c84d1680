// Leader election of control-plane replicas that share a Postgres store (docs/postgres-store.md,
// "Leader"): one row of `leader_lease` per election, taken and renewed with one conditional upsert,
// so two candidates can never both hold it. Expiry is decided by the database's clock (`now()`),
// never by comparing the replicas' clocks. The shape follows the Kubernetes Lease election
// (src/k8s/leader-election.ts): every `retryPeriodMs` a candidate tries to take or renew the lease
// for `leaseDurationMs`; a leader that has not renewed for `renewDeadlineMs` (< the duration) steps
// down before anyone else may take over; stop() releases a held lease at once.
//
// The renew deadline is kept by a timer of its own, not by the renewal query: a renewal that hangs
// (a locked row, a silent network) never errors, and the leader must still stop acting before the
// lease it can no longer prove it holds expires. The query is left running (aborting it would fail
// a renewal that was merely slow); if it comes back renewed, the next round leads again. A renewal
// counts from when it was sent, since the database may have stamped it any time after.
import type { Logger } from 'pino';
import pg from 'pg';
import { DEFAULT_LEADER_ELECTION, type LeaderElection, type LeaderElectionOptions } from '../k8s/leader-election.js';

/** Options of startPostgresLeaderElection: the Kubernetes election's, with a connection for the Lease. */
export type PostgresLeaderElectionOptions = Omit<LeaderElectionOptions, 'kubeConfig' | 'namespace'> & { readonly connection: pg.ClientConfig };

// Takes the lease when free, expired or already ours; RETURNING says whether it is ours now.
const TAKE = `INSERT INTO leader_lease (name, holder, acquired_at, renewed_at, expires_at, transitions)
  VALUES ($1, $2, now(), now(), now() + $3 * interval '1 millisecond', 0)
  ON CONFLICT (name) DO UPDATE SET
    holder = excluded.holder,
    acquired_at = CASE WHEN leader_lease.holder = excluded.holder THEN leader_lease.acquired_at ELSE now() END,
    renewed_at = now(),
    expires_at = excluded.expires_at,
    transitions = leader_lease.transitions + CASE WHEN leader_lease.holder = excluded.holder THEN 0 ELSE 1 END
  WHERE leader_lease.holder = excluded.holder OR leader_lease.expires_at < now()
  RETURNING holder`;
const HOLDER = 'SELECT holder FROM leader_lease WHERE name = $1 AND expires_at >= now()';
const RELEASE = 'UPDATE leader_lease SET expires_at = now() - interval \'1 millisecond\' WHERE name = $1 AND holder = $2';

/** Starts campaigning; the store must have migrated the schema (PostgresStore.open did). */
export function startPostgresLeaderElection(options: PostgresLeaderElectionOptions): LeaderElection {
  return new PostgresElector(options);
}

class PostgresElector implements LeaderElection {
  private readonly pool: pg.Pool;
  private readonly logger: Logger;
  private readonly leaseDurationMs: number;
  private readonly renewDeadlineMs: number;
  private readonly retryPeriodMs: number;
  private leading = false;
  private stopped = false;
  private lastHolder = '';
  private renewedAt = 0;
  private timer: NodeJS.Timeout | undefined;
  private deadline: NodeJS.Timeout | undefined;
  private steppingDown: Promise<void> = Promise.resolve();
  private running: Promise<void> = Promise.resolve();
  private lastError = '';

  constructor(private readonly options: PostgresLeaderElectionOptions) {
    this.logger = options.logger.child({ module: 'leader-election', lease: options.name, identity: options.identity });
    this.leaseDurationMs = options.leaseDurationMs ?? DEFAULT_LEADER_ELECTION.leaseDurationMs;
    this.renewDeadlineMs = options.renewDeadlineMs ?? DEFAULT_LEADER_ELECTION.renewDeadlineMs;
    this.retryPeriodMs = options.retryPeriodMs ?? DEFAULT_LEADER_ELECTION.retryPeriodMs;
    if (!(this.renewDeadlineMs < this.leaseDurationMs)) throw new Error('leader election: the renew deadline must be shorter than the lease duration');
    this.pool = new pg.Pool({ ...options.connection, max: 1 });
    this.pool.on('error', (err) => this.logger.warn({ reason: err.message }, 'the leader election connection broke; it reconnects'));
    this.schedule(0);
  }

  isLeader(): boolean {
    return this.leading;
  }

  holder(): string {
    return this.leading ? this.options.identity : this.lastHolder;
  }

  async stop(): Promise<void> {
    if (this.stopped) return this.running;
    this.stopped = true;
    clearTimeout(this.timer);
    clearTimeout(this.deadline);
    await this.running;
    await this.steppingDown;
    if (this.leading) {
      await this.stepDown('stopping');
      await this.pool.query(RELEASE, [this.options.name, this.options.identity]).catch((err: unknown) => this.logger.warn({ reason: (err as Error).message }, 'could not release the lease; it expires on its own'));
    }
    await this.pool.end().catch(() => undefined);
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.round().finally(() => this.schedule(this.retryPeriodMs));
    }, delayMs);
    this.timer.unref();
  }

  private async round(): Promise<void> {
    try {
      const sentAt = Date.now();
      const { rows } = await this.pool.query<{ holder: string }>(TAKE, [this.options.name, this.options.identity, this.leaseDurationMs]);
      this.lastError = '';
      if (rows.length > 0) {
        // Renewed, but perhaps too long ago to be sure of the rest of the lease: the next round tells.
        if (Date.now() - sentAt >= this.renewDeadlineMs || this.stopped) return;
        this.renewedAt = sentAt;
        this.armDeadline();
        if (!this.leading) {
          // A step-down by the deadline timer finishes before the leader's work starts again.
          await this.steppingDown;
          if (this.stopped) return;
          this.leading = true;
          this.logger.info('became the leader');
          this.options.onStartedLeading();
        }
        return;
      }
      const current = await this.pool.query<{ holder: string }>(HOLDER, [this.options.name]);
      const holder = current.rows[0]?.holder ?? '';
      if (holder !== this.lastHolder) this.logger.info({ holder }, 'another replica leads');
      this.lastHolder = holder;
      if (this.leading) await this.stepDown(`the lease is held by ${holder}`);
    } catch (err) {
      const reason = (err as Error).message;
      if (reason !== this.lastError) this.logger.warn({ reason }, 'cannot reach the lease');
      this.lastError = reason;
      // Give up leadership before the lease can expire and be taken by another replica.
      if (this.leading && Date.now() - this.renewedAt >= this.renewDeadlineMs) await this.stepDown('could not renew the lease within the renew deadline');
    }
  }

  /** Steps down when no renewal sent since the last one succeeded within the renew deadline. */
  private armDeadline(): void {
    clearTimeout(this.deadline);
    this.deadline = setTimeout(() => {
      if (this.leading && Date.now() - this.renewedAt >= this.renewDeadlineMs) this.steppingDown = this.stepDown('could not renew the lease within the renew deadline');
    }, this.renewedAt + this.renewDeadlineMs - Date.now());
    this.deadline.unref();
  }

  private async stepDown(reason: string): Promise<void> {
    if (!this.leading) return;
    this.leading = false;
    clearTimeout(this.deadline);
    this.logger.warn({ reason }, 'stopped leading');
    try {
      await this.options.onStoppedLeading();
    } catch (err) {
      this.logger.error({ err }, 'stepping down failed');
    }
  }
}
