// Names and labels of synced copies (docs/multizone.md §4.2), and the labels a zone computes for what
// is created in it. The receiving side tells global copies from its own objects by these labels
// alone (which copies a full sync may delete, which objects are read-only), so every copy leaves
// the sender carrying its origin.
import { DISPLAY_NAME_LABEL, displayName, K8S_NAMESPACE_LABEL, syncedName, ZONE_LABEL } from './hash-suffix.js';
import type { SyncFlags, SyncResource } from './sync-resource.js';

/** Where a resource was created: `global` or `zone`; absent on objects created before labelling. */
export const ORIGIN_LABEL = 'kuma.io/origin';
/** Store flavour of the zone a resource was created in: `universal` or `kubernetes`. */
export const ENV_LABEL = 'kuma.io/env';
/** Mesh of a mesh-scoped resource, so label selectors can filter by mesh. */
export const MESH_LABEL = 'kuma.io/mesh';
/** Kind of proxy a Dataplane, ZoneIngress or ZoneEgress runs. */
export const PROXY_TYPE_LABEL = 'kuma.io/proxy-type';
/** Marks a Dataplane whose proxy went away; local bookkeeping, never sent to global. */
export const DELETION_GRACE_LABEL = 'kuma.io/deletion-grace-period-started-at';

export type Labels = Readonly<Record<string, string>>;

/** Labels without those that start with one of `prefixes`. */
export function withoutPrefixes(labels: Labels, prefixes: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(labels)) {
    if (!prefixes.some((p) => key.startsWith(p))) out[key] = value;
  }
  return out;
}

/** Labels sorted by key: copies compare equal whatever order their labels were built in. */
function sorted(labels: Labels): Labels {
  return Object.fromEntries(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/**
 * Renames a copy unless its kind keeps names, recording the original in `kuma.io/display-name`.
 * The hash reads the labels as they will be sent, so a zone copy hashes its zone (docs/multizone.md §4.1).
 */
function renamed(resource: SyncResource, labels: Record<string, string>, flags: SyncFlags): { name: string; labels: Labels } {
  if (flags.keepName) return { name: resource.name, labels: sorted(labels) };
  const original = displayName({ name: resource.name, mesh: resource.mesh, labels: resource.labels });
  const name = syncedName({ name: original, mesh: resource.mesh, labels });
  if (name !== resource.name) labels[DISPLAY_NAME_LABEL] = original;
  return { name, labels: sorted(labels) };
}

/** Settings of the global-to-zone mapping. */
export interface GlobalToZoneOptions {
  /** `multizone.global.kds.labels.skipPrefixes`: labels that stay on global. */
  readonly skipPrefixes?: readonly string[];
}

/**
 * The copy of a global resource sent to a zone: skipped labels removed, `kuma.io/origin: global`,
 * renamed with the hash suffix (unless the kind keeps names) and without status: a zone computes
 * its own. A zone resource re-sent by global (ZoneIngress) keeps its zone and display-name labels
 * and so gets the same name in other zones as on global.
 */
export function globalToZoneCopy(resource: SyncResource, flags: SyncFlags, options: GlobalToZoneOptions = {}): SyncResource {
  const labels = withoutPrefixes(resource.labels ?? {}, options.skipPrefixes ?? []);
  labels[ORIGIN_LABEL] = 'global';
  const { name, labels: out } = renamed(resource, labels, flags);
  return { kind: resource.kind, mesh: resource.mesh, name, labels: out, spec: resource.spec };
}

/** Settings of the zone-to-global mapping. */
export interface ZoneToGlobalOptions {
  /** Name of the sending zone. */
  readonly zone: string;
  /** `multizone.zone.kds.labels.skipPrefixes`: labels that stay in the zone. */
  readonly skipPrefixes?: readonly string[];
  /** Kubernetes namespace of the object, when the zone runs on Kubernetes. */
  readonly namespace?: string;
}

/** Insight kinds whose subscriptions carry a heartbeat `generation`. */
const INSIGHT_KINDS: ReadonlySet<string> = new Set(['DataplaneInsight', 'ZoneIngressInsight', 'ZoneEgressInsight']);

/**
 * An insight spec with every subscription's `generation` set to 0: the proxy bumps it on each
 * heartbeat, and sending each bump to global would make every heartbeat a sync change.
 */
export function zeroSubscriptionGenerations(spec: unknown): unknown {
  if (typeof spec !== 'object' || spec === null) return spec;
  const subscriptions = (spec as { subscriptions?: unknown }).subscriptions;
  if (!Array.isArray(subscriptions)) return spec;
  return {
    ...spec,
    subscriptions: subscriptions.map((s: unknown) => (typeof s === 'object' && s !== null && 'generation' in s ? { ...s, generation: 0 } : s)),
  };
}

/**
 * The copy of a zone resource sent to global: local bookkeeping and skipped labels removed,
 * `kuma.io/origin: zone`, `kuma.io/zone: <zone>`, the namespace on Kubernetes, then renamed with a
 * hash that includes the zone (and namespace), so equal names from two zones never collide.
 * Global pins the zone again on receipt (docs/multizone.md §3.5); setting it here keeps names stable.
 */
export function zoneToGlobalCopy(resource: SyncResource, flags: SyncFlags, options: ZoneToGlobalOptions): SyncResource {
  const labels = withoutPrefixes(resource.labels ?? {}, [DELETION_GRACE_LABEL, ...(options.skipPrefixes ?? [])]);
  labels[ORIGIN_LABEL] = 'zone';
  labels[ZONE_LABEL] = options.zone;
  if (options.namespace !== undefined && options.namespace !== '') labels[K8S_NAMESPACE_LABEL] = options.namespace;
  const { name, labels: out } = renamed(resource, labels, flags);
  const spec = INSIGHT_KINDS.has(resource.kind) ? zeroSubscriptionGenerations(resource.spec) : resource.spec;
  const copy: SyncResource = { kind: resource.kind, mesh: resource.mesh, name, labels: out, spec };
  return resource.status === undefined ? copy : { ...copy, status: resource.status };
}

/** Where a control plane runs, for the labels it computes. */
export interface LocalLabelContext {
  readonly mode: 'global' | 'zone';
  /** This zone's name (`default` unless configured); unused on global. */
  readonly zone: string;
  readonly env: 'universal' | 'kubernetes';
}

/** What the computed labels depend on in a resource being written locally. */
export interface LocalResource {
  readonly kind: string;
  /** `mesh` or `global` (descriptor scope). */
  readonly scope: 'mesh' | 'global';
  readonly mesh: string;
  readonly labels?: Labels;
  readonly spec?: unknown;
}

/** `kuma.io/proxy-type` of a proxy kind; undefined for other kinds. */
export function proxyType(kind: string, spec: unknown): string | undefined {
  if (kind === 'ZoneIngress') return 'zoneingress';
  if (kind === 'ZoneEgress') return 'zoneegress';
  if (kind !== 'Dataplane') return undefined;
  const gateway = (spec as { networking?: { gateway?: unknown } } | undefined)?.networking?.gateway;
  return gateway === undefined || gateway === null ? 'sidecar' : 'gateway';
}

/**
 * The labels of a resource written on this control plane (Kuma's computed labels): the user's
 * labels plus `kuma.io/mesh` on mesh-scoped kinds, `kuma.io/proxy-type` on proxies and, on a
 * zone for kinds zones create, `kuma.io/origin: zone`, `kuma.io/zone` and `kuma.io/env`.
 * A copy received from global already says `kuma.io/origin: global` and keeps it: only what
 * originates here is stamped with this zone. Kuma sets these labels only when absent and relies
 * on rejecting user-set values; Portico does not validate reserved labels, so it overwrites mesh,
 * zone and env instead: an object created here cannot claim another zone or mesh.
 */
export function computedLabels(resource: LocalResource, flags: SyncFlags | undefined, context: LocalLabelContext): Labels {
  const labels: Record<string, string> = { ...(resource.labels ?? {}) };
  if (resource.scope === 'mesh') labels[MESH_LABEL] = resource.mesh;
  const proxy = proxyType(resource.kind, resource.spec);
  if (proxy !== undefined) labels[PROXY_TYPE_LABEL] = proxy;
  if (context.mode === 'zone' && flags?.providedByZone) {
    const origin = labels[ORIGIN_LABEL] ?? 'zone';
    labels[ORIGIN_LABEL] = origin;
    if (origin !== 'global') {
      labels[ZONE_LABEL] = context.zone;
      labels[ENV_LABEL] = context.env;
    }
  }
  return sorted(labels);
}
