// Retry (classic, docs/gateway.md §1.6, §2.16): how a source retries requests to a destination
// service, per protocol family: HTTP (http and http2 destinations [D6]), gRPC, and TCP connect
// attempts. Durations are kept as written; enum values are Kuma's names.
import { connectionPolicySchema, type ConnectionPolicySpec } from './connection-policy.js';
import { enumeration, field, listOf, object, text, uint32, type ObjectSchema } from './schema.js';

/** Kuma's HttpRetryOn names (`all_5xx` is Envoy's `5xx`, underscores are Envoy's hyphens). */
export const HTTP_RETRY_ON = [
  'all_5xx',
  'gateway_error',
  'reset',
  'connect_failure',
  'envoy_ratelimited',
  'retriable_4xx',
  'refused_stream',
  'retriable_status_codes',
  'retriable_headers',
  'http3_post_connect_failure',
] as const;
export type HttpRetryOn = (typeof HTTP_RETRY_ON)[number];

/** Kuma's gRPC retry conditions. */
export const GRPC_RETRY_ON = ['cancelled', 'deadline_exceeded', 'internal', 'resource_exhausted', 'unavailable'] as const;
export type GrpcRetryOn = (typeof GRPC_RETRY_ON)[number];

/** Kuma's HttpMethod names; `NONE` is the proto default and rejected by validation. */
export const HTTP_METHODS = ['NONE', 'CONNECT', 'DELETE', 'GET', 'HEAD', 'OPTIONS', 'PATCH', 'POST', 'PUT', 'TRACE'] as const;
export type RetryHttpMethod = (typeof HTTP_METHODS)[number];

/** Exponential back-off between retries. */
export interface RetryBackOff {
  readonly baseInterval?: string;
  readonly maxInterval?: string;
}

/** `conf.http` of a Retry. */
export interface RetryHttpConf {
  readonly numRetries?: number;
  readonly perTryTimeout?: string;
  readonly backOff?: RetryBackOff;
  readonly retriableStatusCodes?: readonly number[];
  readonly retriableMethods?: readonly RetryHttpMethod[];
  readonly retryOn?: readonly HttpRetryOn[];
}

/** `conf.grpc` of a Retry. */
export interface RetryGrpcConf {
  readonly retryOn?: readonly GrpcRetryOn[];
  readonly numRetries?: number;
  readonly perTryTimeout?: string;
  readonly backOff?: RetryBackOff;
}

/** `conf` of a Retry. */
export interface RetryConf {
  readonly http?: RetryHttpConf;
  readonly tcp?: { readonly maxConnectAttempts?: number };
  readonly grpc?: RetryGrpcConf;
}

/** Spec of a Retry. */
export type RetrySpec = ConnectionPolicySpec<RetryConf>;

const DURATION = text(64);

/** `{name: number}` of a list of names, in order, for enumeration(). */
function numbered(names: readonly string[]): Record<string, number> {
  return Object.fromEntries(names.map((n, i) => [n, i]));
}

const BACK_OFF_SCHEMA = object('Exponential back-off between retries.', {
  baseInterval: field(DURATION, 'First back-off interval; required.'),
  maxInterval: field(DURATION, 'Longest back-off interval (default: 10 times the base interval).'),
});

/** Spec schema of a Retry. */
export const RETRY_SPEC_SCHEMA: ObjectSchema = connectionPolicySchema(
  'Retries of the requests and connections from the sources to the destination services.',
  object('Retry settings, per protocol.', {
    http: field(
      object('Retries of HTTP and HTTP/2 requests.', {
        numRetries: field(uint32(), 'Retries per request (Envoy default 1).'),
        perTryTimeout: field(DURATION, 'Timeout of each attempt.'),
        backOff: field(BACK_OFF_SCHEMA, 'Back-off between retries.'),
        retriableStatusCodes: field(listOf(uint32()), 'Response status codes that are retried.'),
        retriableMethods: field(listOf(enumeration(numbered(HTTP_METHODS))), 'Only requests with these methods are retried.'),
        retryOn: field(listOf(enumeration(numbered(HTTP_RETRY_ON))), 'Conditions that are retried (default gateway_error, connect_failure, refused_stream).'),
      }),
      'Retries of HTTP and HTTP/2 requests.',
    ),
    tcp: field(object('Retries of TCP connections.', { maxConnectAttempts: field(uint32(), 'Connection attempts before giving up.') }), 'Retries of TCP connections.'),
    grpc: field(
      object('Retries of gRPC requests.', {
        retryOn: field(listOf(enumeration(numbered(GRPC_RETRY_ON))), 'gRPC statuses that are retried.'),
        numRetries: field(uint32(), 'Retries per request (Envoy default 1).'),
        perTryTimeout: field(DURATION, 'Timeout of each attempt.'),
        backOff: field(BACK_OFF_SCHEMA, 'Back-off between retries.'),
      }),
      'Retries of gRPC requests.',
    ),
  }),
);
