// Control plane replicas for leader election tests: `portico cp run --environment kubernetes` processes
// with short Lease timings, and their GET /ready reports (which say who leads).
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PORTICO_BIN, request, start, type Running } from '../processes.js';

/** Lease timings of the replicas: short, so a takeover test takes seconds. */
export const LEASE = { name: 'portico-control-plane-leader', durationMs: 4000, renewMs: 3000, retryMs: 500 } as const;

/**
 * Longest a takeover may take after the leader dies: the lease duration, counted from the
 * follower's last read before the death (up to one retry period earlier), plus the retry period
 * in which the follower notices, plus one more for its write and our /ready poll on a loaded machine.
 */
export const TAKEOVER_DEADLINE_MS = LEASE.durationMs + 3 * LEASE.retryMs;

/** One replica. */
export interface Replica {
  readonly id: string;
  readonly apiPort: number;
  readonly process: Running;
}

/** The body of GET /ready in Kubernetes mode. */
export interface ReadinessBody {
  ready: boolean;
  degraded: boolean;
  leader?: boolean;
  leaderHolder?: string;
  waitingFor: string[];
  watchers: Record<string, { synced: boolean; healthy: boolean; lastError?: string }>;
}

/** Start one replica; `extraArgs` are appended (webhook, gateway settings). */
export async function startReplica(options: { id: string; kubeconfig: string; apiPort: number; extraArgs?: readonly string[]; env?: NodeJS.ProcessEnv }): Promise<Replica> {
  const process_ = start(process.execPath, [
    PORTICO_BIN, 'cp', 'run', '--environment', 'kubernetes', '--kubeconfig', options.kubeconfig, '--system-namespace', 'portico-system',
    // Each replica keeps its generated certificates apart, and lets the OS pick its HTTPS API port.
    '--data-dir', mkdtempSync(path.join(os.tmpdir(), `portico-replica-${options.id}-`)), '--api-https-port', '0',
    '--api-port', String(options.apiPort), '--xds-port', '0', '--leader-election-id', options.id,
    '--leader-lease-duration', String(LEASE.durationMs / 1000), '--leader-renew-deadline', String(LEASE.renewMs / 1000),
    '--leader-retry-period', String(LEASE.retryMs / 1000), ...(options.extraArgs ?? []),
  ], options.env ? { env: options.env } : {});
  return { id: options.id, apiPort: options.apiPort, process: process_ };
}

/** The replica's GET /ready body (any status). */
export async function readinessOf(replica: Replica): Promise<ReadinessBody> {
  return JSON.parse((await request(`http://127.0.0.1:${replica.apiPort}/ready`)).body) as ReadinessBody;
}

function alive(replica: Replica): boolean {
  return replica.process.proc.exitCode === null && replica.process.proc.signalCode === null;
}

/** The one live replica that reports leading, once exactly one does; rejects after `timeoutMs`. */
export async function leaderOf(replicas: readonly Replica[], timeoutMs: number): Promise<Replica> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const leading: Replica[] = [];
    for (const r of replicas.filter(alive)) if ((await readinessOf(r).catch(() => undefined))?.leader) leading.push(r);
    if (leading.length > 1) throw new Error(`two replicas lead at once: ${leading.map((r) => r.id).join(', ')}`);
    if (leading[0]) return leading[0];
    if (Date.now() > deadline) throw new Error(`no replica leads after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Alias of leaderOf for readability at the start of a test. */
export const waitForOneLeader = leaderOf;
