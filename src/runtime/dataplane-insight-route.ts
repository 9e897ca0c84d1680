// GET /meshes/{mesh}/dataplanes+insights/{name}: a Dataplane with what the xDS server knows of its
// proxy, modelled on Kuma's DataplaneOverview (`dataplane` + `dataplaneInsight.subscriptions`, with
// Kuma's response counters), plus what Kuma never showed: the last NACK of every type with Envoy's
// reason (docs/status.md). Delivery state is kept per proxy, not per stream, so there is one
// subscription: the proxy's current or last connection.
import type { CertificateInsight } from '../generation/workload-certificates.js';
import { badRequest, notFound, type ApiResponse } from '../api-server/problem.js';
import { pageOf, parsePaging } from '../api-server/paging.js';
import type { ApiRequest } from '../api-server/resources.js';
import { toUniversal } from '../api-server/resource-form.js';
import { parseDataplaneFilter } from './dataplane-filters.js';
import type { ExtraRoute } from '../api-server/router.js';
import type { StoredResource } from '../core/resource.js';
import type { ResourceStore } from '../core/store.js';
import type { DeliveryRecords, NodeDelivery, TypeDelivery } from '../xds/cache/delivery-status.js';
import { shortTypeName } from '../xds/cache/resource-types.js';
import { proxyNodeId } from '../xds/server/proxy-id.js';
import { envoyTypeName } from './resource-status.js';

/** The route's path; `{mesh}` and `{name}` each stand for one path segment. */
export const DATAPLANE_INSIGHT_PATH = '/meshes/{mesh}/dataplanes+insights/{name}';
/** The list of a mesh's overviews: Kuma's path, which `kumactl inspect dataplanes` reads, and its newer alias. */
export const DATAPLANE_INSIGHT_LIST_PATHS = ['/meshes/{mesh}/dataplanes+insights', '/meshes/{mesh}/dataplanes/_overview'] as const;

/** One type's delivery as served: Kuma's DiscoveryServiceStats counters plus versions and the NACK. */
export interface TypeInsight {
  readonly responsesSent: number;
  readonly responsesAcknowledged: number;
  readonly responsesRejected: number;
  readonly sentVersion?: string;
  readonly acknowledgedVersion?: string;
  /** Present until the proxy ACKs another version of the type. */
  readonly lastNack?: {
    readonly type: string;
    readonly version: string;
    readonly nonce: string;
    readonly resources: readonly string[];
    readonly message: string;
    readonly time: string;
  };
}

/** The one subscription of a proxy that ever connected. */
export interface SubscriptionInsight {
  readonly connected: boolean;
  readonly connectTime?: string;
  readonly disconnectTime?: string;
  readonly status: {
    readonly lastUpdateTime?: string;
    readonly total: { readonly responsesSent: number; readonly responsesAcknowledged: number; readonly responsesRejected: number };
  } & Readonly<Record<string, unknown>>;
}

/** The extra REST route; 404 when the path does not name a Dataplane of the store. */
export function dataplaneInsightRoute(store: ResourceStore, records: DeliveryRecords, certificates: CertificateInsights = () => undefined): ExtraRoute {
  return { method: 'GET', path: DATAPLANE_INSIGHT_PATH, access: 'authenticated', handler: async (request, params) => insightOf(store, records, certificates, request, params) };
}

/**
 * The overviews of a mesh's Dataplanes, paged as every list of the API (`size`, `offset`, `next`),
 * narrowed by Kuma's filters `gateway`, `tag` and `name` (dataplane-filters.ts).
 */
export function dataplaneInsightListRoutes(store: ResourceStore, records: DeliveryRecords, certificates: CertificateInsights = () => undefined): ExtraRoute[] {
  return DATAPLANE_INSIGHT_LIST_PATHS.map((path) => ({
    method: 'GET',
    path,
    access: 'authenticated' as const,
    handler: async (request: ApiRequest, params: Readonly<Record<string, string>>): Promise<ApiResponse> => {
      const paging = parsePaging(request.url.searchParams);
      if (!paging.ok) return badRequest(request.url.pathname, 'invalid paging parameters', paging.violations);
      const filter = parseDataplaneFilter(request.url.searchParams);
      if (!filter.ok) return badRequest(request.url.pathname, 'invalid filter parameters', filter.violations);
      const dataplanes = (await store.list('Dataplane', { mesh: params['mesh'] ?? '' })).filter(filter.matches);
      const overviews = dataplanes.map((dp) => {
        const nodeId = proxyNodeId(dp.mesh, dp.name);
        return dataplaneOverview(dp, records(nodeId), certificates(nodeId));
      });
      return { status: 200, body: pageOf(overviews, paging.value, request.url) };
    },
  }));
}

/** A proxy's certificate facts by node id (the engine's workload certificates). */
export type CertificateInsights = (nodeId: string) => CertificateInsight | undefined;

// The router decoded `{mesh}` and `{name}` into `params`.
async function insightOf(store: ResourceStore, records: DeliveryRecords, certificates: CertificateInsights, request: ApiRequest, params: Readonly<Record<string, string>>): Promise<ApiResponse> {
  const pathname = request.url.pathname;
  const { mesh, name } = params;
  const dataplane = mesh && name ? await store.get({ kind: 'Dataplane', mesh, name }) : undefined;
  if (!dataplane) return notFound(pathname);
  const nodeId = proxyNodeId(dataplane.mesh, dataplane.name);
  return { status: 200, body: dataplaneOverview(dataplane, records(nodeId), certificates(nodeId)) };
}

/**
 * Kuma's overview form: `{type: DataplaneOverview, mesh, name, creationTime, modificationTime,
 * dataplane: {networking, ...}, dataplaneInsight: {subscriptions}}`; no subscription when the
 * proxy never connected to this control plane.
 */
export function dataplaneOverview(dataplane: StoredResource<'Dataplane'>, delivery: NodeDelivery | undefined, mtls?: CertificateInsight): Record<string, unknown> {
  const { type: _type, mesh, name, creationTime, modificationTime, labels, ...spec } = toUniversal(dataplane);
  return {
    type: 'DataplaneOverview',
    mesh,
    name,
    creationTime,
    modificationTime,
    ...(labels === undefined ? {} : { labels }),
    dataplane: spec,
    dataplaneInsight: { subscriptions: delivery === undefined ? [] : [subscriptionInsight(delivery)], ...(mtls ? { mTLS: mtls } : {}) },
  };
}

/** A proxy's delivery state: per type under its short lowercase name (`cds`, `rds`, ...). */
export function subscriptionInsight(delivery: NodeDelivery): SubscriptionInsight {
  const types = delivery.types.map((t) => [shortTypeName(t.typeUrl).toLowerCase(), typeInsight(t)] as const);
  const sum = (pick: (t: TypeInsight) => number) => types.reduce((n, [, t]) => n + pick(t), 0);
  const times = delivery.types.flatMap((t) => [t.sentAt, t.ackedAt, t.lastNack?.at]).filter((d): d is Date => d !== undefined);
  const last = times.length === 0 ? undefined : new Date(Math.max(...times.map((d) => d.getTime())));
  return {
    connected: delivery.connectedStreams > 0,
    ...(delivery.lastConnectedAt ? { connectTime: delivery.lastConnectedAt.toISOString() } : {}),
    ...(delivery.lastDisconnectedAt && delivery.connectedStreams === 0 ? { disconnectTime: delivery.lastDisconnectedAt.toISOString() } : {}),
    status: {
      ...(last ? { lastUpdateTime: last.toISOString() } : {}),
      total: {
        responsesSent: sum((t) => t.responsesSent),
        responsesAcknowledged: sum((t) => t.responsesAcknowledged),
        responsesRejected: sum((t) => t.responsesRejected),
      },
      ...Object.fromEntries(types),
    },
  };
}

function typeInsight(t: TypeDelivery): TypeInsight {
  const nack = t.lastNack;
  return {
    responsesSent: t.sends ?? 0,
    responsesAcknowledged: t.acks ?? 0,
    responsesRejected: t.nacks ?? 0,
    ...(t.sentVersion === undefined ? {} : { sentVersion: t.sentVersion }),
    ...(t.ackedVersion === undefined ? {} : { acknowledgedVersion: t.ackedVersion }),
    ...(nack === undefined
      ? {}
      : {
          lastNack: {
            type: envoyTypeName(t.typeUrl),
            version: nack.version,
            nonce: nack.nonce,
            resources: nack.resources,
            message: nack.message,
            time: nack.at.toISOString(),
          },
        }),
  };
}
