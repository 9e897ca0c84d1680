// The REST routes the runtime adds to the API server. One list, used by the control plane and by
// the REST access test (test/feature/rest-access.test.ts), so a route added here is enumerated
// and checked there without anyone remembering to.
import type { ExtraRoute } from '../api-server/router.js';
import { dataplaneTokenRoute } from '../api-server/dataplane-token-route.js';
import { zoneTokenRoute } from '../api-server/zone-token-route.js';
import type { ResourceStore } from '../core/store.js';
import type { DataplaneTokens } from '../tokens/dataplane-token.js';
import { ZoneTokens } from '../tokens/zone-token.js';
import type { DeliveryRecords } from '../xds/cache/delivery-status.js';
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

/** What the runtime's routes need besides the store, the cache and the statuses. */
export interface RuntimeRouteOptions {
  /** Universal mode: dataplane token issuing (POST /tokens/dataplane). */
  readonly dataplaneTokens?: DataplaneTokens;
  readonly certificates?: CertificateInsights;
  /** Zone token issuing (default on): a federated zone does not issue them, its global does. */
  readonly zoneTokens?: boolean;
  readonly resolveIngressHost?: (name: string) => string | undefined;
  /** Delivery records of proxies (default: this replica's; shared ones with several replicas). */
  readonly records?: DeliveryRecords;
  /** The client certificate proxies' admin servers admit (generated CA only; envoy-admin-route.ts). */
  readonly adminClient?: { readonly certPem: string; readonly keyPem: string };
}

/**
 * The runtime's extra routes: the xDS dump, insight and policies of a dataplane (its Envoy admin
 * views answer 501), mesh insights, gateway and route statuses and overviews, dataplane token
 * issuing when `dataplaneTokens` is given (universal mode), and zone token issuing unless
 * `zoneTokens` is false.
 */
export function runtimeApiRoutes(store: ResourceStore, cache: SnapshotCache, statuses: ResourceStatuses, options: RuntimeRouteOptions = {}): ExtraRoute[] {
  const { dataplaneTokens, certificates, zoneTokens = true, resolveIngressHost } = options;
  const records = options.records ?? ((nodeId: string) => cache.delivery.status(nodeId));
  return [
    xdsDumpRoute(cache),
    dataplaneInsightRoute(store, records, certificates),
    ...dataplaneInsightListRoutes(store, records, certificates),
    dataplanePoliciesRoute(store, statuses),
    ...envoyAdminRoutes(store, { records, ...(options.adminClient ? { client: options.adminClient } : {}) }),
    ...meshInsightRoutes(store, records, certificates),
    ...gatewayOverviewRoutes(store, records, statuses),
    ...statusRoutes(statuses),
    zoneIngressStatusRoute(store, resolveIngressHost),
    ...(dataplaneTokens ? [dataplaneTokenRoute(store, dataplaneTokens)] : []),
    ...(zoneTokens ? [zoneTokenRoute(new ZoneTokens(store))] : []),
  ];
}
