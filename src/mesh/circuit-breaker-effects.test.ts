// What a CircuitBreaker sets on a cluster (docs/gateway.md §2.16).
import { describe, expect, it } from 'vitest';
import type { CircuitBreakerSpec } from '../api/circuit-breaker.js';
import { clusterCircuitBreaker } from './circuit-breaker-effects.js';

const spec = (conf: CircuitBreakerSpec['conf']): CircuitBreakerSpec => ({ sources: [], destinations: [], conf });

describe('clusterCircuitBreaker', () => {
  it("gives Kuma's thresholds-only default an outlier block without detectors", () => {
    expect(clusterCircuitBreaker(spec({ thresholds: { maxConnections: 1024, maxPendingRequests: 1024, maxRequests: 1024, maxRetries: 3 } }))).toEqual({
      thresholds: { maxConnections: 1024, maxPendingRequests: 1024, maxRequests: 1024, maxRetries: 3 },
      outlierDetection: { splitExternalLocalOriginErrors: false },
    });
  });

  it('keeps written detectors only, with their written fields, and no thresholds when none is written', () => {
    expect(
      clusterCircuitBreaker(
        spec({
          interval: '500ms',
          splitExternalAndLocalErrors: true,
          thresholds: {},
          detectors: { gatewayErrors: {}, standardDeviation: { factor: 1.9 }, failure: { threshold: 85, minimumHosts: 1 } },
        }),
      ),
    ).toEqual({
      outlierDetection: {
        intervalMs: 500,
        splitExternalLocalOriginErrors: true,
        gatewayErrors: {},
        standardDeviation: { stdevFactor: 1900 },
        failure: { minimumHosts: 1, threshold: 85 },
      },
    });
  });

  it('truncates the stdev factor times 1000, as Kuma converts it', () => {
    expect(clusterCircuitBreaker(spec({ detectors: { standardDeviation: { factor: 1.2345 } } })).outlierDetection.standardDeviation).toEqual({ stdevFactor: 1234 });
  });
});
