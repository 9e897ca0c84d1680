// The HttpConnectionManager of every HTTP filter chain (docs/gateway.md §2.12). All values are fixed
// except the stat prefix, the route table name, and the access log and tracing of TrafficLog and
// TrafficTrace: timeouts here never come from policies.
import { durationOf } from '../envoy/duration.js';
import { anyOf, type AnyObject } from '../envoy/type-urls.js';
import type { AccessLog, Tracing } from '../../ir/policies.js';
import { buildAccessLog } from './access-log.js';
import { buildAdsConfigSource } from './config-source.js';
import { buildTracing } from './tracing.js';
import { buildHttpFilters } from './filters/http-filters.js';

/** Network filter name of the connection manager. */
export const HTTP_CONNECTION_MANAGER_FILTER_NAME = 'envoy.filters.network.http_connection_manager';

/** Proto message of the connection manager configuration. */
export const HTTP_CONNECTION_MANAGER_TYPE_NAME =
  'envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager';

/** `server` response header value [D14]. */
export const GATEWAY_SERVER_NAME = 'Portico Gateway';

/**
 * Envoy stat prefix for a service name: every character outside `[a-zA-Z0-9_-]` becomes `_`,
 * because `.` would split the stat name into extra segments and `:` breaks Prometheus names.
 */
export function statPrefixOf(service: string): string {
  return service.replace(/[^a-zA-Z0-9_-]/g, '_');
}

/** What policies add to a gateway connection manager. */
export interface ConnectionManagerPolicies {
  readonly accessLog?: AccessLog;
  readonly tracing?: Tracing;
}

/** The connection manager filter config fetching route table `routeConfigName` over ADS. */
export function buildHttpConnectionManager(service: string, routeConfigName: string, policies: ConnectionManagerPolicies = {}): AnyObject {
  return anyOf(HTTP_CONNECTION_MANAGER_TYPE_NAME, {
    stat_prefix: statPrefixOf(service),
    ...(policies.accessLog ? { access_log: [buildAccessLog(policies.accessLog)] } : {}),
    ...(policies.tracing ? { tracing: buildTracing(policies.tracing) } : {}),
    rds: { config_source: buildAdsConfigSource(), route_config_name: routeConfigName },
    http_filters: buildHttpFilters(),
    common_http_protocol_options: {
      idle_timeout: durationOf(300),
      headers_with_underscores_action: 'REJECT_REQUEST',
    },
    http2_protocol_options: {
      max_concurrent_streams: { value: 100 },
      initial_stream_window_size: { value: 65536 },
      initial_connection_window_size: { value: 1048576 },
      allow_connect: true,
    },
    server_name: GATEWAY_SERVER_NAME,
    stream_idle_timeout: durationOf(5),
    request_headers_timeout: durationOf(0.5),
    use_remote_address: { value: true },
    // Loopback traffic (health checks, admin tooling) counts as internal for x-envoy-* headers.
    internal_address_config: { cidr_ranges: [{ address_prefix: '127.0.0.1', prefix_len: { value: 32 } }] },
    normalize_path: { value: true },
    merge_slashes: true,
    path_with_escaped_slashes_action: 'UNESCAPE_AND_REDIRECT',
  });
}

/** The network filter entry of a filter chain holding the connection manager. */
export function buildHttpConnectionManagerFilter(service: string, routeConfigName: string, policies: ConnectionManagerPolicies = {}): object {
  return {
    name: HTTP_CONNECTION_MANAGER_FILTER_NAME,
    typed_config: buildHttpConnectionManager(service, routeConfigName, policies),
  };
}
