// The retry protocol inference (docs/gateway.md §2.16 "Retry protocol", [D6]) and Kuma's retry_on
// conversions, table-driven.
import { describe, expect, it } from 'vitest';
import type { RetrySpec } from '../api/retry.js';
import { commonProtocol, GRPC_RETRY_ON_DEFAULT, grpcRetryOn, HTTP_RETRY_ON_DEFAULT, httpRetryOn, inferRetryProtocol, retryPolicy, tcpProxyRetry, type RetryProtocol } from './retry-effects.js';

const tagged = (protocol?: string) => ({ 'kuma.io/service': 's', ...(protocol === undefined ? {} : { 'kuma.io/protocol': protocol }) });

describe('retry protocol inference', () => {
  it.each<[string, (string | undefined)[], RetryProtocol]>([
    ['no destination counts as http', [], 'http'],
    ['one http', ['http'], 'http'],
    ['one http2', ['http2'], 'http2'],
    ['one grpc', ['grpc'], 'grpc'],
    ['one tcp', ['tcp'], 'tcp'],
    ['one kafka', ['kafka'], 'kafka'],
    ['a missing tag counts as http', [undefined], 'http'],
    ['an unrecognised tag counts as http', ['mongo'], 'http'],
    ['equal protocols stay', ['grpc', 'grpc', 'grpc'], 'grpc'],
    ['grpc with http2 gives http2', ['grpc', 'http2'], 'http2'],
    ['http2 with grpc gives http2', ['http2', 'grpc'], 'http2'],
    ['http with http2 gives tcp', ['http', 'http2'], 'tcp'],
    ['http with grpc gives tcp', ['http', 'grpc'], 'tcp'],
    ['kafka with http gives tcp', ['kafka', 'http'], 'tcp'],
    ['anything with tcp gives tcp', ['grpc', 'tcp'], 'tcp'],
    ['a missing tag after others makes it unknown (http)', ['grpc', undefined], 'http'],
    ['a missing tag first makes it unknown for good (http)', [undefined, 'grpc', 'grpc'], 'http'],
    ['grpc, http2, http: tcp', ['grpc', 'http2', 'http'], 'tcp'],
  ])('%s', (_, protocols, expected) => {
    expect(inferRetryProtocol(protocols.map(tagged))).toBe(expected);
  });

  it('combines symmetrically, unknown absorbing', () => {
    const all: RetryProtocol[] = ['http', 'http2', 'grpc', 'kafka', 'tcp', 'unknown'];
    for (const a of all) for (const b of all) expect(commonProtocol(a, b), `${a} ${b}`).toBe(commonProtocol(b, a));
    for (const a of all) expect(commonProtocol(a, 'unknown')).toBe('unknown');
  });
});

describe('retry_on conversion', () => {
  it.each<[string, Parameters<typeof httpRetryOn>[0], string | undefined]>([
    ['unset', undefined, undefined],
    ['empty', [], undefined],
    ['all_5xx is 5xx', ['all_5xx'], '5xx'],
    ['underscores become hyphens, order kept', ['retriable_4xx', 'gateway_error', 'connect_failure', 'refused_stream'], 'retriable-4xx,gateway-error,connect-failure,refused-stream'],
    ['every name', ['all_5xx', 'gateway_error', 'reset', 'connect_failure', 'envoy_ratelimited', 'retriable_4xx', 'refused_stream', 'retriable_status_codes', 'retriable_headers', 'http3_post_connect_failure'], '5xx,gateway-error,reset,connect-failure,envoy-ratelimited,retriable-4xx,refused-stream,retriable-status-codes,retriable-headers,http3-post-connect-failure'],
  ])('http: %s', (_, values, expected) => {
    expect(httpRetryOn(values)).toBe(expected);
  });

  it.each<[string, Parameters<typeof grpcRetryOn>[0], string | undefined]>([
    ['unset', undefined, undefined],
    ['underscores become hyphens', ['resource_exhausted', 'deadline_exceeded', 'cancelled', 'internal', 'unavailable'], 'resource-exhausted,deadline-exceeded,cancelled,internal,unavailable'],
  ])('grpc: %s', (_, values, expected) => {
    expect(grpcRetryOn(values)).toBe(expected);
  });
});

const spec = (conf: RetrySpec['conf']): RetrySpec => ({ sources: [], destinations: [], conf });

describe('retry policy', () => {
  const full = spec({
    http: { numRetries: 3, perTryTimeout: '2s', backOff: { baseInterval: '10ms', maxInterval: '1s' }, retriableStatusCodes: [503], retriableMethods: ['GET', 'NONE', 'POST'] },
    grpc: { retryOn: ['unavailable'], numRetries: 2 },
    tcp: { maxConnectAttempts: 4 },
  });

  it('takes conf.http for http, http2 and unknown [D6], adding retriable-status-codes to the default conditions', () => {
    const expected = {
      retryOn: `${HTTP_RETRY_ON_DEFAULT},retriable-status-codes`,
      numRetries: 3,
      perTryTimeoutMs: 2000,
      backOff: { baseIntervalMs: 10, maxIntervalMs: 1000 },
      retriableStatusCodes: [503],
      retriableMethods: ['GET', 'POST'],
    };
    for (const p of ['http', 'http2', 'unknown'] as const) expect(retryPolicy(full, p)).toEqual(expected);
  });

  it('does not repeat retriable-status-codes when listed', () => {
    expect(retryPolicy(spec({ http: { retryOn: ['retriable_status_codes', 'reset'], retriableStatusCodes: [409] } }), 'http')?.retryOn).toBe('retriable-status-codes,reset');
  });

  it('takes conf.grpc for grpc, with its own default conditions', () => {
    expect(retryPolicy(full, 'grpc')).toEqual({ retryOn: 'unavailable', numRetries: 2 });
    expect(retryPolicy(spec({ grpc: { numRetries: 1 } }), 'grpc')).toEqual({ retryOn: GRPC_RETRY_ON_DEFAULT, numRetries: 1 });
  });

  it('gives none for tcp and kafka, or when the section of the protocol is missing', () => {
    expect(retryPolicy(full, 'tcp')).toBeUndefined();
    expect(retryPolicy(full, 'kafka')).toBeUndefined();
    expect(retryPolicy(spec({ grpc: { numRetries: 1 } }), 'http')).toBeUndefined();
    expect(retryPolicy(spec({ http: { numRetries: 1 } }), 'grpc')).toBeUndefined();
  });

  it('sets connect attempts from conf.tcp only', () => {
    expect(tcpProxyRetry(full)).toEqual({ maxConnectAttempts: 4 });
    expect(tcpProxyRetry(spec({ http: { numRetries: 1 } }))).toBeUndefined();
    expect(tcpProxyRetry(undefined)).toBeUndefined();
  });
});
