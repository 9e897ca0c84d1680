// Small hand-made Envoy resources, encoded with protobufjs, for xDS cache and server tests: an EDS
// cluster and its assignment, a listener whose connection manager requests a route configuration
// over RDS, the route configuration, a secret and a runtime. `gatewayInput()` composes them into a
// consistent snapshot input, and `gatewayReferences()` states the references it contains.
import { messageType, CONVERSION_OPTIONS } from '../../src/xds/envoy/protos.js';
import { TypeUrl, protoNameOf } from '../../src/xds/cache/resource-types.js';
import type { SnapshotInput, EncodedResource } from '../../src/xds/cache/snapshot.js';
import type { SnapshotReferences } from '../../src/xds/cache/consistency.js';

const HCM = 'envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager';
const ROUTER = 'envoy.extensions.filters.http.router.v3.Router';

/** Encodes a plain object (proto field names) as the given message type. */
export function encodeMessage(fullName: string, object: Record<string, unknown>): Uint8Array {
  const type = messageType(fullName);
  const message = type.fromObject(object);
  const problem = type.verify(message);
  if (problem) throw new Error(`${fullName}: ${problem}`);
  return type.encode(message).finish();
}

/** Decodes resource bytes of a served type URL into a plain object. */
export function decodeResource(typeUrl: string, bytes: Uint8Array): Record<string, unknown> {
  const type = messageType(protoNameOf(typeUrl));
  return type.toObject(type.decode(bytes), CONVERSION_OPTIONS) as Record<string, unknown>;
}

function any(fullName: string, object: Record<string, unknown>): { type_url: string; value: Uint8Array } {
  return { type_url: `type.googleapis.com/${fullName}`, value: encodeMessage(fullName, object) };
}

/** An EDS cluster; `serviceName` sets eds_cluster_config.service_name. */
export function cluster(name: string, opts: { serviceName?: string; connectTimeoutSeconds?: number } = {}): EncodedResource {
  return {
    name,
    bytes: encodeMessage('envoy.config.cluster.v3.Cluster', {
      name,
      type: 'EDS',
      connect_timeout: { seconds: opts.connectTimeoutSeconds ?? 5 },
      eds_cluster_config: { eds_config: { ads: {}, resource_api_version: 'V3' }, ...(opts.serviceName ? { service_name: opts.serviceName } : {}) },
    }),
  };
}

/** A ClusterLoadAssignment with one endpoint per port on 127.0.0.1. */
export function endpoints(name: string, ports: readonly number[]): EncodedResource {
  const lb_endpoints = ports.map((port) => ({ endpoint: { address: { socket_address: { address: '127.0.0.1', port_value: port } } } }));
  return { name, bytes: encodeMessage('envoy.config.endpoint.v3.ClusterLoadAssignment', { cluster_name: name, endpoints: [{ lb_endpoints }] }) };
}

/** A listener on `port` whose HTTP connection manager requests route configuration `routeName`. */
export function listener(name: string, port: number, routeName: string): EncodedResource {
  const hcm = {
    stat_prefix: name,
    rds: { route_config_name: routeName, config_source: { ads: {}, resource_api_version: 'V3' } },
    http_filters: [{ name: 'envoy.filters.http.router', typed_config: any(ROUTER, {}) }],
  };
  return {
    name,
    bytes: encodeMessage('envoy.config.listener.v3.Listener', {
      name,
      address: { socket_address: { address: '0.0.0.0', port_value: port } },
      filter_chains: [{ filters: [{ name: 'envoy.filters.network.http_connection_manager', typed_config: any(HCM, hcm) }] }],
    }),
  };
}

/** A route configuration with one prefix route per cluster (`/<cluster>`). */
export function routeConfig(name: string, clusters: readonly string[]): EncodedResource {
  const routes = clusters.map((c) => ({ match: { prefix: `/${c}` }, route: { cluster: c } }));
  return {
    name,
    bytes: encodeMessage('envoy.config.route.v3.RouteConfiguration', { name, virtual_hosts: [{ name: 'all', domains: ['*'], routes }] }),
  };
}

/** A Secret holding a validation context with an inline CA (content is opaque to the server). */
export function secret(name: string, caPem = 'not-a-real-ca'): EncodedResource {
  return {
    name,
    bytes: encodeMessage('envoy.extensions.transport_sockets.tls.v3.Secret', {
      name,
      validation_context: { trusted_ca: { inline_string: caPem } },
    }),
  };
}

/** Shape of a small gateway: clusters (each with its endpoints) and routes sending to them. */
export interface GatewayShape {
  /** Cluster name → endpoint ports. */
  readonly clusters: Readonly<Record<string, readonly number[]>>;
  /** Listener name → [port, route config name]. */
  readonly listeners: Readonly<Record<string, readonly [number, string]>>;
  /** Route config name → cluster names. */
  readonly routes: Readonly<Record<string, readonly string[]>>;
  readonly connectTimeoutSeconds?: number;
}

/** The default shape: cluster `a`, listener `l` on 8080 requesting route config `r` → `a`. */
export const DEFAULT_SHAPE: GatewayShape = { clusters: { a: [9001] }, listeners: { l: [8080, 'r'] }, routes: { r: ['a'] } };

/** Encodes a shape as snapshot input (EDS names equal cluster names). */
export function gatewayInput(shape: GatewayShape = DEFAULT_SHAPE): SnapshotInput {
  return {
    [TypeUrl.Cluster]: Object.keys(shape.clusters).map((c) => cluster(c, { connectTimeoutSeconds: shape.connectTimeoutSeconds })),
    [TypeUrl.ClusterLoadAssignment]: Object.entries(shape.clusters).map(([c, ports]) => endpoints(c, ports)),
    [TypeUrl.Listener]: Object.entries(shape.listeners).map(([l, [port, route]]) => listener(l, port, route)),
    [TypeUrl.RouteConfiguration]: Object.entries(shape.routes).map(([r, clusters]) => routeConfig(r, clusters)),
  };
}

/** The references `gatewayInput(shape)` contains, for the consistency check. */
export function gatewayReferences(shape: GatewayShape = DEFAULT_SHAPE): SnapshotReferences {
  return {
    edsNamesByCluster: Object.fromEntries(Object.keys(shape.clusters).map((c) => [c, c])),
    rdsNamesByListener: Object.fromEntries(Object.entries(shape.listeners).map(([l, [, r]]) => [l, [r]])),
    clustersByRoute: shape.routes,
    sdsNames: [],
  };
}
