// The access log of a connection manager or TCP proxy (TrafficLog; docs/policies.md). A file
// backend is Envoy's file logger, as in Kuma. A TCP backend: Kuma hands its lines to kuma-dp
// through a socket and kuma-dp writes them to the collector. Envoy has no plain-TCP logger, and
// its stream loggers reach only clusters of the bootstrap, so Portico's agent serves a sink there
// (`access_log_sink`, src/cli/access-log-sink.ts): Envoy's Fluentd logger streams each line to
// it as a Forward-protocol record tagged with the collector's address, and the agent writes the
// plain line to the collector.
import type { AccessLog } from '../../ir/policies.js';
import { durationOf } from '../envoy/duration.js';
import { anyOf } from '../envoy/type-urls.js';

const FILE_TYPE_NAME = 'envoy.extensions.access_loggers.file.v3.FileAccessLog';
const FLUENTD_TYPE_NAME = 'envoy.extensions.access_loggers.fluentd.v3.FluentdAccessLogConfig';

/** The bootstrap cluster of the agent's sink (src/cli/access-log-sink.ts; Kuma's name for its sink). */
export const ACCESS_LOG_SINK_CLUSTER = 'access_log_sink';

/** The sink's static cluster, which the agent adds to the bootstrap Envoy runs with. */
export function buildAccessLogSinkCluster(socketPath: string): object {
  return {
    name: ACCESS_LOG_SINK_CLUSTER,
    connect_timeout: durationOf(1),
    type: 'STATIC',
    load_assignment: { cluster_name: ACCESS_LOG_SINK_CLUSTER, endpoints: [{ lb_endpoints: [{ endpoint: { address: { pipe: { path: socketPath } } } }] }] },
  };
}

/** One `config.accesslog.v3.AccessLog`. */
export function buildAccessLog(log: AccessLog): object {
  if (log.sink.kind === 'file') {
    return {
      name: 'envoy.access_loggers.file',
      typed_config: anyOf(FILE_TYPE_NAME, { path: log.sink.path, log_format: { text_format_source: { inline_string: log.format } } }),
    };
  }
  return {
    name: 'envoy.access_loggers.fluentd',
    typed_config: anyOf(FLUENTD_TYPE_NAME, {
      cluster: ACCESS_LOG_SINK_CLUSTER,
      // The sink sends each record's line to the collector its tag names.
      tag: log.sink.address,
      stat_prefix: ACCESS_LOG_SINK_CLUSTER,
      // Each line leaves at once, as kuma-dp forwards it, rather than once 16 KiB are buffered
      // (Envoy drops entries while the buffer holds its limit, so the limit cannot be 0).
      buffer_size_bytes: { value: 1 },
      record: { fields: { message: { stringValue: log.format.replace(/\n$/, '') } } },
    }),
  };
}
