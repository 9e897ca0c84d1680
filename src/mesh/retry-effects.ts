// What a Retry sets where it lands (docs/gateway.md §2.16 "Retry protocol", [D6]; docs/mesh-mtls.md §4.9): a
// route retry policy for the protocol the route's destinations speak, and the tcp_proxy's connect
// attempts. The protocol inference and the retry_on conversions are Kuma's.
import { policyDurationMs } from '../api/connection-policy.js';
import type { GrpcRetryOn, HttpRetryOn, RetryBackOff, RetrySpec } from '../api/retry.js';
import type { Tags } from '../api/tags.js';
import type { RetryPolicy, TcpProxyPolicies } from '../ir/policies.js';

/** A route's protocol for retries; `unknown` when a destination has no recognised protocol tag. */
export type RetryProtocol = 'http' | 'http2' | 'grpc' | 'kafka' | 'tcp' | 'unknown';

const PROTOCOL_TAG = 'kuma.io/protocol';

/** Each protocol's stack, most specific first: two protocols meet at the first one both carry. */
const STACKS: Readonly<Record<Exclude<RetryProtocol, 'unknown'>, readonly RetryProtocol[]>> = {
  grpc: ['grpc', 'http2', 'tcp'],
  http2: ['http2', 'tcp'],
  http: ['http', 'tcp'],
  kafka: ['kafka', 'tcp'],
  tcp: ['tcp'],
};

/** A destination's protocol tag, `unknown` when missing or not one Kuma knows. */
function protocolOf(tags: Tags): RetryProtocol {
  const value = tags[PROTOCOL_TAG];
  return value !== undefined && Object.hasOwn(STACKS, value) ? (value as RetryProtocol) : 'unknown';
}

/** The protocol both `a` and `b` speak: equal stays, unknown wins, otherwise their first shared layer. */
export function commonProtocol(a: RetryProtocol, b: RetryProtocol): RetryProtocol {
  if (a === b) return a;
  if (a === 'unknown' || b === 'unknown') return 'unknown';
  const other = STACKS[b];
  return STACKS[a].find((p) => other.includes(p)) ?? 'unknown';
}

/**
 * The retry protocol of a route forwarding to `destinations` (their tags, in forward order): the
 * first destination's protocol combined with each further one's. Unknown counts as `http`.
 */
export function inferRetryProtocol(destinations: readonly Tags[]): Exclude<RetryProtocol, 'unknown'> {
  const [first, ...rest] = destinations;
  let protocol = first === undefined ? 'unknown' : protocolOf(first);
  for (const d of rest) protocol = commonProtocol(protocol, protocolOf(d));
  return protocol === 'unknown' ? 'http' : protocol;
}

/** Envoy's `retry_on` when an HTTP Retry lists no condition. */
export const HTTP_RETRY_ON_DEFAULT = 'gateway-error,connect-failure,refused-stream';
/** Envoy's `retry_on` when a gRPC Retry lists no condition. */
export const GRPC_RETRY_ON_DEFAULT = 'cancelled,connect-failure,gateway-error,refused-stream,reset,resource-exhausted,unavailable';
const RETRIABLE_STATUS_CODES = 'retriable-status-codes';

/** Kuma's HTTP condition names as Envoy's: `all_5xx` is `5xx`, underscores become hyphens. */
export function httpRetryOn(values: readonly HttpRetryOn[] | undefined): string | undefined {
  if (values === undefined || values.length === 0) return undefined;
  return values.map((v) => (v === 'all_5xx' ? '5xx' : v.replaceAll('_', '-'))).join(',');
}

/** Kuma's gRPC condition names as Envoy's. */
export function grpcRetryOn(values: readonly GrpcRetryOn[] | undefined): string | undefined {
  if (values === undefined || values.length === 0) return undefined;
  return values.map((v) => v.replaceAll('_', '-')).join(',');
}

/** `retryOn` with `retriable-status-codes` added when missing (Envoy retries the codes only then). */
function withRetriableStatusCodes(retryOn: string): string {
  const conditions = retryOn.split(',');
  return conditions.includes(RETRIABLE_STATUS_CODES) ? retryOn : [...conditions, RETRIABLE_STATUS_CODES].join(',');
}

/** The settings HTTP and gRPC share: count, per-try timeout and back-off, each when written. */
function common(conf: { readonly numRetries?: number; readonly perTryTimeout?: string; readonly backOff?: RetryBackOff }): Omit<RetryPolicy, 'retryOn'> {
  const perTryTimeoutMs = policyDurationMs(conf.perTryTimeout);
  const base = policyDurationMs(conf.backOff?.baseInterval);
  const max = policyDurationMs(conf.backOff?.maxInterval);
  return {
    ...(conf.numRetries !== undefined ? { numRetries: conf.numRetries } : {}),
    ...(perTryTimeoutMs !== undefined ? { perTryTimeoutMs } : {}),
    ...(base !== undefined ? { backOff: { baseIntervalMs: base, ...(max !== undefined ? { maxIntervalMs: max } : {}) } } : {}),
  };
}

/**
 * The retry policy of the route-level Retry for a route of `protocol`: `conf.http` for http and
 * http2 [D6], `conf.grpc` for grpc, none for tcp and kafka or when the section is missing.
 */
export function retryPolicy(spec: RetrySpec, protocol: RetryProtocol): RetryPolicy | undefined {
  if (protocol === 'http' || protocol === 'http2' || protocol === 'unknown') {
    const http = spec.conf.http;
    if (http === undefined) return undefined;
    const codes = http.retriableStatusCodes ?? [];
    const retryOn = httpRetryOn(http.retryOn) ?? HTTP_RETRY_ON_DEFAULT;
    // NONE is rejected by validation; skipping it keeps stored pre-validation data harmless.
    const methods = (http.retriableMethods ?? []).filter((m) => m !== 'NONE');
    return {
      retryOn: codes.length > 0 ? withRetriableStatusCodes(retryOn) : retryOn,
      ...common(http),
      ...(codes.length > 0 ? { retriableStatusCodes: codes } : {}),
      ...(methods.length > 0 ? { retriableMethods: methods } : {}),
    };
  }
  if (protocol === 'grpc') {
    const grpc = spec.conf.grpc;
    if (grpc === undefined) return undefined;
    return { retryOn: grpcRetryOn(grpc.retryOn) ?? GRPC_RETRY_ON_DEFAULT, ...common(grpc) };
  }
  return undefined;
}

/** A tcp_proxy's settings from a Retry with a `tcp` section; none without it. */
export function tcpProxyRetry(spec: RetrySpec | undefined): TcpProxyPolicies | undefined {
  const attempts = spec?.conf.tcp?.maxConnectAttempts;
  return attempts !== undefined && attempts > 0 ? { maxConnectAttempts: attempts } : undefined;
}
