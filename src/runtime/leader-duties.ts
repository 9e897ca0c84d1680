// The work only one replica does (docs/operations.md, docs/postgres-store.md "Leader"):
// in Kubernetes mode the controllers and the status writer; on a zone, the ZoneIngress
// available-services writer; on a federated zone with an election, dialling the global (the sync
// itself is started by the caller and told here when to lead). With leader election, this work
// follows the Lease (Kubernetes) or the lease row (Postgres); without it, this replica leads.
import type { Logger } from 'pino';
import type { LeaderElection } from '../k8s/leader-election.js';
import type { ResourceStore } from '../core/store.js';
import type { KubernetesControllers } from './kubernetes-controllers.js';
import type { StatusWriter } from './kubernetes-status-writer.js';
import type { ResourceStatuses } from './resource-status.js';
import type { LeaderOnlySync } from './multizone-sync.js';
import type { MultizoneConfig } from './multizone-config.js';
import { componentLogger } from './component-logger.js';
import { AvailableServicesWriter } from './zone-ingress-services.js';
import { LEADER_LEASE_NAME, type ControlPlaneConfig, type KubernetesModeConfig, type LeaderElectionSettings } from './control-plane-config.js';

/** What Kubernetes mode starts, loaded only in that mode (see kubernetes-mode.ts). */
type KubernetesMode = typeof import('./kubernetes-mode.js');

/** What the leader-only work needs from the start. */
export interface LeaderDutiesDeps {
  readonly config: ControlPlaneConfig;
  readonly multizone: MultizoneConfig;
  readonly kube: KubernetesMode | undefined;
  readonly store: ResourceStore;
  readonly statuses: ResourceStatuses;
  /** The generated CA gateway pods verify the control plane with, when there is one. */
  readonly caPem: string | undefined;
  /** A federated zone's sync that dials the global only while this replica leads. */
  readonly syncLeadership: LeaderOnlySync | undefined;
  readonly logger: Logger;
  /** The control plane's own log lines. */
  readonly cpLog: Logger;
}

/** The leader-only work of a running control plane. */
export interface LeaderDuties {
  /** The election, when replicas elect a leader. */
  readonly election: LeaderElection | undefined;
  /** The Kubernetes controllers while this replica runs them. */
  controllers(): KubernetesControllers | undefined;
  /** Steps down (releasing the lease, so another replica takes over at once) and stops the work. */
  stop(): Promise<void>;
}

/** Starts the election, or the work itself when there is none; on failure stops what started. */
export async function startLeaderDuties(deps: LeaderDutiesDeps): Promise<LeaderDuties> {
  const work = new LeaderWork(deps);
  let election: LeaderElection | undefined;
  const stop = async (): Promise<void> => {
    await election?.stop();
    await work.stop();
  };
  try {
    election = await startElection(deps, work);
    // Without leader election (the embedded and memory stores, a single Kubernetes replica) this replica leads.
    if (!election) {
      const k8s = deps.config.kubernetes;
      if (deps.config.store === 'kubernetes' && k8s && k8s.mode !== 'global') await work.startKubernetesWork(k8s).synced;
      await work.startIngressWriter();
    }
  } catch (err) {
    await stop().catch(() => undefined);
    throw err;
  }
  return { election, controllers: () => work.controllers, stop };
}

/** The election this configuration asks for, started; undefined when there is none. */
async function startElection(deps: LeaderDutiesDeps, work: LeaderWork): Promise<LeaderElection | undefined> {
  const { config, kube, logger } = deps;
  const k8s = config.kubernetes;
  const electionLogger = componentLogger(logger, 'leader-election');
  if (config.store === 'kubernetes' && k8s && k8s.mode !== 'global' && k8s.leaderElection) {
    const le = k8s.leaderElection;
    return kube!.startLeaderElection({
      kubeConfig: k8s.kubeConfig,
      namespace: le.namespace ?? k8s.systemNamespace,
      name: le.leaseName ?? LEADER_LEASE_NAME,
      identity: le.identity,
      logger: electionLogger,
      ...electionTimings(le),
      onStartedLeading: () => {
        work.startKubernetesWork(k8s);
        work.lead();
      },
      onStoppedLeading: () => work.stepDown(),
    });
  }
  const le = config.store === 'postgres' ? config.postgres?.leaderElection : undefined;
  if (le && config.postgres) {
    // Replicas on one Postgres store: the leader dials the global and writes ingress services.
    const { startPostgresLeaderElection } = await import('./postgres-leader-election.js');
    return startPostgresLeaderElection({
      connection: config.postgres.connection,
      name: le.leaseName ?? LEADER_LEASE_NAME,
      identity: le.identity,
      logger: electionLogger,
      ...electionTimings(le),
      onStartedLeading: () => work.lead(),
      onStoppedLeading: () => work.stepDown(),
    });
  }
  return undefined;
}

/** The leader-only work itself, started and stopped as leadership comes and goes. */
class LeaderWork {
  controllers: KubernetesControllers | undefined;
  private statusWriter: StatusWriter | undefined;
  private ingressWriter: Promise<() => Promise<void>> | undefined;

  constructor(private readonly deps: LeaderDutiesDeps) {}

  /** Gained leadership: the ingress writer and the sync's dialling (the Kubernetes work is started by its caller). */
  lead(): void {
    this.startIngressWriter().catch((err: unknown) => this.deps.cpLog.error({ err }, 'could not start the ZoneIngress available-services writer'));
    this.deps.syncLeadership?.lead();
  }

  /** Lost leadership: stops what `lead` and `startKubernetesWork` started (a no-op for what is not running). */
  async stepDown(): Promise<void> {
    await this.deps.syncLeadership?.stepDown();
    await this.stop();
  }

  /** Stops the leader-only work, leaving the sync to its caller. */
  async stop(): Promise<void> {
    await this.stopIngressWriter();
    await this.stopKubernetesWork();
  }

  /** A zone writes its ZoneIngresses' available services (docs/multizone.md "Available services"); a global has no ingresses of its own. */
  async startIngressWriter(): Promise<void> {
    const { multizone, store, logger } = this.deps;
    if (multizone.mode !== 'zone' || this.ingressWriter) return;
    this.ingressWriter = new AvailableServicesWriter({
      store,
      zone: multizone.zone,
      logger: componentLogger(logger, 'zone-ingress-services'),
      ...(multizone.ingressUpdateIntervalMs !== undefined ? { intervalMs: multizone.ingressUpdateIntervalMs } : {}),
    }).start();
    await this.ingressWriter;
  }

  /** Waits for a start still loading, so leadership lost meanwhile leaves nothing running. */
  private async stopIngressWriter(): Promise<void> {
    const starting = this.ingressWriter;
    this.ingressWriter = undefined;
    const stop = await starting?.catch(() => undefined);
    await stop?.();
  }

  /** Kubernetes mode: the controllers and the status writer. */
  startKubernetesWork(k: KubernetesModeConfig): KubernetesControllers {
    const { kube, store, statuses, caPem, logger } = this.deps;
    const running = kube!.startKubernetesControllers({
      kubeConfig: k.kubeConfig,
      store,
      logger: componentLogger(logger, 'controllers'),
      // Gateway pods verify the control plane by its generated CA unless the operator named one.
      gatewayPods: k.gatewayPods.caCert || !caPem ? k.gatewayPods : { ...k.gatewayPods, caCert: caPem },
      ...(k.zone ? { zone: k.zone } : {}),
    });
    this.controllers = running;
    this.statusWriter = kube!.startStatusWriter({ kubeConfig: k.kubeConfig, store, statuses, logger: componentLogger(logger, 'status') });
    return running;
  }

  private async stopKubernetesWork(): Promise<void> {
    const [running, writer] = [this.controllers, this.statusWriter];
    this.controllers = undefined;
    this.statusWriter = undefined;
    writer?.stop();
    await running?.stop();
  }
}

// The timings an election was given; the rest keep the elector's defaults.
function electionTimings(le: LeaderElectionSettings): { leaseDurationMs?: number; renewDeadlineMs?: number; retryPeriodMs?: number } {
  return {
    ...(le.leaseDurationMs !== undefined ? { leaseDurationMs: le.leaseDurationMs } : {}),
    ...(le.renewDeadlineMs !== undefined ? { renewDeadlineMs: le.renewDeadlineMs } : {}),
    ...(le.retryPeriodMs !== undefined ? { retryPeriodMs: le.retryPeriodMs } : {}),
  };
}
