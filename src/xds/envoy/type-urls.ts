// Type URLs of the xDS resources Portico serves and the helper that packs a message into a
// `google.protobuf.Any` in protobufjs `fromObject` form. Builders never spell a type URL by hand,
// so a typo cannot produce an Any that Envoy cannot unpack.

/** The prefix every Envoy type URL carries. */
export const TYPE_URL_PREFIX = 'type.googleapis.com/';

/** Full proto names of the six xDS resource types Portico serves (docs/xds-server.md §1). */
export const RESOURCE_TYPE_NAME = {
  listener: 'envoy.config.listener.v3.Listener',
  routeConfiguration: 'envoy.config.route.v3.RouteConfiguration',
  cluster: 'envoy.config.cluster.v3.Cluster',
  clusterLoadAssignment: 'envoy.config.endpoint.v3.ClusterLoadAssignment',
  secret: 'envoy.extensions.transport_sockets.tls.v3.Secret',
  runtime: 'envoy.service.runtime.v3.Runtime',
} as const;

/** Type URLs of the six xDS resource types, as they appear in DiscoveryRequest/Response. */
export const TYPE_URL = {
  listener: `${TYPE_URL_PREFIX}${RESOURCE_TYPE_NAME.listener}`,
  routeConfiguration: `${TYPE_URL_PREFIX}${RESOURCE_TYPE_NAME.routeConfiguration}`,
  cluster: `${TYPE_URL_PREFIX}${RESOURCE_TYPE_NAME.cluster}`,
  clusterLoadAssignment: `${TYPE_URL_PREFIX}${RESOURCE_TYPE_NAME.clusterLoadAssignment}`,
  secret: `${TYPE_URL_PREFIX}${RESOURCE_TYPE_NAME.secret}`,
  runtime: `${TYPE_URL_PREFIX}${RESOURCE_TYPE_NAME.runtime}`,
} as const;

/** One of the six served type URLs. */
export type ResourceTypeUrl = (typeof TYPE_URL)[keyof typeof TYPE_URL];

/** A `google.protobuf.Any` in protobufjs `fromObject` form: `@type` plus the packed message's fields. */
export type AnyObject = { readonly '@type': string } & Readonly<Record<string, unknown>>;

/** The type URL of a full proto message name. */
export function typeUrlOf(typeName: string): string {
  return `${TYPE_URL_PREFIX}${typeName}`;
}

/** The full proto message name inside a type URL (everything after the last `/`). */
export function typeNameOf(typeUrl: string): string {
  return typeUrl.slice(typeUrl.lastIndexOf('/') + 1);
}

/**
 * Pack `fields` (a message of type `typeName` in fromObject form) as an Any. `@type` comes first
 * so that dumps and golden files read naturally.
 */
export function anyOf(typeName: string, fields: Readonly<Record<string, unknown>>): AnyObject {
  return { '@type': typeUrlOf(typeName), ...fields };
}
