// Timeout (classic, docs/gateway.md §1.6, §2.16; docs/mesh-mtls.md §4.9): connect, idle, request and stream
// timeouts between a source and a destination service. Durations are kept as written.
import { connectionPolicySchema, type ConnectionPolicySpec } from './connection-policy.js';
import { field, object, text, type ObjectSchema } from './schema.js';

/** `conf` of a Timeout. */
export interface TimeoutConf {
  /** Time to establish an upstream connection (every protocol). */
  readonly connectTimeout?: string;
  /** TCP (and Kafka) destinations. */
  readonly tcp?: { readonly idleTimeout?: string };
  /** HTTP-based destinations. */
  readonly http?: {
    readonly requestTimeout?: string;
    readonly idleTimeout?: string;
    readonly streamIdleTimeout?: string;
    readonly maxStreamDuration?: string;
  };
  /** Deprecated in Kuma in favour of `http`; read where `http` leaves a value unset. */
  readonly grpc?: { readonly streamIdleTimeout?: string; readonly maxStreamDuration?: string };
}

/** Spec of a Timeout. */
export type TimeoutSpec = ConnectionPolicySpec<TimeoutConf>;

const DURATION = text(64);

/** Spec schema of a Timeout. */
export const TIMEOUT_SPEC_SCHEMA: ObjectSchema = connectionPolicySchema(
  'Timeouts of the connections and requests from the sources to the destination services.',
  object('Timeout settings.', {
    connectTimeout: field(DURATION, 'Time to establish a connection to the destination.'),
    tcp: field(object('TCP timeouts.', { idleTimeout: field(DURATION, 'Close a connection idle this long.') }), 'TCP timeouts.'),
    http: field(
      object('HTTP timeouts.', {
        requestTimeout: field(DURATION, 'Time for the whole response once the request was sent.'),
        idleTimeout: field(DURATION, 'Close a connection without streams this long.'),
        streamIdleTimeout: field(DURATION, 'Reset a stream without activity this long.'),
        maxStreamDuration: field(DURATION, 'Longest lifetime of a stream.'),
      }),
      'HTTP timeouts.',
    ),
    grpc: field(
      object('gRPC timeouts (deprecated: use http).', {
        streamIdleTimeout: field(DURATION, 'Reset a stream without activity this long.'),
        maxStreamDuration: field(DURATION, 'Longest lifetime of a stream.'),
      }),
      'gRPC timeouts (deprecated: use http).',
    ),
  }),
);
