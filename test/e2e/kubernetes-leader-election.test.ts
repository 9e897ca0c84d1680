// Two `portico cp run --environment kubernetes` replicas against one API server (the fake; the real one in
// kubernetes-real-apiserver.test.ts): exactly one runs the controllers; `kill -9` of that one and
// the other takes over within the lease duration (plus one retry period to notice).
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { startFakeKubeApi, type FakeKubeApi, type Obj } from '../support/fake-kube-api/index.js';
import { eventually, freePort, REPO_ROOT, type Running } from '../support/processes.js';
import { LEASE, leaderOf, readinessOf, startReplica, TAKEOVER_DEADLINE_MS, waitForOneLeader, type Replica } from '../support/kube/replicas.js';

const CRDS = readdirSync(path.join(REPO_ROOT, 'crds'))
  .filter((f) => f.endsWith('.yaml'))
  .map((f) => parse(readFileSync(path.join(REPO_ROOT, 'crds', f), 'utf8')) as Obj);

describe('leader election between two control plane replicas (fake API server)', () => {
  let fake: FakeKubeApi;
  let dir = '';
  const replicas: Replica[] = [];
  const running: Running[] = [];

  beforeAll(async () => {
    fake = await startFakeKubeApi({ customResources: CRDS, namespaces: ['default', 'portico-system'] });
    dir = mkdtempSync(path.join(os.tmpdir(), 'portico-leader-'));
    const kubeconfig = path.join(dir, 'kubeconfig');
    writeFileSync(kubeconfig, fake.kubeConfig().exportConfig());
    for (const id of ['cp-0', 'cp-1']) {
      const replica = await startReplica({ id, kubeconfig, apiPort: await freePort() });
      replicas.push(replica);
      running.push(replica.process);
    }
    for (const r of replicas) await r.process.waitFor(/control plane ready/, 60_000);
  }, 120_000);

  afterAll(async () => {
    for (const p of running) await p.stop();
    await fake?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('runs the controllers on exactly one replica, the holder of the Lease', async () => {
    const leader = await waitForOneLeader(replicas, 30_000);
    const follower = replicas.find((r) => r !== leader)!;
    const leaderReport = await readinessOf(leader);
    // The follower learns the holder on its next read of the Lease (its first attempt may have lost the create race).
    await eventually(async () => (await readinessOf(follower)).leaderHolder === leader.id, 10_000, 'the follower to see the leader');
    const followerReport = await readinessOf(follower);
    expect(leaderReport).toMatchObject({ ready: true, leader: true });
    expect(followerReport).toMatchObject({ ready: true, leader: false, leaderHolder: leader.id });
    // Only the leader watches what the controllers need; both serve the store.
    expect(Object.keys(leaderReport.watchers).filter((w) => w.startsWith('controllers/'))).toHaveLength(5);
    expect(Object.keys(followerReport.watchers).filter((w) => w.startsWith('controllers/'))).toEqual([]);
    const lease = fake.get({ apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', namespace: 'portico-system', name: LEASE.name }) as { spec: { holderIdentity: string } };
    expect(lease.spec.holderIdentity).toBe(leader.id);
  });

  it('hands the controllers to the other replica within the lease duration when the leader is killed', async () => {
    const leader = await waitForOneLeader(replicas, 30_000);
    const follower = replicas.find((r) => r !== leader)!;
    leader.process.proc.kill('SIGKILL');
    const killedAt = Date.now();
    const next = await leaderOf([follower], TAKEOVER_DEADLINE_MS);
    expect(next).toBe(follower);
    expect(Date.now() - killedAt).toBeLessThanOrEqual(TAKEOVER_DEADLINE_MS);
    const report = await readinessOf(follower);
    expect(Object.keys(report.watchers).filter((w) => w.startsWith('controllers/'))).toHaveLength(5);
    const lease = fake.get({ apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', namespace: 'portico-system', name: LEASE.name }) as { spec: { holderIdentity: string } };
    expect(lease.spec.holderIdentity).toBe(follower.id);
  }, 60_000);
});
