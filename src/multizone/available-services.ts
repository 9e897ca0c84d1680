// The available services a zone control plane writes into its ZoneIngresses (docs/multizone.md
// "Available services"): one entry per distinct (mesh, tag set) over the healthy
// inbounds of the zone's own Dataplanes, plus the cross-mesh gateway listeners the runtime computes
// with src/gateway (this module may not import it), each counted by instances, sorted by mesh and
// then by the tags written `k1=v1,k2=v2` with sorted keys. Pure: same input, same list.
import type { DataplaneInbound } from '../api/dataplane.js';
import type { Tags } from '../api/tags.js';
import type { AvailableService } from '../api/zone-ingress.js';
import { compareBytes } from '../core/byte-order.js';
import type { StoredResource } from '../core/resource.js';
import { ZONE_LABEL } from './hash-suffix.js';
import { ORIGIN_LABEL } from './synced-labels.js';

/** One tag set a mesh offers through the ingress, counted once per occurrence (a listener, an inbound). */
export interface OfferedTags {
  readonly mesh: string;
  readonly tags: Tags;
}

/**
 * Whether a Dataplane was made in zone `zone`: not a copy received from global or another zone.
 * Labels are the only record of origin (docs/multizone.md §4.2): `kuma.io/origin: global` or a
 * `kuma.io/zone` naming another zone is a copy; no labels at all is a Dataplane made here before
 * labelling existed, or on a zone without a global, which stores labels as given.
 */
export function isLocalDataplane(dataplane: Pick<StoredResource<'Dataplane'>, 'labels'>, zone: string): boolean {
  const labels = dataplane.labels ?? {};
  if (labels[ORIGIN_LABEL] === 'global') return false;
  const claimed = labels[ZONE_LABEL];
  return claimed === undefined || claimed === zone;
}

/**
 * Healthy as docs/multizone.md "Available services" says, and as endpoints count it (src/mesh/endpoints.ts): not
 * reported unready and in state Ready (absent means Ready). Ignored inbounds are not offered.
 */
export function isHealthyInbound(inbound: DataplaneInbound): boolean {
  return inbound.health?.ready !== false && (inbound.state ?? 'Ready') === 'Ready';
}

/** The tags of every healthy inbound of `dataplanes`, each with its Dataplane's mesh. */
export function healthyInboundTags(dataplanes: readonly StoredResource<'Dataplane'>[]): OfferedTags[] {
  const out: OfferedTags[] = [];
  for (const dp of dataplanes) {
    for (const inbound of dp.spec.networking.inbound ?? []) if (isHealthyInbound(inbound)) out.push({ mesh: dp.mesh, tags: inbound.tags });
  }
  return out;
}

/**
 * Serialisations of tag maps already seen. Stored resources are immutable, so a Dataplane's
 * inbound tags keep their identity from one recomputation to the next and only changed
 * Dataplanes are serialised again (bench `ingress-services-10000`).
 */
const serialised = new WeakMap<Tags, string>();

/** `k1=v1,k2=v2` with keys in byte order: the sort key of a tag set and its identity in a mesh. */
export function serialiseTags(tags: Tags): string {
  let text = serialised.get(tags);
  if (text === undefined) {
    text = Object.keys(tags)
      .sort(compareBytes)
      .map((k) => `${k}=${tags[k] ?? ''}`)
      .join(',');
    serialised.set(tags, text);
  }
  return text;
}

/** The tags with keys in byte order (what the list stores, so equal sets print equally). */
function sortedTags(tags: Tags): Tags {
  const out: Record<string, string> = {};
  for (const k of Object.keys(tags).sort(compareBytes)) out[k] = tags[k] as string;
  return out;
}

/**
 * The available services from every tag set offered: equal (mesh, tags) pairs merge into one entry whose
 * `instances` counts them. Keys of the map join mesh and tags with a NUL, which neither may hold
 * in a way that collides (mesh names are DNS-like; the serialisation keeps its own separators).
 */
export function availableServicesOf(offered: readonly OfferedTags[]): AvailableService[] {
  const counts = new Map<string, { mesh: string; serialised: string; tags: Tags; instances: number }>();
  for (const { mesh, tags } of offered) {
    const serialised = serialiseTags(tags);
    const key = `${mesh}\u0000${serialised}`;
    const entry = counts.get(key);
    if (entry) entry.instances++;
    else counts.set(key, { mesh, serialised, tags, instances: 1 });
  }
  return [...counts.values()]
    .sort((a, b) => compareBytes(a.mesh, b.mesh) || compareBytes(a.serialised, b.serialised))
    .map((e) => ({ tags: sortedTags(e.tags), instances: e.instances, mesh: e.mesh }));
}

/**
 * Whether two lists are equal entry by entry, in order, as Kuma compares them (proto equality):
 * tags as maps, and absent `instances`, `mesh` or `externalService` equal to their zero values.
 */
export function sameAvailableServices(a: readonly AvailableService[], b: readonly AvailableService[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!sameEntry(a[i]!, b[i]!)) return false;
  return true;
}

function sameEntry(a: AvailableService, b: AvailableService): boolean {
  if ((a.instances ?? 0) !== (b.instances ?? 0) || (a.mesh ?? '') !== (b.mesh ?? '') || (a.externalService ?? false) !== (b.externalService ?? false)) return false;
  const keys = Object.keys(a.tags);
  if (keys.length !== Object.keys(b.tags).length) return false;
  return keys.every((k) => Object.hasOwn(b.tags, k) && b.tags[k] === a.tags[k]);
}

/** Whether a ZoneIngress belongs to zone `zone`: its `zone` is empty (made here) or names it. */
export function isOwnZoneIngress(spec: { readonly zone?: string }, zone: string): boolean {
  return (spec.zone ?? '') === '' || spec.zone === zone;
}
