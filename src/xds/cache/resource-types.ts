// The six xDS resource types Portico serves (docs/xds-server.md §1) as the cache and server see them.
// The type URLs themselves are made once, in xds/envoy/type-urls.ts; the push order below is the
// make-before-break order of docs/xds-server.md §10 and every component that sends several types
// iterates it.
import { TYPE_URL, TYPE_URL_PREFIX } from '../envoy/type-urls.js';

export { TYPE_URL_PREFIX };

/** Full type URLs of the served resource types, by the names the cache and server use. */
export const TypeUrl = {
  Cluster: TYPE_URL.cluster,
  ClusterLoadAssignment: TYPE_URL.clusterLoadAssignment,
  Listener: TYPE_URL.listener,
  RouteConfiguration: TYPE_URL.routeConfiguration,
  Secret: TYPE_URL.secret,
  Runtime: TYPE_URL.runtime,
} as const;

/** One of the served type URLs. */
export type ServedTypeUrl = (typeof TypeUrl)[keyof typeof TypeUrl];

/** Served types in push order: CDS → EDS → LDS → RDS → SDS → RTDS (docs/xds-server.md §10). */
export const PUSH_ORDER: readonly ServedTypeUrl[] = [
  TypeUrl.Cluster,
  TypeUrl.ClusterLoadAssignment,
  TypeUrl.Listener,
  TypeUrl.RouteConfiguration,
  TypeUrl.Secret,
  TypeUrl.Runtime,
];

const SHORT_NAMES: Readonly<Record<ServedTypeUrl, string>> = {
  [TypeUrl.Cluster]: 'CDS',
  [TypeUrl.ClusterLoadAssignment]: 'EDS',
  [TypeUrl.Listener]: 'LDS',
  [TypeUrl.RouteConfiguration]: 'RDS',
  [TypeUrl.Secret]: 'SDS',
  [TypeUrl.Runtime]: 'RTDS',
};

/** True for the six type URLs Portico answers; requests for other types get no response. */
export function isServedType(typeUrl: string): typeUrl is ServedTypeUrl {
  return Object.prototype.hasOwnProperty.call(SHORT_NAMES, typeUrl);
}

/** LDS and CDS: a SotW response carries the full set, and absence means deletion (docs/xds-server.md §7, §8). */
export function isFullStateType(typeUrl: string): boolean {
  return typeUrl === TypeUrl.Listener || typeUrl === TypeUrl.Cluster;
}

/** Short xDS name (`CDS`, `EDS`, ...) for logs and status; the type URL itself when unknown. */
export function shortTypeName(typeUrl: string): string {
  return isServedType(typeUrl) ? SHORT_NAMES[typeUrl] : typeUrl;
}

/** Protobuf full name of a type URL (the part after the prefix), for `messageType()` lookups. */
export function protoNameOf(typeUrl: string): string {
  return typeUrl.startsWith(TYPE_URL_PREFIX) ? typeUrl.slice(TYPE_URL_PREFIX.length) : typeUrl;
}
