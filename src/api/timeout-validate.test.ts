// Timeout validation with Kuma's fields and messages (docs/gateway.md §1.6).
import { describe, expect, it } from 'vitest';
import { DEFAULT_POLICIES } from './mesh-default-policies.js';
import { parseSpec } from './resource-kinds.js';
import type { Violation } from './violation.js';

function violationsOf(spec: unknown): readonly Violation[] {
  const r = parseSpec('Timeout', spec);
  return r.ok ? [] : r.violations;
}

const ANY = [{ match: { 'kuma.io/service': '*' } }];

describe('Timeout validation', () => {
  it("accepts Kuma's default timeout-all policy", () => {
    expect(
      violationsOf({
        sources: ANY,
        destinations: ANY,
        conf: { connectTimeout: '5s', tcp: { idleTimeout: '1h' }, http: { requestTimeout: '15s', idleTimeout: '1h', streamIdleTimeout: '30m', maxStreamDuration: '0s' } },
      }),
    ).toEqual([]);
  });

  it.each<[string, unknown, Violation[]]>([
    ['no conf', { sources: ANY, destinations: ANY }, [{ field: 'conf', message: 'has to be defined' }]],
    ['no selectors', { conf: { connectTimeout: '1s' } }, [{ field: 'sources', message: 'must have at least one element' }, { field: 'destinations', message: 'must have at least one element' }]],
    ['a source without the service tag', { sources: [{ match: { team: 'web' } }], destinations: ANY, conf: { connectTimeout: '1s' } }, [{ field: 'sources[0].match', message: 'mandatory tag "kuma.io/service" is missing' }]],
    [
      'a destination with another tag',
      { sources: ANY, destinations: [{ match: { 'kuma.io/service': 'shop', version: 'v1' } }], conf: { connectTimeout: '1s' } },
      [
        { field: 'destinations[0].match', message: 'must consist of exactly one tag "kuma.io/service"' },
        { field: 'destinations[0].match["version"]', message: 'tag "version" is not allowed' },
      ],
    ],
    ['an empty tcp section', { sources: ANY, destinations: ANY, conf: { tcp: {} } }, [{ field: 'conf.tcp', message: 'at least one timeout in section has to be defined' }]],
    ['an empty http section', { sources: ANY, destinations: ANY, conf: { http: {} } }, [{ field: 'conf.http', message: 'at least one timeout in section has to be defined' }]],
    ['a zero tcp idle timeout', { sources: ANY, destinations: ANY, conf: { tcp: { idleTimeout: '0s' } } }, [{ field: 'conf.tcp.idleTimeout', message: 'has to be greater than 0' }]],
    ['a zero request timeout', { sources: ANY, destinations: ANY, conf: { http: { requestTimeout: '0s' } } }, [{ field: 'conf.http.requestTimeout', message: 'has to be greater than 0 when defined' }]],
    ['a zero gRPC stream idle timeout', { sources: ANY, destinations: ANY, conf: { grpc: { streamIdleTimeout: '0s' } } }, [{ field: 'conf.grpc.streamIdleTimeout', message: 'has to be greater than 0 when defined' }]],
    [
      'a malformed duration',
      { sources: ANY, destinations: ANY, conf: { connectTimeout: '5 seconds' } },
      [{ field: 'conf.connectTimeout', message: 'invalid duration "5 seconds": use a number and a unit (ns, us, ms, s, m, h), e.g. 24h or 1h30m' }],
    ],
    ['a negative duration', { sources: ANY, destinations: ANY, conf: { connectTimeout: '-1s' } }, [{ field: 'conf.connectTimeout', message: 'must not be negative' }]],
  ])('%s', (_, spec, expected) => {
    expect(violationsOf(spec)).toEqual(expected);
  });
});

describe('the default policies of a new mesh', () => {
  it.each(DEFAULT_POLICIES.map((d) => [d.kind, d] as const))('%s is valid and already in normalised form', (_, d) => {
    const parsed = parseSpec(d.kind, d.spec);
    expect(parsed.ok ? [] : parsed.violations).toEqual([]);
    expect(parsed.ok && parsed.value).toEqual(d.spec);
  });
});
