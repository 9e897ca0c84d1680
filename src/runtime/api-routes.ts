// The REST routes the runtime adds to the API server. One list, used by the control plane and by
// the REST access test (test/feature/rest-access.test.ts), so a route added here is enumerated
// and checked there without anyone remembering to.
import type { ExtraRoute } from '../api-server/router.js';
import type { ResourceStore } from '../core/store.js';
import type { SnapshotCache } from '../xds/cache/snapshot-cache.js';
import type { ResourceStatuses } from './resource-status.js';
import { dataplaneInsightRoute } from './dataplane-insight-route.js';
import { statusRoutes } from './status-route.js';
import { xdsDumpRoute } from './xds-dump-route.js';

/** The runtime's extra routes: the xDS dump and insight of a dataplane, and gateway and route statuses. */
export function runtimeApiRoutes(store: ResourceStore, cache: SnapshotCache, statuses: ResourceStatuses): ExtraRoute[] {
  return [xdsDumpRoute(cache), dataplaneInsightRoute(store, cache), ...statusRoutes(statuses)];
}
