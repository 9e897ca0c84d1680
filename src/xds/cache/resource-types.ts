// The six xDS resource types Portico serves (xds-server.md §1), declared as data. Kept local to
// the cache so that it depends on nothing but protos; the push order below is the make-before-break
// order of xds-server.md §10 and every component that sends several types iterates it.

/** Prefix of every type URL (and of every `Any.type_url`). */
export const TYPE_URL_PREFIX = 'type.googleapis.com/';

/** Full type URLs of the served resource types. */
export const TypeUrl = {
  Cluster: `${TYPE_URL_PREFIX}envoy.config.cluster.v3.Cluster`,
  ClusterLoadAssignment: `${TYPE_URL_PREFIX}envoy.config.endpoint.v3.ClusterLoadAssignment`,
  Listener: `${TYPE_URL_PREFIX}envoy.config.listener.v3.Listener`,
  RouteConfiguration: `${TYPE_URL_PREFIX}envoy.config.route.v3.RouteConfiguration`,
  Secret: `${TYPE_URL_PREFIX}envoy.extensions.transport_sockets.tls.v3.Secret`,
  Runtime: `${TYPE_URL_PREFIX}envoy.service.runtime.v3.Runtime`,
} as const;

/** One of the served type URLs. */
export type ServedTypeUrl = (typeof TypeUrl)[keyof typeof TypeUrl];

/** Served types in push order: CDS → EDS → LDS → RDS → SDS → RTDS (xds-server.md §10). */
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

/** LDS and CDS: a SotW response carries the full set, and absence means deletion (§7, §8). */
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
