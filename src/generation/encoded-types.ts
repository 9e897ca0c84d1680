// Envoy objects -> encoded snapshot types through the content cache, for every proxy type: each
// resource list given becomes its type; EDS versions mix in the CDS version (docs/xds-server.md §9),
// which is why CDS is built first.
import { TypeUrl } from '../xds/cache/resource-types.js';
import { buildSnapshotType, type SnapshotType } from '../xds/cache/snapshot.js';
import { RESOURCE_TYPE_URLS, type EnvoyResources } from '../xds/translator/translate.js';
import type { CacheLease, EncodeCache } from './encode-cache.js';

/** Resource lists in build order: clusters before the endpoints that mix in their version. */
const BUILD_ORDER: readonly (keyof EnvoyResources)[] = ['clusters', 'endpoints', 'listeners', 'routes', 'runtimes', 'secrets'];

/** The snapshot types of the lists present in `resources`, encoded through `cache`. */
export function encodedTypes(resources: Partial<EnvoyResources>, cache: EncodeCache, lease: CacheLease): Map<string, SnapshotType> {
  const types = new Map<string, SnapshotType>();
  for (const key of BUILD_ORDER) {
    const list = resources[key];
    if (!list) continue;
    const typeUrl = RESOURCE_TYPE_URLS[key];
    const encoded = list.map((r) => ({ name: r.name, ...cache.encode(typeUrl, r.resource, lease) }));
    const mixIn = typeUrl === TypeUrl.ClusterLoadAssignment ? types.get(TypeUrl.Cluster)?.version : undefined;
    types.set(typeUrl, buildSnapshotType(typeUrl, encoded, mixIn));
  }
  return types;
}
