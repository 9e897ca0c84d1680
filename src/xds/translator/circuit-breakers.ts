// A CircuitBreaker's cluster fields (docs/gateway.md §2.16), shared by gateway and sidecar clusters:
// `circuit_breakers` with one DEFAULT-priority threshold set, and `outlier_detection` whose
// absent detectors are written with their enforcement at 0 (Envoy enforces some by default).
import type { ClusterCircuitBreaker, OutlierDetection } from '../../ir/policies.js';
import { durationOfMillis } from '../envoy/duration.js';

/** A UInt32Value when `value` is set. */
function u32(name: string, value: number | undefined): object {
  return value === undefined ? {} : { [name]: { value } };
}

/** Enforcement of a detector: 100 % when written, 0 when absent. */
function enforcing(name: string, on: boolean): object {
  return { [name]: { value: on ? 100 : 0 } };
}

function buildOutlierDetection(od: OutlierDetection): object {
  const { totalErrors, gatewayErrors, localErrors, standardDeviation: stdev, failure } = od;
  return {
    ...(od.intervalMs !== undefined ? { interval: durationOfMillis(od.intervalMs) } : {}),
    ...(od.baseEjectionTimeMs !== undefined ? { base_ejection_time: durationOfMillis(od.baseEjectionTimeMs) } : {}),
    ...u32('max_ejection_percent', od.maxEjectionPercent),
    split_external_local_origin_errors: od.splitExternalLocalOriginErrors,
    ...u32('consecutive_5xx', totalErrors?.consecutive),
    ...enforcing('enforcing_consecutive_5xx', totalErrors !== undefined),
    ...u32('consecutive_gateway_failure', gatewayErrors?.consecutive),
    ...enforcing('enforcing_consecutive_gateway_failure', gatewayErrors !== undefined),
    ...u32('consecutive_local_origin_failure', localErrors?.consecutive),
    ...enforcing('enforcing_consecutive_local_origin_failure', localErrors !== undefined),
    ...u32('success_rate_request_volume', stdev?.requestVolume),
    ...u32('success_rate_minimum_hosts', stdev?.minimumHosts),
    ...u32('success_rate_stdev_factor', stdev?.stdevFactor),
    ...enforcing('enforcing_success_rate', stdev !== undefined),
    // Takes effect in split mode only; Kuma sets it with the detector.
    ...(stdev ? enforcing('enforcing_local_origin_success_rate', true) : {}),
    ...u32('failure_percentage_request_volume', failure?.requestVolume),
    ...u32('failure_percentage_minimum_hosts', failure?.minimumHosts),
    ...u32('failure_percentage_threshold', failure?.threshold),
    ...enforcing('enforcing_failure_percentage', failure !== undefined),
    ...(failure ? enforcing('enforcing_failure_percentage_local_origin', true) : {}),
  };
}

/** The cluster fields of a CircuitBreaker; nothing without one. */
export function buildCircuitBreakerFields(cb: ClusterCircuitBreaker | undefined): object {
  if (!cb) return {};
  const t = cb.thresholds;
  return {
    ...(t
      ? {
          circuit_breakers: {
            thresholds: [
              {
                priority: 'DEFAULT',
                ...u32('max_connections', t.maxConnections),
                ...u32('max_pending_requests', t.maxPendingRequests),
                ...u32('max_requests', t.maxRequests),
                ...u32('max_retries', t.maxRetries),
              },
            ],
          },
        }
      : {}),
    outlier_detection: buildOutlierDetection(cb.outlierDetection),
  };
}
