// The Envoy bootstrap a dataplane receives from `POST /bootstrap` (docs/xds-server.md §16; gateway
// specifics from docs/gateway.md §2.19). Built as a plain object in Envoy's proto3 JSON shape with
// proto field names, then serialised to YAML; the tests encode it as
// envoy.config.bootstrap.v3.Bootstrap and reject unknown fields.
//
// `ads_cluster` speaks TLS when the control plane's port does (docs/tls.md): SNI and the SAN
// matcher are the host the agent dialled, and the CA the agent sent (`caCert`) is the only trust
// anchor. Without a CA Envoy encrypts but cannot verify, as in Kuma (the agent warns).
//
// Not yet: the static `access_log_sink` cluster (no access-log service yet).
import net from 'node:net';
import { stringify } from 'yaml';

/** Envoy's ADS API type: delta (default) or state-of-the-world. */
export type AdsApiType = 'DELTA_GRPC' | 'GRPC';

/** Default connection cap of gateway proxies (Kuma's `xds.gateway.globalDownstreamMaxConnections`). */
export const DEFAULT_GLOBAL_DOWNSTREAM_MAX_CONNECTIONS = 50_000;

/** Default Envoy admin port. */
export const DEFAULT_ADMIN_PORT = 9901;

/** Name of the static cluster that reaches the control plane. */
export const ADS_CLUSTER_NAME = 'ads_cluster';

/** RTDS layer (and Runtime resource) that carries gateway listener limits (docs/gateway.md §2.11). */
export const GATEWAY_RUNTIME_LAYER = 'gateway.listeners';

/** Everything that goes into one bootstrap. */
export interface BootstrapParams {
  /** `<mesh>.<name>`. */
  readonly nodeId: string;
  /** `node.cluster`: the proxy's `kuma.io/service`. */
  readonly service: string;
  /** BUILTIN gateway: adds the runtime layers and the overload manager. */
  readonly isGateway: boolean;
  readonly xdsHost: string;
  readonly xdsPort: number;
  readonly apiType: AdsApiType;
  /** TLS to the control plane; absent = plaintext (a control plane run with `--xds-plaintext`). */
  readonly xdsTls?: XdsTls;
  readonly adminAddress?: string;
  readonly adminPort?: number;
  /** Sent as `authorization` initial metadata on the ADS stream. */
  readonly dataplaneToken?: string;
  /** Memory limit reported by the dataplane; enables the fixed_heap overload actions. */
  readonly maxHeapSizeBytes?: number;
  readonly globalDownstreamMaxConnections?: number;
  /** `node.metadata`; keys as in docs/xds-server.md §16 (`dataplane.admin.port`, `dataplane.resource`, ...). */
  readonly metadata: Readonly<Record<string, unknown>>;
}

/** How Envoy reaches the control plane over TLS. */
export interface XdsTls {
  /** PEM CA that signed the control plane's certificate; absent = not verified. */
  readonly caCert?: string;
}

/** Builds the bootstrap object (proto3 JSON shape, proto field names). */
export function buildBootstrap(p: BootstrapParams): Record<string, unknown> {
  const adminAddress = p.adminAddress ?? '127.0.0.1';
  return {
    node: { id: p.nodeId, cluster: p.service, metadata: p.metadata },
    admin: { address: socketAddress(adminAddress, p.adminPort ?? DEFAULT_ADMIN_PORT) },
    ...(p.isGateway ? { layered_runtime: gatewayRuntime(), overload_manager: gatewayOverloadManager(p) } : {}),
    dynamic_resources: {
      ads_config: {
        api_type: p.apiType,
        transport_api_version: 'V3',
        set_node_on_first_message_only: true,
        grpc_services: [
          {
            envoy_grpc: { cluster_name: ADS_CLUSTER_NAME },
            ...(p.dataplaneToken ? { initial_metadata: [{ key: 'authorization', value: p.dataplaneToken }] } : {}),
          },
        ],
      },
      lds_config: { ads: {}, resource_api_version: 'V3' },
      cds_config: { ads: {}, resource_api_version: 'V3' },
    },
    static_resources: { clusters: [adsCluster(p.xdsHost, p.xdsPort, p.xdsTls)] },
  };
}

/** Serialises a bootstrap object as YAML (what Envoy reads from `--config-path`). */
export function renderBootstrapYaml(bootstrap: Record<string, unknown>): string {
  return stringify(bootstrap, { lineWidth: 0 });
}

function socketAddress(address: string, port: number): Record<string, unknown> {
  return { socket_address: { address, port_value: port } };
}

/** HTTP/2 cluster to the control plane; STATIC for an IP, STRICT_DNS for a name. */
function adsCluster(host: string, port: number, xdsTls: XdsTls | undefined): Record<string, unknown> {
  const isIp = net.isIP(host) !== 0;
  return {
    name: ADS_CLUSTER_NAME,
    type: isIp ? 'STATIC' : 'STRICT_DNS',
    ...(isIp ? {} : { dns_lookup_family: 'V4_PREFERRED' }),
    connect_timeout: '1s',
    typed_extension_protocol_options: {
      'envoy.extensions.upstreams.http.v3.HttpProtocolOptions': {
        '@type': 'type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions',
        explicit_http_config: { http2_protocol_options: {} },
      },
    },
    upstream_connection_options: { tcp_keepalive: {} },
    ...(xdsTls ? { transport_socket: adsTransportSocket(host, xdsTls) } : {}),
    load_assignment: {
      cluster_name: ADS_CLUSTER_NAME,
      endpoints: [{ lb_endpoints: [{ endpoint: { address: socketAddress(host, port) } }] }],
    },
  };
}

/**
 * TLS 1.2 or later, ALPN `h2` (the port routes on it), SNI = the host. With a CA: trust only it,
 * and require the certificate to name the host exactly (an IP SAN for an IP host).
 */
function adsTransportSocket(host: string, xdsTls: XdsTls): Record<string, unknown> {
  const common: Record<string, unknown> = {
    tls_params: { tls_minimum_protocol_version: 'TLSv1_2' },
    alpn_protocols: ['h2'],
  };
  if (xdsTls.caCert) {
    common['validation_context'] = {
      trusted_ca: { inline_string: xdsTls.caCert },
      match_typed_subject_alt_names: [{ san_type: net.isIP(host) !== 0 ? 'IP_ADDRESS' : 'DNS', matcher: { exact: host } }],
    };
  }
  return {
    name: 'envoy.transport_sockets.tls',
    typed_config: {
      '@type': 'type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext',
      sni: host,
      common_tls_context: common,
    },
  };
}

/** Static layer `kuma` (RE2 limits), then the RTDS layer for listener limits (docs/gateway.md §2.19). */
function gatewayRuntime(): Record<string, unknown> {
  return {
    layers: [
      {
        name: 'kuma',
        static_layer: { 're2.max_program_size.error_level': 4294967295, 're2.max_program_size.warn_level': 1000 },
      },
      {
        name: GATEWAY_RUNTIME_LAYER,
        rtds_layer: { name: GATEWAY_RUNTIME_LAYER, rtds_config: { ads: {}, resource_api_version: 'V3' } },
      },
    ],
  };
}

/** Connection cap always; heap-based actions only when the dataplane reported a memory limit. */
function gatewayOverloadManager(p: BootstrapParams): Record<string, unknown> {
  const monitors: Record<string, unknown>[] = [
    {
      name: 'envoy.resource_monitors.global_downstream_max_connections',
      typed_config: {
        '@type': 'type.googleapis.com/envoy.extensions.resource_monitors.downstream_connections.v3.DownstreamConnectionsConfig',
        max_active_downstream_connections: p.globalDownstreamMaxConnections ?? DEFAULT_GLOBAL_DOWNSTREAM_MAX_CONNECTIONS,
      },
    },
  ];
  const heap = p.maxHeapSizeBytes;
  if (heap === undefined || heap <= 0) return { refresh_interval: '0.250s', resource_monitors: monitors };
  monitors.push({
    name: 'envoy.resource_monitors.fixed_heap',
    typed_config: {
      '@type': 'type.googleapis.com/envoy.extensions.resource_monitors.fixed_heap.v3.FixedHeapConfig',
      max_heap_size_bytes: heap,
    },
  });
  const trigger = (value: number) => [{ name: 'envoy.resource_monitors.fixed_heap', threshold: { value } }];
  return {
    refresh_interval: '0.250s',
    resource_monitors: monitors,
    actions: [
      { name: 'envoy.overload_actions.shrink_heap', triggers: trigger(0.95) },
      { name: 'envoy.overload_actions.stop_accepting_requests', triggers: trigger(0.98) },
    ],
  };
}
