// Outbound listeners, clusters and assignments of a sidecar (docs/mesh-mtls.md §4.5-§4.7), with the
// timeouts of the winning Timeout policy or, without one, Kuma's: connect 5 s, idle and route 0 s.
import type * as ir from '../../ir/sidecar.js';
import type { ClusterTimeouts, ListenerTimeouts } from '../../ir/policies.js';
import { durationOfMillis } from '../envoy/duration.js';
import { anyOf } from '../envoy/type-urls.js';
import { buildCommonHttpProtocolOptions, HTTP_PROTOCOL_OPTIONS_TYPE_NAME } from './cluster.js';
import { buildAdsConfigSource } from './config-source.js';
import { buildLocalityGroups } from './endpoint.js';
import { buildExternalDiscovery } from './external-cluster.js';
import { statPrefixOf } from './http-connection-manager.js';
import { buildHealthCheckFields } from './health-check.js';
import { buildUpstreamMeshTls } from './mesh-tls.js';
import { buildCircuitBreakerFields } from './circuit-breakers.js';
import { buildRetryPolicy } from './retry-policy.js';
import { buildTcpProxyPolicies } from './tcp-proxy.js';
import { KUMA_TAGS_HEADER } from './route-action.js';
import { buildCatchAllRouteConfig, buildSidecarHttpFilter, buildSidecarTcpFilter, buildTagsMetadata } from './sidecar-http.js';

/** Cluster timeouts without a Timeout policy: connect 5 s, HTTP idle off. */
const DEFAULT_CLUSTER_TIMEOUTS: ClusterTimeouts = { connectTimeoutMs: 5_000, idleTimeoutMs: 0 };
/** Listener timeouts without a Timeout policy: all off. */
const DEFAULT_LISTENER_TIMEOUTS: ListenerTimeouts = { tcpIdleTimeoutMs: 0, httpIdleTimeoutMs: 0, streamIdleTimeoutMs: 0 };

/** The network filter of an outbound: tcp_proxy, or a connection manager for HTTP-based services. */
function outboundFilter(outbound: ir.Outbound, sidecar: ir.Sidecar): object {
  const statPrefix = statPrefixOf(outbound.service);
  const timeouts = outbound.policies?.listenerTimeouts ?? DEFAULT_LISTENER_TIMEOUTS;
  const accessLog = outbound.policies?.accessLog;
  if (outbound.protocol === 'tcp') return buildSidecarTcpFilter(statPrefix, outbound.cluster, timeouts.tcpIdleTimeoutMs / 1000, buildTcpProxyPolicies(outbound.policies?.tcpProxy), accessLog);
  // The header describes the calling proxy only: a value the application sent is replaced (M6).
  // gRPC carries it only when the mesh has RateLimit or FaultInjection policies (docs/mesh-mtls.md §4.5).
  const tagsHeader =
    outbound.protocol === 'grpc' && sidecar.grpcKumaTags !== true
      ? {}
      : { request_headers_to_add: [{ header: { key: KUMA_TAGS_HEADER, value: sidecar.kumaTags }, append_action: 'OVERWRITE_IF_EXISTS_OR_ADD' }] };
  return buildSidecarHttpFilter({
    statPrefix,
    protocol: outbound.protocol,
    timeouts: { idleSeconds: timeouts.httpIdleTimeoutMs / 1000, streamIdleSeconds: timeouts.streamIdleTimeoutMs / 1000 },
    routeConfig: buildCatchAllRouteConfig(`outbound:${outbound.service}`, outbound.service, outbound.cluster, tagsHeader, (outbound.policies?.route?.timeoutMs ?? 0) / 1000, virtualHostRetry(outbound)),
    ...(accessLog ? { accessLog } : {}),
    ...(sidecar.tracing ? { tracing: sidecar.tracing } : {}),
  });
}

/** The Envoy Listener of one outbound. */
export function buildOutboundListener(outbound: ir.Outbound, sidecar: ir.Sidecar): object {
  return {
    name: outbound.name,
    address: { socket_address: { address: outbound.address, port_value: outbound.port } },
    filter_chains: [{ filters: [outboundFilter(outbound, sidecar)] }],
    traffic_direction: 'OUTBOUND',
    metadata: buildTagsMetadata(outbound.tags),
  };
}

/** Kuma's classic sidecar sets a Retry on the outbound's one virtual host, not on its route. */
function virtualHostRetry(outbound: ir.Outbound): Readonly<Record<string, unknown>> {
  const retry = outbound.policies?.route?.retry;
  return retry ? { retry_policy: buildRetryPolicy(retry) } : {};
}

/** Sidecar-to-sidecar traffic is always HTTP/2 (docs/mesh-mtls.md §4.6); HTTP-based services add an idle timeout. */
function outboundProtocolOptions(protocol: ir.SidecarProtocol, timeouts: ClusterTimeouts): object {
  return {
    typed_extension_protocol_options: {
      [HTTP_PROTOCOL_OPTIONS_TYPE_NAME]: anyOf(HTTP_PROTOCOL_OPTIONS_TYPE_NAME, {
        ...(protocol === 'tcp' ? {} : { common_http_protocol_options: buildCommonHttpProtocolOptions(timeouts) }),
        explicit_http_config: { http2_protocol_options: {} },
      }),
    },
  };
}

/**
 * An external service's own protocol, not HTTP/2 by default as between sidecars: HTTP gets
 * HTTP/1.1, HTTP/2 and gRPC get HTTP/2, TCP no HTTP options (Kuma's outbound generator).
 */
function externalProtocolOptions(protocol: ir.SidecarProtocol, timeouts: ClusterTimeouts): object {
  if (protocol === 'tcp') return {};
  return {
    typed_extension_protocol_options: {
      [HTTP_PROTOCOL_OPTIONS_TYPE_NAME]: anyOf(HTTP_PROTOCOL_OPTIONS_TYPE_NAME, {
        common_http_protocol_options: buildCommonHttpProtocolOptions(timeouts),
        explicit_http_config: protocol === 'http' ? { http_protocol_options: {} } : { http2_protocol_options: {} },
      }),
    },
  };
}

/** The EDS cluster of one destination, or its external cluster (docs/gateway.md §2.15). */
export function buildOutboundCluster(cluster: ir.OutboundCluster): object {
  const timeouts = cluster.policies?.timeouts ?? DEFAULT_CLUSTER_TIMEOUTS;
  if (cluster.external) {
    return {
      name: cluster.name,
      ...buildExternalDiscovery(cluster.external),
      connect_timeout: durationOfMillis(timeouts.connectTimeoutMs),
      ...externalProtocolOptions(cluster.protocol, timeouts),
    };
  }
  return {
    name: cluster.name,
    type: 'EDS',
    eds_cluster_config: { eds_config: buildAdsConfigSource() },
    connect_timeout: durationOfMillis(timeouts.connectTimeoutMs),
    ...outboundProtocolOptions(cluster.protocol, timeouts),
    ...buildHealthCheckFields(cluster.policies?.healthCheck, cluster.protocol),
    ...(cluster.upstreamTls ? { transport_socket: buildUpstreamMeshTls(cluster.upstreamTls) } : {}),
    ...buildCircuitBreakerFields(cluster.policies?.circuitBreaker),
  };
}

/**
 * The assignment of one destination: endpoints grouped by their `kuma.io/zone` locality (zones in
 * ascending order, endpoints without a zone in one group first), all at priority 0.
 */
export function buildOutboundAssignment(cluster: ir.OutboundCluster): object {
  return { cluster_name: cluster.name, ...(cluster.endpoints.length > 0 ? { endpoints: buildLocalityGroups(cluster.endpoints) } : {}) };
}
