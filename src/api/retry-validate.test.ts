// Retry validation with Kuma's fields and messages (docs/gateway.md §1.6).
import { describe, expect, it } from 'vitest';
import { parseSpec } from './resource-kinds.js';
import type { Violation } from './violation.js';

function violationsOf(spec: unknown): readonly Violation[] {
  const r = parseSpec('Retry', spec);
  return r.ok ? [] : r.violations;
}

const ANY = [{ match: { 'kuma.io/service': '*' } }];

function withConf(conf: unknown): unknown {
  return { sources: ANY, destinations: ANY, conf };
}

describe('Retry validation', () => {
  it("accepts Kuma's default retry-all policy and every field", () => {
    expect(
      violationsOf(
        withConf({
          http: { numRetries: 5, perTryTimeout: '16s', backOff: { baseInterval: '25ms', maxInterval: '250ms' } },
          grpc: { numRetries: 5, perTryTimeout: '16s', backOff: { baseInterval: '25ms', maxInterval: '250ms' } },
          tcp: { maxConnectAttempts: 5 },
        }),
      ),
    ).toEqual([]);
    expect(
      violationsOf(withConf({ http: { retryOn: ['all_5xx', 'retriable_status_codes'], retriableStatusCodes: [503], retriableMethods: ['GET', 'POST'] }, grpc: { retryOn: ['unavailable', 1] } })),
    ).toEqual([]);
  });

  it.each<[string, unknown, Violation[]]>([
    ['no conf', { sources: ANY, destinations: ANY }, [{ field: 'conf', message: 'has to be defined' }]],
    ['no protocol section', withConf({}), [{ field: 'conf', message: 'missing protocol [grpc|http|tcp] configuration' }]],
    [
      'a destination with another tag',
      { sources: ANY, destinations: [{ match: { 'kuma.io/service': 'shop', version: 'v1' } }], conf: { tcp: { maxConnectAttempts: 1 } } },
      [
        { field: 'destinations[0].match', message: 'must consist of exactly one tag "kuma.io/service"' },
        { field: 'destinations[0].match["version"]', message: 'tag "version" is not allowed' },
      ],
    ],
    ['an empty http section', withConf({ http: {} }), [{ field: 'conf.http', message: 'field cannot be empty' }]],
    ['an http section with empty lists only', withConf({ http: { retryOn: [], retriableMethods: [] } }), [{ field: 'conf.http', message: 'field cannot be empty' }]],
    ['an empty grpc section', withConf({ grpc: {} }), [{ field: 'conf.grpc', message: 'field cannot be empty' }]],
    ['zero retries', withConf({ http: { numRetries: 0 } }), [{ field: 'conf.http.numRetries', message: 'has to be greater than 0 when defined' }]],
    ['a zero per-try timeout', withConf({ grpc: { perTryTimeout: '0s' } }), [{ field: 'conf.grpc.perTryTimeout', message: 'has to be greater than 0 when defined' }]],
    ['a back-off without base interval', withConf({ http: { backOff: { maxInterval: '1s' } } }), [{ field: 'conf.http.backOff.baseInterval', message: 'has to be defined' }]],
    ['a zero base interval', withConf({ http: { backOff: { baseInterval: '0s', maxInterval: '0s' } } }), [{ field: 'conf.http.backOff.baseInterval', message: 'has to be greater than 0' }]],
    ['a zero max interval', withConf({ grpc: { backOff: { baseInterval: '1s', maxInterval: '0s' } } }), [{ field: 'conf.grpc.backOff.maxInterval', message: 'has to be greater than 0 when defined' }]],
    [
      'a max interval below the base interval (Envoy would reject it)',
      withConf({ http: { backOff: { baseInterval: '1s', maxInterval: '100ms' } } }),
      [{ field: 'conf.http.backOff.maxInterval', message: 'has to be greater than or equal to baseInterval' }],
    ],
    ['the NONE method', withConf({ http: { retriableMethods: ['GET', 'NONE'] } }), [{ field: 'conf.http.retriableMethods[1]', message: 'field cannot be empty' }]],
    [
      'retriable_status_codes without codes',
      withConf({ http: { retryOn: ['reset', 'retriable_status_codes'] } }),
      [{ field: 'conf.http.retryOn[1]', message: 'retriableStatusCodes cannot be empty when this option is specified' }],
    ],
    [
      'repeated gRPC conditions',
      withConf({ grpc: { retryOn: ['unavailable', 'cancelled', 'unavailable', 'cancelled', 'cancelled'] } }),
      [
        { field: 'conf.grpc.retryOn', message: 'repeated value "cancelled" at indexes [1, 3, 4]' },
        { field: 'conf.grpc.retryOn', message: 'repeated value "unavailable" at indexes [0, 2]' },
      ],
    ],
    ['zero connect attempts', withConf({ tcp: { maxConnectAttempts: 0 } }), [{ field: 'conf.tcp.maxConnectAttempts', message: 'has to be greater than 0' }]],
    ['an empty tcp section', withConf({ tcp: {} }), [{ field: 'conf.tcp.maxConnectAttempts', message: 'has to be greater than 0' }]],
    [
      'a malformed duration',
      withConf({ http: { perTryTimeout: '5 seconds' } }),
      [{ field: 'conf.http.perTryTimeout', message: 'invalid duration "5 seconds": use a number and a unit (ns, us, ms, s, m, h), e.g. 24h or 1h30m' }],
    ],
  ])('%s', (_, spec, expected) => {
    expect(violationsOf(spec)).toEqual(expected);
  });
});
