// The active health check of a cluster (docs/gateway.md §2.16 HealthCheck), for gateway and sidecar
// clusters alike: `health_checks[]` with Kuma's field mapping, plus the panic settings the policy
// puts in `common_lb_config`. An HTTP check needs `http` and an HTTP-based cluster; everything
// else is a TCP check (connect only, or with the policy's payloads).
import type { ClusterHealthCheck } from '../../ir/policies.js';
import { durationOfMillis } from '../envoy/duration.js';
import { anyOf } from '../envoy/type-urls.js';
import { buildHeaderValueOption } from './header-mutation.js';

/** Protocols a cluster may have; only `tcp` rules out an HTTP check. */
export type HealthCheckedProtocol = 'http' | 'http2' | 'grpc' | 'tcp';

/** Event sink writing health check events to a file (the replacement of the deprecated `event_log_path`). */
const FILE_EVENT_SINK_NAME = 'envoy.health_check.event_sink.file';
const FILE_EVENT_SINK_TYPE_NAME = 'envoy.extensions.health_check.event_sinks.file.v3.HealthCheckEventFileSink';

/** The checker: HTTP (HTTP/2 codec for `http2` clusters, as Kuma) or TCP. */
function buildChecker(hc: ClusterHealthCheck, protocol: HealthCheckedProtocol): object {
  if (hc.http && protocol !== 'tcp') {
    return {
      http_health_check: {
        path: hc.http.path,
        ...(hc.http.headers.length > 0 ? { request_headers_to_add: hc.http.headers.map((h) => buildHeaderValueOption(h.key, h.value, h.append)) } : {}),
        // One status per range: [status, status + 1).
        ...(hc.http.expectedStatuses.length > 0 ? { expected_statuses: hc.http.expectedStatuses.map((s) => ({ start: s, end: s + 1 })) } : {}),
        ...(protocol === 'http2' ? { codec_client_type: 'HTTP2' } : {}),
      },
    };
  }
  const tcp = hc.tcp;
  return {
    tcp_health_check: {
      ...(tcp?.sendHex !== undefined ? { send: { text: tcp.sendHex } } : {}),
      ...(tcp && tcp.receiveHex.length > 0 ? { receive: tcp.receiveHex.map((text) => ({ text })) } : {}),
    },
  };
}

/** One Envoy HealthCheck. */
export function buildHealthCheck(hc: ClusterHealthCheck, protocol: HealthCheckedProtocol): object {
  return {
    timeout: durationOfMillis(hc.timeoutMs),
    interval: durationOfMillis(hc.intervalMs),
    ...(hc.initialJitterMs !== undefined ? { initial_jitter: durationOfMillis(hc.initialJitterMs) } : {}),
    ...(hc.intervalJitterMs !== undefined ? { interval_jitter: durationOfMillis(hc.intervalJitterMs) } : {}),
    ...(hc.intervalJitterPercent !== undefined && hc.intervalJitterPercent > 0 ? { interval_jitter_percent: hc.intervalJitterPercent } : {}),
    unhealthy_threshold: { value: hc.unhealthyThreshold },
    healthy_threshold: { value: hc.healthyThreshold },
    ...(hc.reuseConnection !== undefined ? { reuse_connection: { value: hc.reuseConnection } } : {}),
    ...buildChecker(hc, protocol),
    ...(hc.noTrafficIntervalMs !== undefined ? { no_traffic_interval: durationOfMillis(hc.noTrafficIntervalMs) } : {}),
    ...(hc.eventLogPath !== undefined
      ? { event_logger: [{ name: FILE_EVENT_SINK_NAME, typed_config: anyOf(FILE_EVENT_SINK_TYPE_NAME, { event_log_path: hc.eventLogPath }) }] }
      : {}),
    ...(hc.alwaysLogFailures ? { always_log_health_check_failures: true } : {}),
  };
}

/**
 * The cluster fields of a health check: `health_checks` and, when the policy sets the panic
 * threshold or fail-on-panic, `common_lb_config` (zone-aware config, the load balancer in use).
 */
export function buildHealthCheckFields(hc: ClusterHealthCheck | undefined, protocol: HealthCheckedProtocol): object {
  if (hc === undefined) return {};
  const lb = {
    ...(hc.healthyPanicThreshold !== undefined ? { healthy_panic_threshold: { value: hc.healthyPanicThreshold } } : {}),
    ...(hc.failTrafficOnPanic !== undefined ? { zone_aware_lb_config: { fail_traffic_on_panic: hc.failTrafficOnPanic } } : {}),
  };
  return {
    health_checks: [buildHealthCheck(hc, protocol)],
    ...(Object.keys(lb).length > 0 ? { common_lb_config: lb } : {}),
  };
}
