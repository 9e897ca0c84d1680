// HealthCheck validation with Kuma's fields and messages (docs/gateway.md §1.6).
import { describe, expect, it } from 'vitest';
import { parseSpec } from './resource-kinds.js';
import type { Violation } from './violation.js';

function violationsOf(spec: unknown): readonly Violation[] {
  const r = parseSpec('HealthCheck', spec);
  return r.ok ? [] : r.violations;
}

const ANY = [{ match: { 'kuma.io/service': '*' } }];
const BASE = { interval: '10s', timeout: '2s', unhealthyThreshold: 3, healthyThreshold: 1 };

describe('HealthCheck validation', () => {
  it("accepts Kuma's documented example with an HTTP check", () => {
    expect(
      violationsOf({
        sources: ANY,
        destinations: [{ match: { 'kuma.io/service': 'backend' } }],
        conf: {
          ...BASE,
          initialJitter: '5s',
          intervalJitter: '6s',
          intervalJitterPercent: 10,
          healthyPanicThreshold: 60,
          failTrafficOnPanic: true,
          eventLogPath: '/tmp/health-check.log',
          alwaysLogHealthCheckFailures: true,
          noTrafficInterval: '10s',
          reuseConnection: false,
          http: { path: '/health', requestHeadersToAdd: [{ header: { key: 'x-a', value: 'b' }, append: true }], expectedStatuses: [200, 201] },
        },
      }),
    ).toEqual([]);
  });

  it('accepts a TCP check with payloads', () => {
    expect(violationsOf({ sources: ANY, destinations: ANY, conf: { ...BASE, tcp: { send: 'Zm9v', receive: ['YmFy'] } } })).toEqual([]);
  });

  it.each<[string, unknown, Violation[]]>([
    ['no conf', { sources: ANY, destinations: ANY }, [{ field: 'conf', message: 'has to be defined' }]],
    [
      'an empty conf',
      { sources: ANY, destinations: ANY, conf: {} },
      [
        { field: 'conf.interval', message: 'must have a positive value' },
        { field: 'conf.timeout', message: 'must have a positive value' },
        { field: 'conf.unhealthyThreshold', message: 'must have a positive value' },
        { field: 'conf.healthyThreshold', message: 'must have a positive value' },
      ],
    ],
    ['a zero interval', { sources: ANY, destinations: ANY, conf: { ...BASE, interval: '0s' } }, [{ field: 'conf.interval', message: 'must have a positive value' }]],
    ['a zero jitter', { sources: ANY, destinations: ANY, conf: { ...BASE, initialJitter: '0s' } }, [{ field: 'conf.initialJitter', message: 'must have a positive value' }]],
    ['a panic threshold above 100', { sources: ANY, destinations: ANY, conf: { ...BASE, healthyPanicThreshold: 101 } }, [{ field: 'conf.healthyPanicThreshold', message: 'must be in range [0.0 - 100.0]' }]],
    [
      'a destination with another tag',
      { sources: ANY, destinations: [{ match: { 'kuma.io/service': 'shop', version: 'v1' } }], conf: BASE },
      [
        { field: 'destinations[0].match', message: 'must consist of exactly one tag "kuma.io/service"' },
        { field: 'destinations[0].match["version"]', message: 'tag "version" is not allowed' },
      ],
    ],
    ['a source without the service tag', { sources: [{ match: { team: 'web' } }], destinations: ANY, conf: BASE }, [{ field: 'sources[0].match', message: 'mandatory tag "kuma.io/service" is missing' }]],
    [
      'an HTTP check without path, with a bad status and a keyless header',
      { sources: ANY, destinations: ANY, conf: { ...BASE, http: { expectedStatuses: [99, 600], requestHeadersToAdd: [{ header: { value: 'x' } }, { append: true }] } } },
      [
        { field: 'conf.http.path', message: 'has to be defined and cannot be empty' },
        { field: 'conf.http.expectedStatuses[0]', message: 'must be in range [100, 600)' },
        { field: 'conf.http.expectedStatuses[1]', message: 'must be in range [100, 600)' },
        { field: 'conf.http.requestHeadersToAdd[0].header.key', message: 'cannot be empty' },
        { field: 'conf.http.requestHeadersToAdd[1].header', message: 'has to be defined' },
      ],
    ],
    ['both tcp and http', { sources: ANY, destinations: ANY, conf: { ...BASE, tcp: {}, http: { path: '/' } } }, [{ field: 'conf', message: 'http and tcp cannot be defined at the same time' }]],
  ])('%s', (_, spec, expected) => {
    expect(violationsOf(spec)).toEqual(expected);
  });
});
