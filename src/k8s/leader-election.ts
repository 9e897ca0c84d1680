// Leader election over a coordination.k8s.io/v1 Lease, the way client-go's leaderelection package
// does it, so that with several control-plane replicas each controller runs once: exactly one
// leader, and a leader that cannot renew gives up (docs/kubernetes-testing.md).
//
// - Every `retryPeriodMs` a candidate reads the Lease. It takes it when absent, when it is its own,
//   or when the holder has not renewed it for `leaseDurationMs`. Expiry is measured on the local
//   clock from when this candidate last saw the Lease change (client-go's observedTime), never by
//   comparing the holder's renewTime with our clock: the replicas' clocks may disagree.
// - Every write is a create or an update with the read resourceVersion, so two candidates racing for
//   an expired Lease cannot both win: the loser gets 409 and stays a follower.
// - A leader that has not renewed successfully for `renewDeadlineMs` (< leaseDurationMs) stops
//   leading before anyone else may take over, and becomes a candidate again.
// - stop() releases a held Lease (holder cleared, duration 1 s) so another replica takes over at
//   once instead of after the lease duration.
import type { KubeConfig } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { KubeApiError, kubeRequest } from './watch/kube-request.js';

/** client-go's defaults (leaseDuration 15 s, renewDeadline 10 s, retryPeriod 2 s). */
export const DEFAULT_LEADER_ELECTION = { leaseDurationMs: 15_000, renewDeadlineMs: 10_000, retryPeriodMs: 2_000 } as const;

/** Options of startLeaderElection. */
export interface LeaderElectionOptions {
  readonly kubeConfig: KubeConfig;
  readonly namespace: string;
  /** Name of the Lease. */
  readonly name: string;
  /** This replica's identity, unique among the candidates (the pod name in a cluster). */
  readonly identity: string;
  readonly logger: Logger;
  readonly leaseDurationMs?: number;
  readonly renewDeadlineMs?: number;
  readonly retryPeriodMs?: number;
  /** Called when this replica becomes the leader. */
  readonly onStartedLeading: () => void;
  /** Called when it stops being the leader (renewal failed, or stop()). Awaited before campaigning again. */
  readonly onStoppedLeading: () => Promise<void> | void;
}

/** A running election. */
export interface LeaderElection {
  /** Whether this replica leads now. */
  isLeader(): boolean;
  /** The holder of the Lease as last seen ('' when none). */
  holder(): string;
  /** Stop campaigning; a leader steps down (onStoppedLeading) and releases the Lease. */
  stop(): Promise<void>;
}

interface LeaseSpec {
  holderIdentity?: string;
  leaseDurationSeconds?: number;
  acquireTime?: string;
  renewTime?: string;
  leaseTransitions?: number;
}

interface Lease {
  apiVersion?: string;
  kind?: string;
  metadata: { name: string; namespace: string; resourceVersion?: string };
  spec?: LeaseSpec;
}

/** Start campaigning for the Lease `namespace/name`. */
export function startLeaderElection(options: LeaderElectionOptions): LeaderElection {
  return new Elector(options);
}

// Kubernetes MicroTime: RFC 3339 with exactly six fractional digits.
function microTime(date: Date): string {
  return date.toISOString().replace(/Z$/, '000Z');
}

class Elector implements LeaderElection {
  private readonly logger: Logger;
  private readonly leaseDurationMs: number;
  private readonly renewDeadlineMs: number;
  private readonly retryPeriodMs: number;
  private readonly path: string;
  private leading = false;
  private stopped = false;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> = Promise.resolve();
  /** The Lease's spec as last seen, and when (local clock) it was last seen to change. */
  private observed: { spec: string; at: number } | undefined;
  private lastHolder = '';
  /** When this replica last renewed successfully while leading. */
  private renewedAt = 0;

  constructor(private readonly options: LeaderElectionOptions) {
    this.logger = options.logger.child({ module: 'leader-election', lease: `${options.namespace}/${options.name}`, identity: options.identity });
    this.leaseDurationMs = options.leaseDurationMs ?? DEFAULT_LEADER_ELECTION.leaseDurationMs;
    this.renewDeadlineMs = options.renewDeadlineMs ?? DEFAULT_LEADER_ELECTION.renewDeadlineMs;
    this.retryPeriodMs = options.retryPeriodMs ?? DEFAULT_LEADER_ELECTION.retryPeriodMs;
    if (!(this.renewDeadlineMs < this.leaseDurationMs)) throw new Error('leader election: the renew deadline must be shorter than the lease duration');
    this.path = `/apis/coordination.k8s.io/v1/namespaces/${options.namespace}/leases`;
    this.schedule(0);
  }

  isLeader(): boolean {
    return this.leading;
  }

  holder(): string {
    return this.lastHolder;
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
    if (this.leading) {
      await this.stepDown('stopping');
      await this.release();
    }
  }

  // Not unref'd: a candidate's retries are part of what the process is there to do.
  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.round().finally(() => this.schedule(this.retryPeriodMs));
    }, delayMs);
  }

  private async round(): Promise<void> {
    let acquired = false;
    try {
      acquired = await this.tryAcquireOrRenew();
    } catch (err) {
      this.logger.warn({ err }, 'leader election: cannot read or write the Lease');
    }
    if (this.stopped) return;
    if (acquired) {
      this.renewedAt = Date.now();
      if (!this.leading) {
        this.leading = true;
        this.logger.info('became the leader: starting the controllers');
        this.options.onStartedLeading();
      }
    } else if (this.leading && this.lastHolder !== '' && this.lastHolder !== this.options.identity) {
      // Someone else holds it: this replica was stalled past the lease duration.
      await this.stepDown(`the Lease is held by ${this.lastHolder}`);
    } else if (this.leading && Date.now() - this.renewedAt >= this.renewDeadlineMs) {
      await this.stepDown(`could not renew the Lease for ${this.renewDeadlineMs} ms`);
    }
  }

  private async stepDown(reason: string): Promise<void> {
    this.leading = false;
    this.logger.warn({ reason }, 'stopped leading: stopping the controllers');
    try {
      await this.options.onStoppedLeading();
    } catch (err) {
      this.logger.error({ err }, 'stopping the controllers failed');
    }
  }

  /** One attempt; true when this replica holds the Lease afterwards. */
  private async tryAcquireOrRenew(): Promise<boolean> {
    const { kubeConfig, name, namespace, identity } = this.options;
    const now = new Date();
    const lease = await this.read();
    if (!lease) {
      const created: Lease = {
        apiVersion: 'coordination.k8s.io/v1',
        kind: 'Lease',
        metadata: { name, namespace },
        spec: { holderIdentity: identity, leaseDurationSeconds: Math.ceil(this.leaseDurationMs / 1000), acquireTime: microTime(now), renewTime: microTime(now), leaseTransitions: 0 },
      };
      return this.write(() => kubeRequest(kubeConfig, { method: 'POST', path: this.path, body: created, timeoutMs: this.retryPeriodMs * 2 }));
    }
    const spec = lease.spec ?? {};
    const holder = spec.holderIdentity ?? '';
    this.observe(spec);
    this.lastHolder = holder;
    // The holder's own duration counts: it is what the holder promised to renew within.
    const durationMs = (spec.leaseDurationSeconds ?? this.leaseDurationMs / 1000) * 1000;
    const expired = !this.observed || Date.now() - this.observed.at >= durationMs;
    if (holder !== '' && holder !== identity && !expired) return false;
    const takeover = holder !== identity;
    const next: Lease = {
      ...lease,
      spec: {
        ...spec,
        holderIdentity: identity,
        leaseDurationSeconds: Math.ceil(this.leaseDurationMs / 1000),
        renewTime: microTime(now),
        ...(takeover ? { acquireTime: microTime(now), leaseTransitions: (spec.leaseTransitions ?? 0) + 1 } : {}),
      },
    };
    if (takeover) this.logger.info({ previousHolder: holder || undefined }, 'taking over the Lease');
    return this.write(() => kubeRequest(kubeConfig, { method: 'PUT', path: `${this.path}/${name}`, body: next, timeoutMs: this.retryPeriodMs * 2 }));
  }

  private async read(): Promise<Lease | undefined> {
    try {
      return await kubeRequest<Lease>(this.options.kubeConfig, { path: `${this.path}/${this.options.name}`, timeoutMs: this.retryPeriodMs * 2 });
    } catch (err) {
      if (err instanceof KubeApiError && err.status === 404) return undefined;
      throw err;
    }
  }

  // A 409 (someone else wrote first) is a lost race, not an error.
  private async write(send: () => Promise<unknown>): Promise<boolean> {
    try {
      const written = (await send()) as Lease;
      this.observe(written.spec ?? {});
      this.lastHolder = this.options.identity;
      return true;
    } catch (err) {
      if (err instanceof KubeApiError && err.status === 409) return false;
      throw err;
    }
  }

  private observe(spec: LeaseSpec): void {
    const key = JSON.stringify([spec.holderIdentity ?? '', spec.renewTime ?? '', spec.leaseTransitions ?? 0]);
    if (this.observed?.spec !== key) this.observed = { spec: key, at: Date.now() };
  }

  // Best effort: a failed release only means the next leader waits for expiry.
  private async release(): Promise<void> {
    try {
      const lease = await this.read();
      if (!lease || lease.spec?.holderIdentity !== this.options.identity) return;
      const now = microTime(new Date());
      const body: Lease = { ...lease, spec: { ...lease.spec, holderIdentity: '', leaseDurationSeconds: 1, renewTime: now, acquireTime: now } };
      await kubeRequest(this.options.kubeConfig, { method: 'PUT', path: `${this.path}/${this.options.name}`, body, timeoutMs: this.retryPeriodMs * 2 });
      this.logger.info('released the Lease');
    } catch (err) {
      this.logger.warn({ err }, 'could not release the Lease; another replica takes over when it expires');
    }
  }
}
