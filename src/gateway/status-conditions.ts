// The status vocabulary of MeshGateway and MeshGatewayRoute (docs/robustness.md §1): condition types,
// reasons and the condition shape, modelled on Gateway API conditions so that the Kubernetes
// status writers can copy them verbatim. Building a condition keeps `lastTransitionTime` from the
// previous condition of the same type while its status is unchanged, as Kubernetes conventions ask.
import type { Kind, StoredResource } from '../core/resource.js';

/** The resource is valid and was taken into the configuration (or why not). */
export const CONDITION_ACCEPTED = 'Accepted';
/** Every backend a route names has somewhere to send traffic (routes only). */
export const CONDITION_RESOLVED_REFS = 'ResolvedRefs';
/** The proxies the resource reaches run its current configuration. */
export const CONDITION_PROGRAMMED = 'Programmed';

/** Accepted True: valid and translated without problems. */
export const REASON_ACCEPTED = 'Accepted';
/** Accepted False: translation found problems (parts skipped), or generation failed (docs/gateway.md §4.6). */
export const REASON_INVALID = 'Invalid';
/** Accepted False on a route: no listener of any gateway proxy binds it (docs/gateway.md §2.5). */
export const REASON_NOT_BOUND = 'NotBound';
/** ResolvedRefs True: every destination has an endpoint. */
export const REASON_RESOLVED_REFS = 'ResolvedRefs';
/** ResolvedRefs False: a destination has no endpoint (or is the unresolved backend). */
export const REASON_BACKEND_NOT_FOUND = 'BackendNotFound';
/** Programmed True: every proxy reached is connected and acknowledged the current configuration. */
export const REASON_PROGRAMMED = 'Programmed';
/** Programmed False: some proxies have not acknowledged the current configuration yet. */
export const REASON_PENDING = 'Pending';
/** Programmed False: no gateway dataplane serves the resource. */
export const REASON_NO_PROXIES = 'NoProxies';
/**
 * Programmed False: a proxy rejected (NACKed) the current configuration and keeps running its last
 * accepted one; the message carries Envoy's reason (docs/status.md, "When Envoy rejects").
 */
export const REASON_REJECTED = 'Rejected';

// One condition shape for every status Portico writes: the Kubernetes `metav1.Condition` already
// declared with the MeshGatewayInstance status (observedGeneration = the resource version when it
// is a generation number; lastTransitionTime changes only when `status` changes).
import type { Condition, ConditionStatus } from '../api/mesh-gateway-instance.js';
export type { Condition, ConditionStatus };

/** How many gateway proxies a resource reaches and how far its configuration got to them. */
export interface ProxyCounts {
  readonly selected: number;
  readonly connected: number;
  /** Proxies that are connected and acknowledged the current version of every type. */
  readonly acknowledged: number;
  /** Proxies that rejected (NACKed) the current configuration of the resource. */
  readonly rejected: number;
}

/** The computed status of one MeshGateway or MeshGatewayRoute. */
export interface ResourceStatus {
  /** Fixed order: Accepted, ResolvedRefs (routes only), Programmed. */
  readonly conditions: readonly Condition[];
  readonly proxies?: ProxyCounts;
}

/** Statuses by statusKey. */
export type StatusMap = ReadonlyMap<string, ResourceStatus>;

/** The key of a resource in a StatusMap: `<kind>/<mesh>/<name>` (a mesh name has no slash). */
export function statusKey(kind: Kind, mesh: string, name: string): string {
  return `${kind}/${mesh}/${name}`;
}

/** A condition before its transition time and generation are filled in. */
export interface ConditionDraft {
  readonly type: string;
  readonly status: ConditionStatus;
  readonly reason: string;
  readonly message: string;
}

/**
 * Complete drafts for `resource`: each keeps the previous transition time of its type when the
 * status did not change, else takes `now`.
 */
export function finishConditions(
  drafts: readonly ConditionDraft[],
  resource: StoredResource,
  previous: ResourceStatus | undefined,
  now: string,
): Condition[] {
  const generation = observedGeneration(resource.version);
  return drafts.map((draft) => {
    const before = previous?.conditions.find((c) => c.type === draft.type);
    const lastTransitionTime = before !== undefined && before.status === draft.status ? before.lastTransitionTime : now;
    return { ...draft, ...(generation === undefined ? {} : { observedGeneration: generation }), lastTransitionTime };
  });
}

/** The store's version as a generation number; undefined when it is not a plain counter. */
function observedGeneration(version: string): number | undefined {
  if (!/^[0-9]{1,15}$/.test(version)) return undefined;
  return Number(version);
}

/** Most problems one message lists; the rest are counted, so a status stays readable and small. */
export const MAX_LISTED = 10;

/** `a; b; c` with at most MAX_LISTED items, then `; and N more`. */
export function joinListed(items: readonly string[]): string {
  const shown = items.slice(0, MAX_LISTED).join('; ');
  const rest = items.length - MAX_LISTED;
  return rest > 0 ? `${shown}; and ${rest} more` : shown;
}
