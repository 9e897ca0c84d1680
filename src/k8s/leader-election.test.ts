// Leader election against the fake API server's Lease type, through kubeRequest: one leader at a
// time, takeover after a graceful stop (the Lease is released) and after a silent one (the Lease
// expires), and a leader that cannot renew steps down before anyone else may take over.
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { startFakeKubeApi, type FakeKubeApi } from '../../test/support/fake-kube-api/index.js';
import { startLeaderElection, type LeaderElection } from './leader-election.js';

const logger = pino({ level: 'silent' });
const TIMINGS = { leaseDurationMs: 1500, renewDeadlineMs: 1000, retryPeriodMs: 100 };
const poll = { timeout: 10_000, interval: 20 };

let api: FakeKubeApi;
let electors: LeaderElection[];
let log: string[];

beforeEach(async () => {
  api = await startFakeKubeApi({ namespaces: ['default', 'portico-system'] });
  electors = [];
  log = [];
});

afterEach(async () => {
  await Promise.all(electors.map((e) => e.stop()));
  await api.close();
});

function candidate(identity: string, kubeConfig = api.kubeConfig()): LeaderElection {
  const elector = startLeaderElection({
    kubeConfig, namespace: 'portico-system', name: 'leader', identity, logger, ...TIMINGS,
    onStartedLeading: () => log.push(`${identity} started`),
    onStoppedLeading: () => {
      log.push(`${identity} stopped`);
    },
  });
  electors.push(elector);
  return elector;
}

function leaders(): string[] {
  return electors.flatMap((e, i) => (e.isLeader() ? [`#${i}`] : []));
}

function lease(): { holderIdentity?: string; leaseTransitions?: number } | undefined {
  const obj = api.get({ apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', namespace: 'portico-system', name: 'leader' });
  return obj?.['spec'] as { holderIdentity?: string; leaseTransitions?: number } | undefined;
}

/** Samples `leaders()` until `until` holds; fails at once if two replicas ever lead together. */
async function neverTwoLeadersUntil(until: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!until()) {
    expect(leaders().length).toBeLessThanOrEqual(1);
    if (Date.now() > deadline) throw new Error(`condition not reached within ${timeoutMs} ms; leaders ${leaders().join(',')}; ${log.join('; ')}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('startLeaderElection', () => {
  it('elects exactly one of two candidates and records it in the Lease', async () => {
    const a = candidate('cp-a');
    const b = candidate('cp-b');
    await neverTwoLeadersUntil(() => leaders().length === 1, 10_000);
    const leader = a.isLeader() ? 'cp-a' : 'cp-b';
    expect(lease()?.holderIdentity).toBe(leader);
    // Several lease durations later there is still exactly the same one leader.
    const until = Date.now() + 3 * TIMINGS.leaseDurationMs;
    await neverTwoLeadersUntil(() => Date.now() > until, 10_000);
    expect(a.isLeader() !== b.isLeader()).toBe(true);
    expect(log).toEqual([`${leader} started`]);
    await vi.waitFor(() => expect((a.isLeader() ? b : a).holder()).toBe(leader), poll);
  });

  it('hands over at once when the leader stops gracefully (the Lease is released)', async () => {
    const a = candidate('cp-a');
    await vi.waitFor(() => expect(a.isLeader()).toBe(true), poll);
    const b = candidate('cp-b');
    await vi.waitFor(() => expect(b.holder()).toBe('cp-a'), poll);
    await a.stop();
    expect(log).toEqual(['cp-a started', 'cp-a stopped']);
    // Well before the lease duration: the released Lease is free.
    await neverTwoLeadersUntil(() => b.isLeader(), TIMINGS.leaseDurationMs);
    expect(lease()).toMatchObject({ holderIdentity: 'cp-b', leaseTransitions: 1 });
  });

  it('takes over a Lease its holder stopped renewing (a crashed leader) once it expires, not before', async () => {
    const now = new Date().toISOString().replace('Z', '000Z');
    api.seed([{
      apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: 'leader', namespace: 'portico-system' },
      spec: { holderIdentity: 'cp-crashed', leaseDurationSeconds: 2, acquireTime: now, renewTime: now, leaseTransitions: 3 },
    }]);
    const b = candidate('cp-b');
    await vi.waitFor(() => expect(b.holder()).toBe('cp-crashed'), poll);
    // Half the holder's 2 s lease after b first saw it, the Lease is still the crashed holder's.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(b.isLeader()).toBe(false);
    await vi.waitFor(() => expect(b.isLeader()).toBe(true), poll);
    expect(lease()).toMatchObject({ holderIdentity: 'cp-b', leaseTransitions: 4 });
  });

  it('steps down when it cannot renew for the renew deadline, and nobody leads until the Lease can be written', async () => {
    const a = candidate('cp-a');
    await vi.waitFor(() => expect(a.isLeader()).toBe(true), poll);
    candidate('cp-b');
    api.failNext({ path: '/apis/coordination.k8s.io/', status: 503, count: Infinity });
    await neverTwoLeadersUntil(() => !a.isLeader(), TIMINGS.renewDeadlineMs + 10 * TIMINGS.retryPeriodMs);
    expect(log).toEqual(['cp-a started', 'cp-a stopped']);
    const until = Date.now() + TIMINGS.leaseDurationMs;
    await neverTwoLeadersUntil(() => Date.now() > until, 10_000);
    expect(leaders()).toEqual([]);
    api.clearFaults();
    await neverTwoLeadersUntil(() => leaders().length === 1, 10_000);
  });
});
