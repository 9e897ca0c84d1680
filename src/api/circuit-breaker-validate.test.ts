// CircuitBreaker validation with Kuma's fields and messages (docs/gateway.md §1.6).
import { describe, expect, it } from 'vitest';
import { parseSpec } from './resource-kinds.js';
import type { Violation } from './violation.js';

function violationsOf(spec: unknown): readonly Violation[] {
  const r = parseSpec('CircuitBreaker', spec);
  return r.ok ? [] : r.violations;
}

const ANY = [{ match: { 'kuma.io/service': '*' } }];

function withConf(conf: unknown): unknown {
  return { sources: ANY, destinations: ANY, conf };
}

describe('CircuitBreaker validation', () => {
  it("accepts Kuma's default circuit-breaker-all policy and every field", () => {
    expect(
      violationsOf(
        withConf({
          thresholds: { maxConnections: 1024, maxPendingRequests: 1024, maxRequests: 1024, maxRetries: 3 },
        }),
      ),
    ).toEqual([]);
    expect(
      violationsOf(
        withConf({
          interval: '5s',
          baseEjectionTime: '30s',
          maxEjectionPercent: 100,
          splitExternalAndLocalErrors: true,
          detectors: {
            totalErrors: { consecutive: 3 },
            gatewayErrors: {},
            localErrors: { consecutive: 2 },
            standardDeviation: { requestVolume: 10, minimumHosts: 2, factor: 1.9 },
            failure: { requestVolume: 10, minimumHosts: 2, threshold: 85 },
          },
        }),
      ),
    ).toEqual([]);
  });

  it.each<[string, unknown, Violation[]]>([
    ['no conf', { sources: ANY, destinations: ANY }, [{ field: 'conf', message: 'must have at least one of the detector or threshold configured' }]],
    ['empty sections only', withConf({ detectors: {}, thresholds: {} }), [{ field: 'conf', message: 'must have at least one of the detector or threshold configured' }]],
    ['empty detectors beside thresholds', withConf({ detectors: {}, thresholds: { maxConnections: 1 } }), [{ field: 'conf.detectors', message: "can't be empty" }]],
    ['empty thresholds beside detectors', withConf({ detectors: { totalErrors: {} }, thresholds: {} }), [{ field: 'conf.thresholds', message: "can't be empty" }]],
    [
      'percentages over 100',
      withConf({ maxEjectionPercent: 101, detectors: { failure: { threshold: 150 } } }),
      [
        { field: 'conf.maxEjectionPercent', message: 'has to be in [0.0 - 100.0] range' },
        { field: 'conf.detectors.failure.threshold', message: 'has to be in [0.0 - 100.0] range' },
      ],
    ],
    [
      'a destination with another tag',
      { sources: ANY, destinations: [{ match: { 'kuma.io/service': 'shop', version: 'v1' } }], conf: { thresholds: { maxConnections: 1 } } },
      [
        { field: 'destinations[0].match', message: 'must consist of exactly one tag "kuma.io/service"' },
        { field: 'destinations[0].match["version"]', message: 'tag "version" is not allowed' },
      ],
    ],
    ['a zero interval (Envoy requires it positive)', withConf({ interval: '0s', detectors: { totalErrors: {} } }), [{ field: 'conf.interval', message: 'has to be greater than 0 when defined' }]],
    ['a negative factor', withConf({ detectors: { standardDeviation: { factor: -1 } } }), [{ field: 'conf.detectors.standardDeviation.factor', message: 'must not be negative' }]],
  ])('%s', (_, spec, expected) => {
    expect(violationsOf(spec)).toEqual(expected);
  });
});
