// Which board the replicas of one deployment share their proxies' delivery on (shared-delivery.ts):
// a Postgres store's database, or ConfigMaps in Kubernetes mode with leader election. Loaded and
// started only where several replicas may run.
import { hostname } from 'node:os';
import type { Logger } from 'pino';
import type { SnapshotCache } from '../xds/cache/snapshot-cache.js';
import type { ControlPlaneConfig } from './control-plane-config.js';
import { nodeDelivery } from './resource-status.js';
import type { DeliveryBoard, SharedDelivery } from './shared-delivery.js';

/**
 * This replica's delivery on the board several replicas share: a Postgres store's database, or
 * ConfigMaps in Kubernetes mode with leader election (several replicas); none for one replica.
 * The replica is named by its leader-election identity (or host and pid).
 */
export async function startReplicaDelivery(config: ControlPlaneConfig, cache: SnapshotCache, logger: Logger): Promise<SharedDelivery | undefined> {
  const board = await replicaBoard(config);
  if (!board) return undefined;
  const { startSharedDelivery } = await import('./shared-delivery.js');
  const identity = config.postgres?.leaderElection?.identity ?? config.kubernetes?.leaderElection?.identity ?? `${hostname()}-${process.pid}`;
  return startSharedDelivery(board.board, identity, { summary: (nodeId) => nodeDelivery(cache, nodeId), delivery: cache.delivery }, logger);
}

async function replicaBoard(config: ControlPlaneConfig): Promise<{ board: DeliveryBoard } | undefined> {
  if (config.store === 'postgres' && config.postgres) {
    const { PostgresDeliveryBoard } = await import('./postgres-delivery-board.js');
    return { board: new PostgresDeliveryBoard({ connection: config.postgres.connection }) };
  }
  const k8s = config.kubernetes;
  if (config.store === 'kubernetes' && k8s?.leaderElection) {
    const { KubernetesDeliveryBoard } = await import('./kubernetes-delivery-board.js');
    return { board: new KubernetesDeliveryBoard({ kubeConfig: k8s.kubeConfig, namespace: k8s.leaderElection.namespace ?? k8s.systemNamespace }) };
  }
  return undefined;
}

