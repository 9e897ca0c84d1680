// The access log of a connection manager or TCP proxy (TrafficLog; docs/policies.md). A file
// backend is Envoy's file logger, as in Kuma. A TCP backend: Kuma hands its lines to kuma-dp
// through a socket and kuma-dp writes them to the collector; Envoy itself has no plain-TCP logger,
// so Portico uses Envoy's Fluentd logger, which streams over TCP to the collector's cluster one
// Forward-protocol record per log line, carrying the line in its `message` field.
import type { AccessLog } from '../../ir/policies.js';
import { anyOf } from '../envoy/type-urls.js';

const FILE_TYPE_NAME = 'envoy.extensions.access_loggers.file.v3.FileAccessLog';
const FLUENTD_TYPE_NAME = 'envoy.extensions.access_loggers.fluentd.v3.FluentdAccessLogConfig';

/** Fluentd tag of every record: the event category a collector can route on. */
export const ACCESS_LOG_FLUENTD_TAG = 'kuma.access_log';

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
      cluster: log.sink.cluster,
      tag: ACCESS_LOG_FLUENTD_TAG,
      stat_prefix: log.sink.cluster.replace(/[^a-zA-Z0-9_-]/g, '_'),
      // Each line leaves at once, as kuma-dp forwards it, rather than once the buffer fills.
      buffer_size_bytes: { value: 0 },
      record: { fields: { message: { stringValue: log.format.replace(/\n$/, '') } } },
    }),
  };
}
