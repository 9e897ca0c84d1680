// What global does to every resource a zone sends before storing it (docs/multizone.md §3.5, §12): the
// zone comes from the authenticated stream, never from the payload. Labels `kuma.io/zone` and
// `kuma.io/origin` are overwritten, and so is every place inside a spec that names a zone: a
// ZoneIngress's `zone` and its available services' `kuma.io/zone` tags, a Dataplane's inbound and
// gateway `kuma.io/zone` tags. Pure: what was overwritten is reported, for logs and metrics.
import { ZONE_LABEL } from './hash-suffix.js';
import { ORIGIN_LABEL } from './synced-labels.js';
import type { SyncResource } from './sync-resource.js';

/** A pinned resource and the payload values that differed from the stream's zone. */
export interface PinnedResource {
  readonly resource: SyncResource;
  /** Field paths whose zone differed (`labels["kuma.io/zone"]`, `networking.inbound[0].tags["kuma.io/zone"]`). */
  readonly overwritten: readonly string[];
}

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Sets `tags["kuma.io/zone"]` of a tags map that has the key, recording a differing value. */
function pinTags(tags: unknown, zone: string, path: string, overwritten: string[]): unknown {
  if (!isObject(tags) || !Object.hasOwn(tags, ZONE_LABEL)) return tags;
  if (tags[ZONE_LABEL] === zone) return tags;
  overwritten.push(`${path}["${ZONE_LABEL}"]`);
  return { ...tags, [ZONE_LABEL]: zone };
}

function pinDataplane(spec: Json, zone: string, overwritten: string[]): Json {
  const networking = spec['networking'];
  if (!isObject(networking)) return spec;
  const next: Json = { ...networking };
  if (Array.isArray(networking['inbound'])) {
    next['inbound'] = networking['inbound'].map((inbound: unknown, i) =>
      isObject(inbound) ? { ...inbound, tags: pinTags(inbound['tags'], zone, `networking.inbound[${i}].tags`, overwritten) } : inbound,
    );
  }
  if (isObject(networking['gateway'])) {
    const gateway = networking['gateway'];
    next['gateway'] = { ...gateway, tags: pinTags(gateway['tags'], zone, 'networking.gateway.tags', overwritten) };
  }
  return { ...spec, networking: next };
}

function pinZoneIngress(spec: Json, zone: string, overwritten: string[]): Json {
  const next: Json = { ...spec };
  if (spec['zone'] !== undefined && spec['zone'] !== '' && spec['zone'] !== zone) overwritten.push('zone');
  next['zone'] = zone;
  if (Array.isArray(spec['availableServices'])) {
    next['availableServices'] = spec['availableServices'].map((service: unknown, i) =>
      isObject(service) ? { ...service, tags: pinTags(service['tags'], zone, `availableServices[${i}].tags`, overwritten) } : service,
    );
  }
  return next;
}

/** The resource as global stores it for zone `zone`. */
export function pinToZone(resource: SyncResource, zone: string): PinnedResource {
  const overwritten: string[] = [];
  const labels = { ...(resource.labels ?? {}) };
  const claimed = labels[ZONE_LABEL];
  if (claimed !== undefined && claimed !== zone) overwritten.push(`labels["${ZONE_LABEL}"]`);
  labels[ZONE_LABEL] = zone;
  labels[ORIGIN_LABEL] = 'zone';
  let spec = resource.spec;
  if (isObject(spec) && resource.kind === 'Dataplane') spec = pinDataplane(spec, zone, overwritten);
  if (isObject(spec) && resource.kind === 'ZoneIngress') spec = pinZoneIngress(spec, zone, overwritten);
  return { resource: { ...resource, labels, spec }, overwritten };
}
