// One mesh cluster (docs/gateway.md §2.15): EDS over ADS, round robin, with the upstream protocol in
// typed_extension_protocol_options. Without a Timeout policy the connect timeout is the 5s default
// and the upstream HTTP idle timeout is 0s, i.e. disabled (docs/gateway.md §2.16, §5.4).
import type * as ir from '../../ir/gateway.js';
import type { ClusterTimeouts } from '../../ir/policies.js';
import { durationOfMillis } from '../envoy/duration.js';
import { anyOf } from '../envoy/type-urls.js';
import { buildAdsConfigSource } from './config-source.js';
import { buildExternalDiscovery } from './external-cluster.js';
import { buildHealthCheckFields } from './health-check.js';
import { buildUpstreamMeshTls } from './mesh-tls.js';
import { buildCircuitBreakerFields } from './circuit-breakers.js';

/** Key of the upstream HTTP options in `typed_extension_protocol_options` (also its type name). */
export const HTTP_PROTOCOL_OPTIONS_TYPE_NAME = 'envoy.extensions.upstreams.http.v3.HttpProtocolOptions';

/** Per-connection buffer limit of upstream connections (32 KiB, as Kuma). */
const CONNECTION_BUFFER_LIMIT_BYTES = 32768;

/** Timeouts when no Timeout policy applies: connect 5s, upstream HTTP idle 0s, which disables it (Kuma 2.x). */
const DEFAULT_TIMEOUTS: ClusterTimeouts = { connectTimeoutMs: 5_000, idleTimeoutMs: 0 };

/** HTTP/2 flow-control windows of upstream connections: 64 KiB per stream, 1 MiB per connection. */
function buildUpstreamHttp2Options(): object {
  return {
    initial_stream_window_size: { value: 65536 },
    initial_connection_window_size: { value: 1048576 },
  };
}

/** `explicit_http_config` by protocol; `tcp` clusters carry no HTTP options at all. */
function buildExplicitHttpConfig(protocol: ir.UpstreamProtocol): object | undefined {
  switch (protocol) {
    case 'http':
      return { http_protocol_options: {} };
    case 'http2':
    case 'grpc':
      return { http2_protocol_options: buildUpstreamHttp2Options() };
    case 'tcp':
      return undefined;
  }
}

/** The upstream HTTP options a Timeout sets: idle timeout always, stream duration when positive. */
export function buildCommonHttpProtocolOptions(timeouts: ClusterTimeouts): object {
  const max = timeouts.maxStreamDurationMs;
  return {
    idle_timeout: durationOfMillis(timeouts.idleTimeoutMs),
    ...(max !== undefined && max > 0 ? { max_stream_duration: durationOfMillis(max) } : {}),
  };
}

function buildProtocolOptions(protocol: ir.UpstreamProtocol, timeouts: ClusterTimeouts): object {
  const explicit = buildExplicitHttpConfig(protocol);
  if (!explicit) return {};
  return {
    typed_extension_protocol_options: {
      [HTTP_PROTOCOL_OPTIONS_TYPE_NAME]: anyOf(HTTP_PROTOCOL_OPTIONS_TYPE_NAME, {
        common_http_protocol_options: buildCommonHttpProtocolOptions(timeouts),
        explicit_http_config: explicit,
      }),
    },
  };
}

/**
 * The CDS Cluster of one mesh cluster. No `service_name` in the EDS config: the assignment is
 * named like the cluster, which is what Envoy asks for then (docs/xds-server.md §12). An external
 * cluster has the same timeouts, buffer limit and protocol options, but its endpoints inline and
 * the ExternalServices' own TLS instead of EDS and mesh mTLS (docs/gateway.md §2.15).
 */
export function buildCluster(cluster: ir.Cluster): object {
  const timeouts = cluster.policies?.timeouts ?? DEFAULT_TIMEOUTS;
  return {
    name: cluster.name,
    ...(cluster.external ? buildExternalDiscovery(cluster.external) : { type: 'EDS', eds_cluster_config: { eds_config: buildAdsConfigSource() } }),
    connect_timeout: durationOfMillis(timeouts.connectTimeoutMs),
    per_connection_buffer_limit_bytes: { value: CONNECTION_BUFFER_LIMIT_BYTES },
    ...buildProtocolOptions(cluster.protocol, timeouts),
    ...buildHealthCheckFields(cluster.policies?.healthCheck, cluster.protocol),
    ...(cluster.upstreamTls ? { transport_socket: buildUpstreamMeshTls(cluster.upstreamTls) } : {}),
    ...buildCircuitBreakerFields(cluster.policies?.circuitBreaker),
  };
}
