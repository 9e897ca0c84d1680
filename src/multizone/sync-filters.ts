// What each side of a multi-zone deployment sends (docs/multizone.md §2): pure decisions over one
// resource, the kind's flags and the Zone resources, and the snapshot a stream sends, built from
// them and from the copies of synced-labels.ts. No store, no crypto: the caller lists, and passes
// in how to derive a public key.
import { ZONE_LABEL } from './hash-suffix.js';
import { globalToZoneCopy, ORIGIN_LABEL, zoneToGlobalCopy } from './synced-labels.js';
import type { FlagsOf, SyncFlags, SyncResource } from './sync-resource.js';

/** Per-object override of the kind's default: `enabled` or `disabled`. */
export const KDS_SYNC_LABEL = 'kuma.io/kds-sync';

/** Prefix of zone-token signing keys (private; global keeps them). */
export const ZONE_TOKEN_SIGNING_KEY_PREFIX = 'zone-token-signing-key-';
/** Prefix of the public halves zones receive in their place, to verify zone tokens. */
export const ZONE_TOKEN_PUBLIC_KEY_PREFIX = 'zone-token-signing-public-key-';
/** The only Config entry global sends: the cluster's identity. */
export const SYNCED_CONFIGS: ReadonlySet<string> = new Set(['kuma-cluster-id']);

const labelsOf = (r: SyncResource): Readonly<Record<string, string>> => r.labels ?? {};

/** Created on global: origin label absent (objects older than labelling) or `global`. */
export function isGlobalOriginated(resource: SyncResource): boolean {
  const origin = labelsOf(resource)[ORIGIN_LABEL];
  return origin === undefined || origin === 'global';
}

/** Created in this zone: origin label absent or `zone` (copies from global say `global`). */
export function isZoneOriginated(resource: SyncResource): boolean {
  const origin = labelsOf(resource)[ORIGIN_LABEL];
  return origin === undefined || origin === 'zone';
}

/**
 * The zone a zone-originated resource came from: label `kuma.io/zone`, else the first
 * dot-separated part of its name (names like `<zone>.<name>` from before the label existed).
 */
export function originZone(resource: SyncResource): string {
  const label = labelsOf(resource)[ZONE_LABEL];
  if (label !== undefined && label !== '') return label;
  return resource.name.split('.')[0] ?? '';
}

/** Whether the object travels at all: its `kuma.io/kds-sync` label, else its kind's default. */
export function syncEnabled(resource: SyncResource, flags: SyncFlags): boolean {
  const override = labelsOf(resource)[KDS_SYNC_LABEL];
  if (override === 'enabled') return true;
  if (override === 'disabled') return false;
  return !flags.disabledByDefault;
}

/**
 * Whether a GlobalSecret may leave global: only zone-token signing keys, and those only through
 * `zoneTokenPublicKeyCopy` (the snapshot functions never send one unmapped). An allow-list, as in
 * Kuma's code: admin credentials (`admin-user-token`, `envoy-admin-ca`), the inter-CP CA and
 * user-token material (`user-token-signing-key-<N>`, `user-token-revocations`) stay on global,
 * and so does any GlobalSecret added later unless it is listed here on purpose.
 */
export function globalSecretSent(name: string): boolean {
  return name.startsWith(ZONE_TOKEN_SIGNING_KEY_PREFIX);
}

/** What global knows when deciding for one zone. */
export interface GlobalToZoneContext {
  readonly flagsOf: FlagsOf;
  /** `enabled` of the Zone resource of that name; undefined when there is none (counts as enabled). */
  readonly zoneEnabled: (zone: string) => boolean | undefined;
}

/**
 * Whether global sends a resource to zone `zone`: a global-originated object of a global→zones
 * kind, or another zone's object of a kind synced across zones while that zone is enabled.
 * Never a zone's own objects back to it.
 */
export function globalSendsToZone(resource: SyncResource, zone: string, context: GlobalToZoneContext): boolean {
  const flags = context.flagsOf(resource.kind);
  if (flags === undefined || !syncEnabled(resource, flags)) return false;
  if (resource.kind === 'GlobalSecret' && !globalSecretSent(resource.name)) return false;
  if (resource.kind === 'Config' && !SYNCED_CONFIGS.has(resource.name)) return false;
  if (isGlobalOriginated(resource)) return flags.globalToZones;
  if (!flags.syncedAcrossZones) return false;
  const from = originZone(resource);
  return from !== zone && context.zoneEnabled(from) !== false;
}

/** Whether a zone sends a resource to global: a zone→global kind, created in this zone. */
export function zoneSendsToGlobal(resource: SyncResource, flagsOf: FlagsOf): boolean {
  const flags = flagsOf(resource.kind);
  if (flags === undefined || !syncEnabled(resource, flags)) return false;
  return flags.zoneToGlobal && isZoneOriginated(resource);
}

/**
 * Derives the public key of a zone-token signing key. Both sides are GlobalSecret data as stored
 * (base64): the private key in, the public key out. Supplied by the tokens module.
 */
export type DerivePublicKey = (signingKeyData: string) => string;

/**
 * A zone-token signing key replaced by its public half (`zone-token-signing-key-<N>` ->
 * `zone-token-signing-public-key-<N>`, data = the public key, labels kept): zones
 * verify zone tokens but must never be able to issue one. Other resources pass unchanged.
 */
export function zoneTokenPublicKeyCopy(resource: SyncResource, derivePublicKey: DerivePublicKey): SyncResource {
  if (resource.kind !== 'GlobalSecret' || !resource.name.startsWith(ZONE_TOKEN_SIGNING_KEY_PREFIX)) return resource;
  const data = (resource.spec as { data?: unknown } | undefined)?.data;
  if (typeof data !== 'string') throw new Error(`GlobalSecret ${resource.name}: no signing key data`);
  const name = ZONE_TOKEN_PUBLIC_KEY_PREFIX + resource.name.slice(ZONE_TOKEN_SIGNING_KEY_PREFIX.length);
  return { ...resource, name, spec: { data: derivePublicKey(data) } };
}

/** Order of a snapshot: kind, mesh, name (output is sorted so equal snapshots compare equal). */
function compareResources(a: SyncResource, b: SyncResource): number {
  for (const [x, y] of [[a.kind, b.kind], [a.mesh, b.mesh], [a.name, b.name]] as const) {
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

/** Settings of a global-to-zone snapshot. */
export interface GlobalToZoneSnapshotContext extends GlobalToZoneContext {
  readonly derivePublicKey: DerivePublicKey;
  /** `multizone.global.kds.labels.skipPrefixes`. */
  readonly skipPrefixes?: readonly string[];
}

/**
 * Everything global sends to zone `zone` out of `resources` (all of global's objects): filtered,
 * zone-token keys reduced to public keys, then renamed and relabelled as copies. Sorted.
 */
export function globalToZoneSnapshot(resources: readonly SyncResource[], zone: string, context: GlobalToZoneSnapshotContext): SyncResource[] {
  const out: SyncResource[] = [];
  for (const resource of resources) {
    if (!globalSendsToZone(resource, zone, context)) continue;
    const flags = context.flagsOf(resource.kind) as SyncFlags;
    const sendable = zoneTokenPublicKeyCopy(resource, context.derivePublicKey);
    out.push(globalToZoneCopy(sendable, flags, { skipPrefixes: context.skipPrefixes }));
  }
  return out.sort(compareResources);
}

/** Settings of a zone-to-global snapshot. */
export interface ZoneToGlobalSnapshotContext {
  readonly flagsOf: FlagsOf;
  readonly zone: string;
  /** `multizone.zone.kds.labels.skipPrefixes`. */
  readonly skipPrefixes?: readonly string[];
  /** Kubernetes namespace of an object, on a Kubernetes zone. */
  readonly namespaceOf?: (resource: SyncResource) => string | undefined;
}

/** Everything a zone sends to global out of its own store: filtered, renamed, relabelled. Sorted. */
export function zoneToGlobalSnapshot(resources: readonly SyncResource[], context: ZoneToGlobalSnapshotContext): SyncResource[] {
  const out: SyncResource[] = [];
  for (const resource of resources) {
    if (!zoneSendsToGlobal(resource, context.flagsOf)) continue;
    const flags = context.flagsOf(resource.kind) as SyncFlags;
    const namespace = context.namespaceOf?.(resource);
    out.push(zoneToGlobalCopy(resource, flags, { zone: context.zone, skipPrefixes: context.skipPrefixes, namespace }));
  }
  return out.sort(compareResources);
}
