// The REST routes the runtime adds to the API server. One list, used by the control plane and by
// the REST access test (test/feature/rest-access.test.ts), so a route added here is enumerated
// and checked there without anyone remembering to.
import type { ExtraRoute } from '../api-server/router.js';
import { dataplaneTokenRoute } from '../api-server/dataplane-token-route.js';
import { zoneTokenRoute } from '../api-server/zone-token-route.js';
import type { ResourceStore } from '../core/store.js';
import type { DataplaneTokens } from '../tokens/dataplane-token.js';
import { ZoneTokens } from '../tokens/zone-token.js';
import type { SnapshotCache } from '../xds/cache/snapshot-cache.js';
import type { ResourceStatuses } from './resource-status.js';
import { dataplaneInsightListRoutes, dataplaneInsightRoute, type CertificateInsights } from './dataplane-insight-route.js';
import { dataplanePoliciesRoute } from './dataplane-policies-route.js';
import { envoyAdminRoutes } from './envoy-admin-route.js';
import { gatewayOverviewRoutes } from './gateway-overview-route.js';
import { meshInsightRoutes } from './mesh-insight-route.js';
import { statusRoutes } from './status-route.js';
import { xdsDumpRoute } from './xds-dump-route.js';
import { zoneIngressStatusRoute } from './zone-ingress-status-route.js';

/**
 * The runtime's extra routes: the xDS dump, insight and policies of a dataplane (its Envoy admin
 * views answer 501), mesh insights, gateway and route statuses and overviews,
 * dataplane token issuing when `dataplaneTokens` is given (universal mode), and zone token issuing
 * unless `zoneTokens` is false: a federated zone does not issue them, its global does.
 */
export function runtimeApiRoutes(
  store: ResourceStore,
  cache: SnapshotCache,
  statuses: ResourceStatuses,
  dataplaneTokens: DataplaneTokens | undefined,
  certificates?: CertificateInsights,
  zoneTokens = true,
  resolveIngressHost?: (name: string) => string | undefined,
): ExtraRoute[] {
  return [
    xdsDumpRoute(cache),
    dataplaneInsightRoute(store, cache, certificates),
    ...dataplaneInsightListRoutes(store, cache, certificates),
    dataplanePoliciesRoute(store, statuses),
    ...envoyAdminRoutes(store),
    ...meshInsightRoutes(store, cache, certificates),
    ...gatewayOverviewRoutes(store, cache, statuses),
    ...statusRoutes(statuses),
    zoneIngressStatusRoute(store, resolveIngressHost),
    ...(dataplaneTokens ? [dataplaneTokenRoute(store, dataplaneTokens)] : []),
    ...(zoneTokens ? [zoneTokenRoute(new ZoneTokens(store))] : []),
  ];
}
