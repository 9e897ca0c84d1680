// Leader election over the Postgres store's lease row, against the real PostgreSQL server of the
// tests: exactly one leader among candidates, hand-over on stop at once, and a leader that loses
// its database steps down within the renew deadline. (A leader killed with -9 is in
// test/e2e/cp-run-postgres.test.ts.)
import pg from 'pg';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/support/postgres.js';
import { eventually } from '../../test/support/processes.js';
import { PostgresStore } from '../core/postgres-store.js';
import type { LeaderElection } from '../k8s/leader-election.js';
import { startPostgresLeaderElection } from './postgres-leader-election.js';

const logger = pino({ level: 'silent' });
let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
  // The store migrates the schema, the lease table included.
  await (await PostgresStore.open({ connection: { connectionString: db.url }, logger })).close();
}, 60_000);
afterAll(async () => {
  await db?.drop();
});

const elections: LeaderElection[] = [];
afterEach(async () => {
  for (const e of elections.splice(0)) await e.stop();
});

function candidate(identity: string, log: string[], connection: pg.ClientConfig = { connectionString: db.url }): LeaderElection {
  const e = startPostgresLeaderElection({
    connection,
    name: `lease-${expect.getState().currentTestName?.length ?? 0}`,
    identity,
    logger,
    leaseDurationMs: 1_500,
    renewDeadlineMs: 1_000,
    retryPeriodMs: 150,
    onStartedLeading: () => log.push(`${identity} leads`),
    onStoppedLeading: () => void log.push(`${identity} stops`),
  });
  elections.push(e);
  return e;
}

describe('leader election on the Postgres store', () => {
  it('elects exactly one of three candidates, which every candidate names, and hands over at once on stop', async () => {
    const log: string[] = [];
    const all = ['a', 'b', 'c'].map((id) => candidate(id, log));
    await eventually(async () => all.filter((e) => e.isLeader()).length === 1 && all.every((e) => e.holder() !== ''), 5_000, 'one leader');
    // Several rounds later there is still exactly one, and nobody stepped down.
    await new Promise((r) => setTimeout(r, 600));
    const leader = all.find((e) => e.isLeader())!;
    expect(all.filter((e) => e.isLeader())).toEqual([leader]);
    expect(new Set(all.map((e) => e.holder()))).toEqual(new Set([leader.holder()]));
    expect(log).toEqual([`${leader.holder()} leads`]);

    const id = leader.holder();
    const t0 = Date.now();
    await leader.stop();
    const rest = all.filter((e) => e !== leader);
    await eventually(async () => rest.filter((e) => e.isLeader()).length === 1, 5_000, 'a new leader');
    // Released, not expired: the next round takes it, well inside the 1.5 s lease.
    expect(Date.now() - t0).toBeLessThan(1_200);
    const next = rest.find((e) => e.isLeader())!.holder();
    expect(log).toEqual([`${id} leads`, `${id} stops`, `${next} leads`]);
  });

  it('steps down within the renew deadline when the database refuses it, before another may take over', async () => {
    const log: string[] = [];
    // A role that can be locked out: the leader logs in as it.
    const role = `lease_${Date.now()}`;
    const admin = new pg.Client({ connectionString: db.url });
    await admin.connect();
    try {
      await admin.query(`CREATE ROLE ${role} LOGIN PASSWORD 'pw-${role}'`);
      await admin.query(`GRANT ALL ON leader_lease TO ${role}`);
      const url = new URL(db.url);
      const leader = candidate('locked', log, { host: url.hostname, port: Number(url.port), database: db.name, user: role, password: `pw-${role}` });
      await eventually(async () => leader.isLeader(), 5_000, 'the first candidate leading');
      const other = candidate('other', log);
      await admin.query(`REVOKE ALL ON leader_lease FROM ${role}`);
      const revokedAt = Date.now();
      await eventually(async () => !leader.isLeader(), 5_000, 'the refused leader stepping down');
      const steppedDown = Date.now() - revokedAt;
      await eventually(async () => other.isLeader(), 5_000, 'the other taking over after expiry');
      expect(steppedDown).toBeLessThan(1_500);
      // Never two leaders: the refused one stopped before the other started.
      expect(log).toEqual(['locked leads', 'locked stops', 'other leads']);
    } finally {
      for (const e of elections.splice(0)) await e.stop();
      await admin.query(`DROP OWNED BY ${role}`).catch(() => undefined);
      await admin.query(`DROP ROLE IF EXISTS ${role}`).catch(() => undefined);
      await admin.end();
    }
  });

  it('steps down within the renew deadline while its renewal hangs on a locked row, and leads again once it goes through', async () => {
    const log: string[] = [];
    const leader = candidate('blocked', log);
    await eventually(async () => leader.isLeader(), 5_000, 'the candidate leading');
    const name = `lease-${expect.getState().currentTestName?.length ?? 0}`;
    // Another session holds the lease row: the leader's renewal waits, neither failing nor answering.
    const locker = new pg.Client({ connectionString: db.url });
    await locker.connect();
    try {
      await locker.query('BEGIN');
      await locker.query('SELECT holder FROM leader_lease WHERE name = $1 FOR UPDATE', [name]);
      const lockedAt = Date.now();
      await eventually(async () => !leader.isLeader(), 5_000, 'the blocked leader stepping down');
      const steppedDown = Date.now() - lockedAt;
      // The last renewal was sent at most one retry period (150 ms) before the lock; the deadline is 1 s.
      expect(steppedDown).toBeLessThan(1_000 + 150 + 300);
      expect(steppedDown).toBeGreaterThanOrEqual(1_000 - 150 - 50);
      await locker.query('ROLLBACK');
      await eventually(async () => leader.isLeader(), 5_000, 'the candidate leading again');
      expect(log).toEqual(['blocked leads', 'blocked stops', 'blocked leads']);
    } finally {
      await locker.end();
    }
  });
});
