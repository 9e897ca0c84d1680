// RateLimit validation with Kuma's fields and messages (docs/gateway.md §1.6).
import { describe, expect, it } from 'vitest';
import { parseSpec } from './resource-kinds.js';
import type { Violation } from './violation.js';

function violationsOf(spec: unknown): readonly Violation[] {
  const r = parseSpec('RateLimit', spec);
  return r.ok ? [] : r.violations;
}

const ANY = [{ match: { 'kuma.io/service': '*' } }];

describe('RateLimit validation', () => {
  it("accepts Kuma's documented example, selectors by any tags", () => {
    expect(
      violationsOf({
        sources: [{ match: { team: 'web' } }],
        destinations: [{ match: { version: 'v1' } }],
        conf: { http: { requests: 5, interval: '10s', onRateLimit: { status: 423, headers: [{ key: 'x-limited', value: 'true', append: true }] } } },
      }),
    ).toEqual([]);
  });

  it('accepts a conf without http (it then limits nothing)', () => {
    expect(violationsOf({ sources: ANY, destinations: ANY, conf: {} })).toEqual([]);
  });

  it.each<[string, unknown, Violation[]]>([
    ['no conf', { sources: ANY, destinations: ANY }, [{ field: 'conf', message: 'must have conf' }]],
    [
      'an empty http section',
      { sources: ANY, destinations: ANY, conf: { http: {} } },
      [
        { field: 'conf.http.requests', message: 'requests must be set' },
        { field: 'conf.http.interval', message: 'interval must be set' },
      ],
    ],
    ['an interval shorter than Envoy accepts', { sources: ANY, destinations: ANY, conf: { http: { requests: 1, interval: '10ms' } } }, [{ field: 'conf.http.interval', message: 'has to be at least 50ms' }]],
    [
      'headers without key or value',
      { sources: ANY, destinations: ANY, conf: { http: { requests: 1, interval: '1s', onRateLimit: { headers: [{ value: 'a' }, { key: 'b' }] } } } },
      [
        { field: 'conf.http.onRateLimit.header["0"]', message: 'key must be set' },
        { field: 'conf.http.onRateLimit.header["1"]', message: 'value must be set' },
      ],
    ],
    ['no selectors', { conf: {} }, [{ field: 'sources', message: 'must have at least one element' }, { field: 'destinations', message: 'must have at least one element' }]],
  ])('%s', (_, spec, expected) => {
    expect(violationsOf(spec)).toEqual(expected);
  });
});
