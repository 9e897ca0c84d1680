// Where a resource may be written in a multi-zone deployment (docs/multizone.md §5.1, §5.2): which
// kinds a global or a federated zone refuses outright (405), and the label rules on the kinds it
// does accept (400 at `labels["<key>"]`). Pure functions of the control plane's role and the
// kind's multi-zone flags, so REST, apply and later the webhook answer the same way.
import { ZONE_TAG } from './tags.js';
import type { MultizoneFlags } from './kinds/descriptor.js';
import type { Violation } from './violation.js';

/** Label naming where a resource was created: `global` or `zone`. */
export const ORIGIN_LABEL = 'kuma.io/origin';
/** Label naming the zone a zone-originated resource came from. */
export const ZONE_LABEL = 'kuma.io/zone';
/** Label naming the mesh of a mesh-scoped resource. */
export const MESH_LABEL = 'kuma.io/mesh';
/** Label holding a synced copy's name as written by the user. */
export const DISPLAY_NAME_LABEL = 'kuma.io/display-name';

/** Labels that, once set, a write may neither remove nor change (docs/multizone.md §5.2). */
const IMMUTABLE_LABELS = [ORIGIN_LABEL, ZONE_LABEL, DISPLAY_NAME_LABEL] as const;

/**
 * The role of a control plane as far as writes are concerned. A zone is federated exactly when it
 * has a global address (Kuma's IsFederatedZoneCP); a zone without global writes everything.
 */
export type WriteRole =
  | { readonly mode: 'global' }
  | { readonly mode: 'zone'; readonly zone: string; readonly federated: boolean };

/** Kuma's 405 detail on global for types not provided by global (trailing newline included). */
export const GLOBAL_READ_ONLY_DETAIL =
  "On global control plane you can not modify dataplane resources with 'kumactl apply' or via the HTTP API. You can still use 'kumactl' or the HTTP API to modify them on the zone control plane.\n";

/** Kuma's 405 detail on a federated zone for types not provided by zone (trailing newline included). */
export const ZONE_READ_ONLY_DETAIL =
  "On zone control plane you can only modify zone resources with 'kumactl apply' or via the HTTP API. You can still use 'kumactl' or the HTTP API to modify the rest of the resource on the global control plane.\n";

/**
 * The 405 detail when `role` may not write a kind with these flags, else undefined. Kinds without
 * flags are not synced and stay writable everywhere; insight kinds are writable nowhere.
 */
export function readOnlyDetail(role: WriteRole, flags: MultizoneFlags | undefined): string | undefined {
  if (!flags) return undefined;
  // Insights are the control plane's record: no role lets a user write one.
  if (flags.insight) return role.mode === 'global' ? GLOBAL_READ_ONLY_DETAIL : ZONE_READ_ONLY_DETAIL;
  if (role.mode === 'global') return flags.providedByGlobal ? undefined : GLOBAL_READ_ONLY_DETAIL;
  if (!role.federated) return undefined;
  return flags.providedByZone ? undefined : ZONE_READ_ONLY_DETAIL;
}

/** One write as the label rules see it. */
export interface LabelledWrite {
  readonly operation: 'create' | 'update' | 'delete';
  /** The mesh of a mesh-scoped resource; undefined for global-scoped kinds. */
  readonly mesh: string | undefined;
  readonly name: string;
  /** Labels of the written resource (for a delete: of the stored one). */
  readonly labels: Readonly<Record<string, string>>;
  /** Labels of the stored resource an update replaces. */
  readonly previous?: Readonly<Record<string, string>>;
}

/** The 400 violations of a write on a writable kind (docs/multizone.md §5.2 and [Z1] of §13.3). */
export function labelViolations(role: WriteRole, write: LabelledWrite): Violation[] {
  const violations: Violation[] = [];
  const origin = write.labels[ORIGIN_LABEL];
  // Checked on what is written; a stored oddity (from before these rules) must stay deletable.
  if (write.operation !== 'delete' && origin !== undefined && origin !== 'global' && origin !== 'zone') {
    violations.push(at(ORIGIN_LABEL, `unknown resource origin "${origin}"`));
  }
  // A zone without global keeps today's behaviour: only the origin value is checked.
  if (role.mode === 'zone' && !role.federated) return violations;
  if (role.mode === 'global') {
    // An absent label means global (it is stamped so on write, and that is how sync reads it).
    if ((origin ?? 'global') === 'zone') violations.push(at(ORIGIN_LABEL, "the origin label must be set to 'global'"));
  } else {
    violations.push(...zoneViolations(role.zone, write));
  }
  if (write.operation === 'update' && write.previous) violations.push(...immutableViolations(write.previous, write.labels));
  return violations;
}

/** A federated zone's own rules: its zone label, the mesh label, [Z1], the name length. */
function zoneViolations(zone: string, write: LabelledWrite): Violation[] {
  const violations: Violation[] = [];
  // [Z1]: a copy global sent down is global's to change; Kuma lets the zone overwrite it until the
  // next sync, Portico refuses.
  const storedOrigin = (write.operation === 'create' ? undefined : write.previous ?? write.labels)?.[ORIGIN_LABEL];
  if (write.operation !== 'create' && storedOrigin === 'global') {
    violations.push(at(ORIGIN_LABEL, "the origin label must be set to 'zone'"));
  }
  const origin = write.labels[ORIGIN_LABEL];
  const zoneLabel = write.labels[ZONE_LABEL];
  if (write.operation !== 'delete' && origin !== 'global' && zoneLabel !== undefined && zoneLabel !== zone) {
    violations.push(at(ZONE_LABEL, `kuma.io/zone label should have ${zone} value`));
  }
  const meshLabel = write.labels[MESH_LABEL];
  if (write.operation !== 'delete' && write.mesh !== undefined && meshLabel !== undefined && meshLabel !== write.mesh) {
    violations.push(at(MESH_LABEL, 'kuma.io/mesh label must not differ from mesh set on resource'));
  }
  // Global stores the copy as <zone>.<name> before hashing: the name must leave room for it.
  if (write.operation === 'create' && `${zone}.${write.name}`.length >= 253) {
    violations.push({ field: 'name', message: 'the length of the name must be shorter' });
  }
  return violations;
}

/** Removing or changing a label that records where a resource came from. */
function immutableViolations(previous: Readonly<Record<string, string>>, next: Readonly<Record<string, string>>): Violation[] {
  const violations: Violation[] = [];
  for (const key of IMMUTABLE_LABELS) {
    const was = previous[key];
    if (was === undefined) continue;
    const now = next[key];
    if (now === undefined) violations.push(at(key, `is immutable, cannot be removed (was "${was}")`));
    else if (now !== was) violations.push(at(key, `is immutable, cannot be changed from "${was}" to "${now}"`));
  }
  return violations;
}

/**
 * Labels a write stores: on global an absent origin becomes `global`; on a federated zone an
 * absent origin becomes `zone` and an absent zone label the CP's zone (docs/multizone.md §4.2), so that sync can
 * tell where every object came from. A zone without global stores labels as given.
 */
export function stampedLabels(role: WriteRole, labels: Readonly<Record<string, string>> | undefined): Readonly<Record<string, string>> | undefined {
  if (role.mode === 'global') return labels?.[ORIGIN_LABEL] ? labels : { ...labels, [ORIGIN_LABEL]: 'global' };
  if (!role.federated) return labels;
  if (labels?.[ORIGIN_LABEL] === 'global') return labels;
  return { ...labels, [ORIGIN_LABEL]: labels?.[ORIGIN_LABEL] ?? 'zone', [ZONE_LABEL]: labels?.[ZONE_LABEL] ?? role.zone };
}

/**
 * A Dataplane spec as a federated zone stores it: `kuma.io/zone: <zone>` in every inbound's tags
 * and in its gateway tags, as Kuma's zone control plane sets them, so that the proxy's identity,
 * `x-kuma-tags` and endpoint localities name its zone (docs/multizone.md). Other roles and kinds
 * are stored as given; a value already there is replaced, as the zone is the control plane's.
 */
export function stampedZoneTags<S>(role: WriteRole | undefined, kind: string, spec: S): S {
  if (!role || role.mode !== 'zone' || !role.federated || kind !== 'Dataplane') return spec;
  const dp = spec as { networking?: { inbound?: Array<{ tags?: Record<string, string> }>; gateway?: { tags?: Record<string, string> } } };
  const networking = dp.networking;
  if (!networking) return spec;
  const withZone = (tags: Record<string, string> | undefined) => ({ ...tags, [ZONE_TAG]: role.zone });
  return {
    ...dp,
    networking: {
      ...networking,
      ...(networking.inbound ? { inbound: networking.inbound.map((i) => ({ ...i, tags: withZone(i.tags) })) } : {}),
      ...(networking.gateway ? { gateway: { ...networking.gateway, tags: withZone(networking.gateway.tags) } } : {}),
    },
  } as S;
}

function at(label: string, message: string): Violation {
  return { field: `labels["${label}"]`, message };
}
