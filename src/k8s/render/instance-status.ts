// The status of a MeshGatewayInstance (docs/gateway.md §3.2 step 5): one `Ready` condition combining
// the gateway selection, the Deployment's availability and the Service's address, plus a copy of
// the Service's load balancer status.

import {
  READY_CONDITION,
  READY_REASONS,
  type Condition,
  type ConditionStatus,
  type LoadBalancerStatus,
  type MeshGatewayInstanceStatus,
} from '../../api/mesh-gateway-instance.js';
import type { Deployment, Service } from './kube-objects.js';

/** What the Ready condition is computed from. */
export interface InstanceStatusInput {
  readonly mesh: string;
  /** The instance's `metadata.generation`. */
  readonly generation: number;
  /** False when no MeshGateway of the mesh selects the instance tags. */
  readonly gatewayMatched: boolean;
  /** The Service after step 3 (as the API server returned it). */
  readonly service?: Service;
  /** The Deployment after step 4 (as the API server returned it). */
  readonly deployment?: Deployment;
  /** The status the instance has now. */
  readonly existing?: MeshGatewayInstanceStatus;
  /** Current time, RFC 3339; becomes lastTransitionTime when the Ready status changes. */
  readonly now: string;
}

/** Status, reason and message of the Ready condition. */
export interface ReadyState {
  readonly status: ConditionStatus;
  readonly reason: string;
  readonly message: string;
}

/** The full status to write: conditions with Ready set, loadBalancer copied unless no gateway matched. */
export function desiredInstanceStatus(input: InstanceStatusInput): MeshGatewayInstanceStatus {
  const state = readyState(input);
  const conditions = setCondition(
    input.existing?.conditions ?? [],
    { type: READY_CONDITION, ...state, observedGeneration: input.generation },
    input.now,
  );
  if (!input.gatewayMatched) {
    // No gateway: loadBalancer is not touched.
    return { ...(input.existing?.loadBalancer ? { loadBalancer: input.existing.loadBalancer } : {}), conditions };
  }
  return { loadBalancer: loadBalancerOf(input.service), conditions };
}

/** The Ready condition's state, in the order of docs/gateway.md §3.2 step 5. */
export function readyState(input: Pick<InstanceStatusInput, 'mesh' | 'gatewayMatched' | 'service' | 'deployment'>): ReadyState {
  if (!input.gatewayMatched) {
    return {
      status: 'False',
      reason: READY_REASONS.noGatewayMatched,
      message: `No Gateway matched by tags in mesh: '${input.mesh}'`,
    };
  }
  const available = input.deployment?.status?.conditions?.find((c) => c.type === 'Available');
  if (available?.status === 'False') return { status: 'False', reason: READY_REASONS.deploymentNotAvailable, message: '' };
  if (available?.status === 'Unknown') {
    return { status: 'Unknown', reason: READY_REASONS.deploymentNotAvailable, message: '' };
  }
  if (hasAddress(input.service)) return { status: 'True', reason: READY_REASONS.ready, message: '' };
  return { status: 'False', reason: READY_REASONS.loadBalancerAddressNotReady, message: '' };
}

function hasAddress(service: Service | undefined): boolean {
  const spec = service?.spec;
  if (spec?.type === 'LoadBalancer') return (service?.status?.loadBalancer?.ingress?.length ?? 0) > 0;
  if (spec?.type === 'NodePort' || spec?.type === 'ClusterIP') {
    const ips = spec.clusterIPs ?? (spec.clusterIP !== undefined ? [spec.clusterIP] : []);
    return ips.some((ip) => ip !== '' && ip !== 'None');
  }
  return false;
}

/** A plain copy of the Service's `status.loadBalancer` (`{}` when it has none). */
function loadBalancerOf(service: Service | undefined): LoadBalancerStatus {
  return JSON.parse(JSON.stringify(service?.status?.loadBalancer ?? {})) as LoadBalancerStatus;
}

/**
 * Kubernetes' SetStatusCondition: replace the condition of the same type, keeping its
 * lastTransitionTime when the status did not change; append it otherwise. Others stay as they are.
 */
function setCondition(
  conditions: readonly Condition[],
  next: Omit<Condition, 'lastTransitionTime'>,
  now: string,
): Condition[] {
  const at = conditions.findIndex((c) => c.type === next.type);
  const previous = at >= 0 ? conditions[at] : undefined;
  const lastTransitionTime = previous && previous.status === next.status ? previous.lastTransitionTime : now;
  const condition: Condition = { ...next, lastTransitionTime };
  const result = [...conditions];
  if (previous) result[at] = condition;
  else result.push(condition);
  return result;
}
