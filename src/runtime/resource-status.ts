// The latest MeshGateway and MeshGatewayRoute statuses, per mesh. The runtime hands in what each
// generation found; `Programmed` also depends on ACKs, which arrive after the generation, so the
// holder re-reads delivery state whenever it is asked (or told to refresh) and recomputes the
// mesh when that changed. Transition times survive recomputation: the previous statuses are fed
// back into computeStatuses.
import type { Kind, StoredResource } from '../core/resource.js';
import type { MeshStatusFacts } from '../generation/status-facts.js';
import { isConnectionPolicyKind } from '../mesh/connection-policies.js';
import { policyStatus, type PolicyStatus } from '../mesh/policy-status.js';
import {
  computeStatuses,
  statusKey,
  type ProxyDelivery,
  type RejectedConfig,
  type ResourceStatus,
  type StatusInput,
  type StatusMap,
} from '../gateway/status.js';
import type { TypeDelivery } from '../xds/cache/delivery-status.js';
import { protoNameOf, TypeUrl } from '../xds/cache/resource-types.js';
import { snapshotType, type Snapshot } from '../xds/cache/snapshot.js';
import type { SnapshotCache } from '../xds/cache/snapshot-cache.js';
import { proxyNodeId } from '../xds/server/proxy-id.js';

/** What one generation of a mesh found: the status input without delivery state, policy places. */
export type StatusFacts = MeshStatusFacts;

/** Delivery state of one gateway proxy, read at the moment of the call. */
export type DeliveryLookup = (mesh: string, proxy: string) => ProxyDelivery;

/** Options of ResourceStatuses. */
export interface ResourceStatusOptions {
  readonly delivery: DeliveryLookup;
  /** Injectable clock; transition times are taken from it. */
  readonly now?: () => Date;
}

/**
 * One mesh's facts, the delivery they were last computed with, and the result. `deliveryKey` is
 * undefined while the facts are newer than `statuses`: they are computed when first read.
 */
interface MeshEntry {
  readonly facts: StatusFacts;
  /** When the oldest facts not yet computed arrived: the transition time of what they changed. */
  readonly factsAt: Date;
  readonly deliveryKey: string | undefined;
  readonly statuses: ReadonlyMap<string, ResourceStatus> | undefined;
}

/** Holder of the computed statuses of every mesh. */
export class ResourceStatuses {
  private readonly meshes = new Map<string, MeshEntry>();
  private readonly now: () => Date;

  constructor(private readonly options: ResourceStatusOptions) {
    this.now = options.now ?? (() => new Date());
  }

  /**
   * Replace a mesh's facts after a generation. The statuses are computed when next read: at
   * thousands of proxies computing them costs more than the generation, and a generation must
   * not pay for statuses nobody reads. Changes the facts make are stamped with the time of the
   * first generation since the last read.
   */
  update(mesh: string, facts: StatusFacts): void {
    const entry = this.meshes.get(mesh);
    const factsAt = entry !== undefined && entry.deliveryKey === undefined ? entry.factsAt : this.now();
    this.meshes.set(mesh, { facts, factsAt, deliveryKey: undefined, statuses: entry?.statuses });
  }

  /** Forget a deleted mesh. */
  remove(mesh: string): void {
    this.meshes.delete(mesh);
  }

  /** Recompute a mesh if its proxies' delivery state changed since the last computation. */
  refresh(mesh: string): void {
    const entry = this.meshes.get(mesh);
    if (entry !== undefined) this.compute(mesh, entry.facts, entry);
  }

  /** The current status of a MeshGateway or MeshGatewayRoute; undefined when none was computed. */
  get(kind: Kind, mesh: string, name: string): ResourceStatus | undefined {
    this.refresh(mesh);
    return this.meshes.get(mesh)?.statuses?.get(statusKey(kind, mesh, name));
  }

  /**
   * Every current MeshGateway and MeshGatewayRoute status of a mesh, by statusKey, after one
   * refresh: a view listing many resources reads them all at the cost of one `get`.
   */
  all(mesh: string): StatusMap | undefined {
    this.refresh(mesh);
    return this.meshes.get(mesh)?.statuses;
  }

  /**
   * Where a connection policy applies and where it lost (mesh/policy-status.ts), computed now from
   * the last generation's facts; undefined when the facts do not hold the policy (unknown, or
   * created since).
   */
  policy(kind: Kind, mesh: string, name: string): PolicyStatus | undefined {
    const facts = this.meshes.get(mesh)?.facts;
    if (facts === undefined || !isConnectionPolicyKind(kind)) return undefined;
    const policies = facts.policies ?? {};
    const policy = (policies[kind] as readonly StoredResource[] | undefined)?.find((p) => p.name === name);
    return policy && policyStatus(kind, policy, policies, facts.policyPlaces ?? []);
  }

  /**
   * What the last generation of `mesh` found (its gateways, routes, Dataplanes, gateway proxies and
   * policy places), for the inspect views; undefined before the mesh's first generation and on a
   * control plane that generates nothing (a global).
   */
  facts(mesh: string): StatusFacts | undefined {
    return this.meshes.get(mesh)?.facts;
  }

  /** A proxy's delivery state now, by the rule Programmed counts with (cacheDelivery). */
  delivery(mesh: string, proxy: string): ProxyDelivery {
    return this.options.delivery(mesh, proxy);
  }

  /** Compute unless the facts are the entry's own and delivery did not change. */
  private compute(mesh: string, facts: StatusFacts, entry: MeshEntry | undefined): void {
    const delivery = new Map(facts.translations.map((t) => [t.proxy, this.options.delivery(mesh, t.proxy)] as const));
    const deliveryKey = JSON.stringify([...delivery].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    if (entry !== undefined && entry.facts === facts && entry.deliveryKey === deliveryKey) return;
    const now = entry !== undefined && entry.deliveryKey === undefined ? entry.factsAt : this.now();
    const statuses = computeStatuses({ ...facts, delivery }, { now: now.toISOString(), previous: entry?.statuses });
    this.meshes.set(mesh, { facts, factsAt: now, deliveryKey, statuses });
  }
}

/** Types every gateway Envoy subscribes to through ADS; the others only when it needs them. */
const ALWAYS_SUBSCRIBED: readonly string[] = [TypeUrl.Cluster, TypeUrl.Listener];

/**
 * Delivery state from the snapshot cache and the xDS server's delivery records.
 * - Connected: an ADS stream is open.
 * - Acknowledged: CDS and LDS ACKed at the current snapshot's type versions, and no other type
 *   has a sent version still unACKed unless it ACKed the current one. Other types are compared
 *   with what was sent, not with the snapshot: the server skips a response when the client
 *   already holds every resource, so their ACKed type version may legitimately lag. A type whose
 *   current version the proxy NACKed counts as done here: it is reported in `rejected`.
 * - Rejected: the types whose last NACK is of the current snapshot's version. A NACK of an older
 *   version is not the current configuration's (its replacement is on its way after the backoff).
 */
export function cacheDelivery(cache: SnapshotCache): DeliveryLookup {
  return (mesh, proxy) => nodeDelivery(cache, proxyNodeId(mesh, proxy));
}

/** One proxy's delivery state by node id, as cacheDelivery describes it. */
export function nodeDelivery(cache: SnapshotCache, nodeId: string): ProxyDelivery {
  // Held snapshots only: a proxy with no stream may have none built, and statuses must not build them.
  const snapshot = cache.peek(nodeId);
  const node = cache.delivery.status(nodeId);
  const connected = (node?.connectedStreams ?? 0) > 0;
  if (snapshot === undefined || node === undefined) return { connected, acked: false };
  const byType = new Map(node.types.map((t) => [t.typeUrl, t]));
  const fullTypesAcked = ALWAYS_SUBSCRIBED.every((typeUrl) => {
    const t = byType.get(typeUrl);
    return t !== undefined && (t.ackedVersion === snapshotType(snapshot, typeUrl).version || rejectsCurrent(t, snapshot));
  });
  const nothingPending = node.types.every((t) => settled(t, snapshot) || rejectsCurrent(t, snapshot));
  const rejected = node.types.filter((t) => rejectsCurrent(t, snapshot)).map(rejectionOf);
  return { connected, acked: fullTypesAcked && nothingPending, ...(rejected.length > 0 ? { rejected } : {}) };
}

/** Nothing of the type is in flight, or the proxy runs the snapshot's version anyway. */
function settled(t: TypeDelivery, snapshot: Snapshot): boolean {
  return t.sentVersion === undefined || t.ackedVersion === t.sentVersion || t.ackedVersion === snapshotType(snapshot, t.typeUrl).version;
}

/** The type's last NACK is of the snapshot's current version of the type. */
function rejectsCurrent(t: TypeDelivery, snapshot: Snapshot): boolean {
  return t.lastNack !== undefined && t.lastNack.version === snapshotType(snapshot, t.typeUrl).version;
}

/** The rejection a type's last NACK stands for. */
function rejectionOf(t: TypeDelivery): RejectedConfig {
  const nack = t.lastNack!;
  return { type: envoyTypeName(t.typeUrl), resources: nack.resources, detail: nack.message };
}

/** `RouteConfiguration` for `type.googleapis.com/envoy.config.route.v3.RouteConfiguration`. */
export function envoyTypeName(typeUrl: string): string {
  const full = protoNameOf(typeUrl);
  return full.slice(full.lastIndexOf('.') + 1);
}
