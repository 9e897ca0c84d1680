// HealthCheck (classic, docs/gateway.md §1.6, §2.16): active health checking of a destination's
// endpoints by the source proxies, TCP or HTTP. Durations are kept as written; `tcp` payloads are
// protobuf BytesValues, base64 on the wire as protojson writes them.
import { connectionPolicySchema, type ConnectionPolicySpec } from './connection-policy.js';
import { bool, bytes, double, field, listOf, object, text, uint32, type ObjectSchema } from './schema.js';

/** One header of an HTTP health check request. */
export interface HealthCheckHeader {
  readonly header?: { readonly key: string; readonly value?: string };
  /** True adds to a header already present; absent or false replaces it. */
  readonly append?: boolean;
}

/** `conf` of a HealthCheck. */
export interface HealthCheckConf {
  readonly interval?: string;
  readonly timeout?: string;
  readonly unhealthyThreshold?: number;
  readonly healthyThreshold?: number;
  readonly initialJitter?: string;
  readonly intervalJitter?: string;
  readonly intervalJitterPercent?: number;
  /** Percentage of healthy hosts below which Envoy ignores health (panic mode); Envoy's default is 50. */
  readonly healthyPanicThreshold?: number;
  readonly failTrafficOnPanic?: boolean;
  readonly eventLogPath?: string;
  readonly alwaysLogHealthCheckFailures?: boolean;
  readonly noTrafficInterval?: string;
  /** Bytes to send and blocks to expect back, base64. */
  readonly tcp?: { readonly send?: string; readonly receive?: readonly string[] };
  readonly http?: { readonly path?: string; readonly requestHeadersToAdd?: readonly HealthCheckHeader[]; readonly expectedStatuses?: readonly number[] };
  readonly reuseConnection?: boolean;
}

/** Spec of a HealthCheck. */
export type HealthCheckSpec = ConnectionPolicySpec<HealthCheckConf>;

const DURATION = text(64);
/** Largest TCP payload block accepted (the check sends or looks for it on every interval). */
const MAX_PAYLOAD_BYTES = 4096;

/** Spec schema of a HealthCheck. */
export const HEALTH_CHECK_SPEC_SCHEMA: ObjectSchema = connectionPolicySchema(
  'Active health checks of the destination services by the source proxies.',
  object('Health check settings.', {
    interval: field(DURATION, 'Time between two checks of an endpoint.'),
    timeout: field(DURATION, 'Time to wait for the answer to one check.'),
    unhealthyThreshold: field(uint32(), 'Failed checks in a row that make an endpoint unhealthy.'),
    healthyThreshold: field(uint32(), 'Passed checks in a row that make an endpoint healthy again.'),
    initialJitter: field(DURATION, 'Random delay up to this before the first check.'),
    intervalJitter: field(DURATION, 'Random delay up to this added to every interval.'),
    intervalJitterPercent: field(uint32(), 'Random delay up to this percentage of the interval added to every interval.'),
    healthyPanicThreshold: field(double(), 'Below this percentage of healthy endpoints all are used (panic mode); 0 disables panic mode.'),
    failTrafficOnPanic: field(bool(), 'In panic mode, fail every request instead of using all endpoints.'),
    eventLogPath: field(text(4096), 'File Envoy logs health check events to.'),
    alwaysLogHealthCheckFailures: field(bool(), 'Log every failed check, not only the first.'),
    noTrafficInterval: field(DURATION, 'Interval used while the cluster has had no traffic.'),
    tcp: field(
      object('TCP check: connect, optionally send bytes and expect bytes back.', {
        send: field(bytes(MAX_PAYLOAD_BYTES), 'Bytes sent on every check, base64.'),
        receive: field(listOf(bytes(MAX_PAYLOAD_BYTES), 100), 'Blocks expected in the answer, in order, base64.'),
      }),
      'TCP check.',
    ),
    http: field(
      object('HTTP check (HTTP-based destinations).', {
        path: field(text(4096), 'Path requested.'),
        requestHeadersToAdd: field(
          listOf(
            object('A request header.', {
              header: field(object('Header name and value.', { key: field(text(1024), 'Header name.'), value: field(text(16384), 'Header value.') }), 'Header name and value.'),
              append: field(bool(), 'Add to a header already present instead of replacing it.'),
            }),
            100,
          ),
          'Headers added to every check request.',
        ),
        expectedStatuses: field(listOf(uint32(), 100), 'Statuses counted as healthy (default 200).'),
      }),
      'HTTP check.',
    ),
    reuseConnection: field(bool(), 'Keep the connection between checks (Envoy default true).'),
  }),
);
