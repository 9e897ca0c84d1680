// Outbound listeners, clusters and assignments of a sidecar (mesh.md §4.5-§4.7), with the
// timeouts of the winning Timeout policy or, without one, Kuma's: connect 5 s, idle and route 0 s.
import type * as ir from '../../ir/sidecar.js';
import type { ClusterTimeouts, ListenerTimeouts } from '../../ir/policies.js';
import { durationOfMillis } from '../envoy/duration.js';
import { anyOf } from '../envoy/type-urls.js';
import { buildCommonHttpProtocolOptions, HTTP_PROTOCOL_OPTIONS_TYPE_NAME } from './cluster.js';
import { buildAdsConfigSource } from './config-source.js';
import { buildLbEndpoint } from './endpoint.js';
import { statPrefixOf } from './http-connection-manager.js';
import { buildUpstreamMeshTls } from './mesh-tls.js';
import { KUMA_TAGS_HEADER } from './route-action.js';
import { buildCatchAllRouteConfig, buildSidecarHttpFilter, buildSidecarTcpFilter, buildTagsMetadata } from './sidecar-http.js';

/** Cluster timeouts without a Timeout policy: connect 5 s, HTTP idle off. */
const DEFAULT_CLUSTER_TIMEOUTS: ClusterTimeouts = { connectTimeoutMs: 5_000, idleTimeoutMs: 0 };
/** Listener timeouts without a Timeout policy: all off. */
const DEFAULT_LISTENER_TIMEOUTS: ListenerTimeouts = { tcpIdleTimeoutMs: 0, httpIdleTimeoutMs: 0, streamIdleTimeoutMs: 0 };
const ZONE_TAG = 'kuma.io/zone';

/** The network filter of an outbound: tcp_proxy, or a connection manager for HTTP-based services. */
function outboundFilter(outbound: ir.Outbound, sidecar: ir.Sidecar): object {
  const statPrefix = statPrefixOf(outbound.service);
  const timeouts = outbound.policies?.listenerTimeouts ?? DEFAULT_LISTENER_TIMEOUTS;
  const accessLog = outbound.policies?.accessLog;
  if (outbound.protocol === 'tcp') return buildSidecarTcpFilter(statPrefix, outbound.cluster, timeouts.tcpIdleTimeoutMs / 1000, accessLog);
  // The header describes the calling proxy only: a value the application sent is replaced (M6).
  // gRPC carries it only with RateLimit or FaultInjection policies, which sidecars do not have yet.
  const tagsHeader =
    outbound.protocol === 'grpc'
      ? {}
      : { request_headers_to_add: [{ header: { key: KUMA_TAGS_HEADER, value: sidecar.kumaTags }, append_action: 'OVERWRITE_IF_EXISTS_OR_ADD' }] };
  return buildSidecarHttpFilter({
    statPrefix,
    protocol: outbound.protocol,
    timeouts: { idleSeconds: timeouts.httpIdleTimeoutMs / 1000, streamIdleSeconds: timeouts.streamIdleTimeoutMs / 1000 },
    routeConfig: buildCatchAllRouteConfig(`outbound:${outbound.service}`, outbound.service, outbound.cluster, tagsHeader, (outbound.policies?.route?.timeoutMs ?? 0) / 1000),
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

/** Sidecar-to-sidecar traffic is always HTTP/2 (mesh.md §4.6); HTTP-based services add an idle timeout. */
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

/** The EDS cluster of one destination. */
export function buildOutboundCluster(cluster: ir.OutboundCluster): object {
  const timeouts = cluster.policies?.timeouts ?? DEFAULT_CLUSTER_TIMEOUTS;
  return {
    name: cluster.name,
    type: 'EDS',
    eds_cluster_config: { eds_config: buildAdsConfigSource() },
    connect_timeout: durationOfMillis(timeouts.connectTimeoutMs),
    ...outboundProtocolOptions(cluster.protocol, timeouts),
    ...(cluster.upstreamTls ? { transport_socket: buildUpstreamMeshTls(cluster.upstreamTls) } : {}),
  };
}

/**
 * The assignment of one destination: endpoints grouped by their `kuma.io/zone` locality (zones in
 * ascending order, endpoints without a zone in one group first), all at priority 0.
 */
export function buildOutboundAssignment(cluster: ir.OutboundCluster): object {
  const groups = new Map<string, ir.OutboundCluster['endpoints'][number][]>();
  for (const e of cluster.endpoints) {
    const zone = e.tags[ZONE_TAG] ?? '';
    const list = groups.get(zone) ?? [];
    list.push(e);
    groups.set(zone, list);
  }
  const endpoints = [...groups.keys()].sort().map((zone) => ({
    ...(zone === '' ? {} : { locality: { zone } }),
    lb_endpoints: groups.get(zone)!.map(buildLbEndpoint),
  }));
  return { cluster_name: cluster.name, ...(endpoints.length > 0 ? { endpoints } : {}) };
}
