// The pieces sidecar listeners share (docs/mesh-mtls.md §4.4, §4.5): the connection manager with an inline
// route table of one catch-all route, its HTTP filters, and the tcp_proxy. Sidecars use no RDS.
import type * as ir from '../../ir/sidecar.js';
import type { AccessLog, Tracing } from '../../ir/policies.js';
import { durationOf } from '../envoy/duration.js';
import { buildAccessLog } from './access-log.js';
import { buildTracing } from './tracing.js';
import { anyOf } from '../envoy/type-urls.js';
import { HTTP_CONNECTION_MANAGER_FILTER_NAME, HTTP_CONNECTION_MANAGER_TYPE_NAME } from './http-connection-manager.js';
import { routerFilter } from './filters/router.js';
import { TCP_PROXY_FILTER_NAME, TCP_PROXY_TYPE_NAME } from './tcp-proxy.js';

/** gRPC statistics filter, before the router on gRPC connection managers. */
const GRPC_STATS_FILTER_NAME = 'envoy.filters.http.grpc_stats';

/** Addresses the connection manager treats as internal: the proxy's loopback. */
const INTERNAL_CIDRS = [{ address_prefix: '127.0.0.1', prefix_len: { value: 32 } }];

/** The timeouts of one side (inbound fixed, outbound without a Timeout policy; docs/mesh-mtls.md §4.9). */
export interface HttpTimeouts {
  readonly idleSeconds: number;
  readonly streamIdleSeconds: number;
}

/** The HTTP filters of a sidecar connection manager: grpc_stats for gRPC, the policies' filters, then the router. */
function httpFilters(protocol: ir.SidecarProtocol, policyFilters: readonly object[]): object[] {
  const grpc = protocol === 'grpc' ? [{ name: GRPC_STATS_FILTER_NAME, typed_config: anyOf('envoy.extensions.filters.http.grpc_stats.v3.FilterConfig', { emit_filter_state: true }) }] : [];
  return [...grpc, ...policyFilters, { name: routerFilter.name, typed_config: routerFilter.buildConfig() }];
}

/**
 * A route table with one virtual host `<service>` sending everything to `cluster`; `timeoutSeconds`
 * 0 disables the route timeout; `virtualHostExtra` adds fields to the virtual host, and
 * `leadingRoutes` (an inbound's per-caller rate limits) come before the catch-all route.
 */
export function buildCatchAllRouteConfig(
  name: string,
  service: string,
  cluster: string,
  extra: Readonly<Record<string, unknown>>,
  timeoutSeconds = 0,
  virtualHostExtra: Readonly<Record<string, unknown>> = {},
  leadingRoutes: readonly object[] = [],
): object {
  return {
    name,
    validate_clusters: { value: false },
    ...extra,
    virtual_hosts: [{ name: service, domains: ['*'], routes: [...leadingRoutes, { match: { prefix: '/' }, route: { cluster, timeout: durationOf(timeoutSeconds) } }], ...virtualHostExtra }],
  };
}

/** A connection manager filter with an inline route table. */
export function buildSidecarHttpFilter(options: {
  readonly statPrefix: string;
  readonly protocol: ir.SidecarProtocol;
  readonly timeouts: HttpTimeouts;
  readonly routeConfig: object;
  readonly extra?: Readonly<Record<string, unknown>>;
  /** HTTP filters of policies, between grpc_stats and the router (an inbound's faults and rate limit). */
  readonly policyFilters?: readonly object[];
  readonly accessLog?: AccessLog;
  readonly tracing?: Tracing;
}): object {
  return {
    name: HTTP_CONNECTION_MANAGER_FILTER_NAME,
    typed_config: anyOf(HTTP_CONNECTION_MANAGER_TYPE_NAME, {
      stat_prefix: options.statPrefix,
      codec_type: 'AUTO',
      ...(options.accessLog ? { access_log: [buildAccessLog(options.accessLog)] } : {}),
      ...(options.tracing ? { tracing: buildTracing(options.tracing) } : {}),
      ...options.extra,
      internal_address_config: { cidr_ranges: INTERNAL_CIDRS },
      common_http_protocol_options: { idle_timeout: durationOf(options.timeouts.idleSeconds) },
      stream_idle_timeout: durationOf(options.timeouts.streamIdleSeconds),
      http_filters: httpFilters(options.protocol, options.policyFilters ?? []),
      route_config: options.routeConfig,
    }),
  };
}

/** A tcp_proxy to one cluster; `extra` adds policy fields, `accessLog` a TrafficLog's log. */
export function buildSidecarTcpFilter(statPrefix: string, cluster: string, idleSeconds: number, extra: object = {}, accessLog?: AccessLog): object {
  return {
    name: TCP_PROXY_FILTER_NAME,
    typed_config: anyOf(TCP_PROXY_TYPE_NAME, { stat_prefix: statPrefix, cluster, idle_timeout: durationOf(idleSeconds), ...extra, ...(accessLog ? { access_log: [buildAccessLog(accessLog)] } : {}) }),
  };
}

/** `metadata.filter_metadata["io.kuma.tags"]` of a listener. */
export function buildTagsMetadata(tags: ir.Sidecar['inbounds'][number]['tags']): object {
  const fields: Record<string, object> = {};
  for (const key of Object.keys(tags).sort()) fields[key] = { stringValue: tags[key] ?? '' };
  return { filter_metadata: { 'io.kuma.tags': { fields } } };
}
