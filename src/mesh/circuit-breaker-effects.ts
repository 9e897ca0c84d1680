// What a CircuitBreaker sets on a cluster (docs/gateway.md §2.16, docs/mesh-mtls.md §4.9): thresholds when it
// has any, and outlier detection whenever it matches, with absent detectors not enforced.
import { policyDurationMs } from '../api/connection-policy.js';
import type { CircuitBreakerSpec } from '../api/circuit-breaker.js';
import type { CircuitBreakerThresholds, ClusterCircuitBreaker, OutlierDetection } from '../ir/policies.js';

/** The thresholds that are written, or undefined when there are none. */
function thresholdsOf(spec: CircuitBreakerSpec): CircuitBreakerThresholds | undefined {
  const t = spec.conf.thresholds;
  if (t === undefined) return undefined;
  const out: CircuitBreakerThresholds = {
    ...(t.maxConnections !== undefined ? { maxConnections: t.maxConnections } : {}),
    ...(t.maxPendingRequests !== undefined ? { maxPendingRequests: t.maxPendingRequests } : {}),
    ...(t.maxRequests !== undefined ? { maxRequests: t.maxRequests } : {}),
    ...(t.maxRetries !== undefined ? { maxRetries: t.maxRetries } : {}),
  };
  return Object.keys(out).length > 0 ? out : undefined;
}

/** Copies the defined values of `from` (Kuma leaves unset wrapper fields unset). */
function defined<T extends object>(from: T): Partial<T> {
  return Object.fromEntries(Object.entries(from).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** Outlier detection of a CircuitBreaker: its timings and each detector it writes. */
function outlierDetectionOf(spec: CircuitBreakerSpec): OutlierDetection {
  const { conf } = spec;
  const d = conf.detectors ?? {};
  const stdev = d.standardDeviation;
  return {
    ...defined({ intervalMs: policyDurationMs(conf.interval), baseEjectionTimeMs: policyDurationMs(conf.baseEjectionTime), maxEjectionPercent: conf.maxEjectionPercent }),
    splitExternalLocalOriginErrors: conf.splitExternalAndLocalErrors ?? false,
    ...(d.totalErrors ? { totalErrors: defined({ consecutive: d.totalErrors.consecutive }) } : {}),
    ...(d.gatewayErrors ? { gatewayErrors: defined({ consecutive: d.gatewayErrors.consecutive }) } : {}),
    ...(d.localErrors ? { localErrors: defined({ consecutive: d.localErrors.consecutive }) } : {}),
    ...(stdev
      ? {
          standardDeviation: defined({
            requestVolume: stdev.requestVolume,
            minimumHosts: stdev.minimumHosts,
            // Envoy reads the factor divided by 1000; Kuma truncates the product.
            stdevFactor: stdev.factor === undefined ? undefined : Math.trunc(stdev.factor * 1000),
          }),
        }
      : {}),
    ...(d.failure ? { failure: defined({ requestVolume: d.failure.requestVolume, minimumHosts: d.failure.minimumHosts, threshold: d.failure.threshold }) } : {}),
  };
}

/** A cluster's settings from the winning CircuitBreaker. */
export function clusterCircuitBreaker(spec: CircuitBreakerSpec): ClusterCircuitBreaker {
  const thresholds = thresholdsOf(spec);
  return { ...(thresholds ? { thresholds } : {}), outlierDetection: outlierDetectionOf(spec) };
}
