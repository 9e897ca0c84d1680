// Zipkin tracing of a connection manager (TrafficTrace; docs/gateway.md §2.12): the provider sends
// spans to the collector cluster `tracing:<backend>`; the backend's sampling is the overall
// sampling. Portico's proto set predates the connection manager's `spawn_upstream_span`, so it is
// left at Envoy's default (docs/policies.md).
import type { Tracing } from '../../ir/policies.js';
import { anyOf } from '../envoy/type-urls.js';

const ZIPKIN_TYPE_NAME = 'envoy.config.trace.v3.ZipkinConfig';

/** The connection manager's `tracing`. */
export function buildTracing(tracing: Tracing): object {
  return {
    ...(tracing.samplingPercent !== undefined ? { overall_sampling: { value: tracing.samplingPercent } } : {}),
    provider: {
      name: 'envoy.tracers.zipkin',
      typed_config: anyOf(ZIPKIN_TYPE_NAME, {
        collector_cluster: tracing.cluster,
        collector_endpoint: tracing.collectorEndpoint,
        trace_id_128bit: tracing.traceId128bit,
        ...(tracing.sharedSpanContext !== undefined ? { shared_span_context: { value: tracing.sharedSpanContext } } : {}),
        collector_endpoint_version: tracing.version,
        collector_hostname: tracing.collectorHostname,
      }),
    },
  };
}
