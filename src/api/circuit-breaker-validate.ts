// Semantic checks of a decoded CircuitBreaker with Kuma's fields and messages: destinations by
// service only, at least one detector or threshold, no empty detectors or thresholds section,
// percentages within 0-100. Portico also checks the two durations, which Envoy requires positive.
import { fieldPath } from './field-path.js';
import { validateConnectionPolicy, validatePolicyDuration } from './connection-policy.js';
import type { CircuitBreakerConf, CircuitBreakerSpec } from './circuit-breaker.js';
import type { Violation } from './violation.js';

const CANT_BE_EMPTY = "can't be empty";
const PERCENTAGE_RANGE = 'has to be in [0.0 - 100.0] range';

/** Every violation of a decoded CircuitBreaker spec, in document order. */
export function validateCircuitBreaker(spec: CircuitBreakerSpec): Violation[] {
  return validateConnectionPolicy(spec, 'service-only', validateConf);
}

/** True when any detector is written (an empty detector object counts: Kuma tests presence). */
export function hasDetectors(conf: CircuitBreakerConf | undefined): boolean {
  const d = conf?.detectors;
  return d !== undefined && [d.totalErrors, d.gatewayErrors, d.localErrors, d.standardDeviation, d.failure].some((x) => x !== undefined);
}

/** True when any threshold is written. */
export function hasThresholds(conf: CircuitBreakerConf | undefined): boolean {
  const t = conf?.thresholds;
  return t !== undefined && [t.maxConnections, t.maxPendingRequests, t.maxRetries, t.maxRequests].some((x) => x !== undefined);
}

function validateConf(conf: CircuitBreakerConf | undefined, path: string): Violation[] {
  if (!hasDetectors(conf) && !hasThresholds(conf)) return [{ field: path, message: 'must have at least one of the detector or threshold configured' }];
  const c = conf as CircuitBreakerConf;
  const out: Violation[] = [];
  if (c.detectors !== undefined && !hasDetectors(c)) out.push({ field: fieldPath(path, 'detectors'), message: CANT_BE_EMPTY });
  out.push(...percentage(c.maxEjectionPercent, fieldPath(path, 'maxEjectionPercent')));
  out.push(...percentage(c.detectors?.failure?.threshold, fieldPath(fieldPath(fieldPath(path, 'detectors'), 'failure'), 'threshold')));
  if (c.thresholds !== undefined && !hasThresholds(c)) out.push({ field: fieldPath(path, 'thresholds'), message: CANT_BE_EMPTY });
  out.push(...validatePolicyDuration(c.interval, fieldPath(path, 'interval'), 'when-defined'));
  out.push(...validatePolicyDuration(c.baseEjectionTime, fieldPath(path, 'baseEjectionTime'), 'when-defined'));
  out.push(...factor(c.detectors?.standardDeviation?.factor, fieldPath(fieldPath(fieldPath(path, 'detectors'), 'standardDeviation'), 'factor')));
  return out;
}

function percentage(value: number | undefined, path: string): Violation[] {
  return value !== undefined && value > 100 ? [{ field: path, message: PERCENTAGE_RANGE }] : [];
}

/** Envoy takes the factor times 1000 as an unsigned integer. */
function factor(value: number | undefined, path: string): Violation[] {
  return value !== undefined && (!Number.isFinite(value) || value < 0) ? [{ field: path, message: 'must not be negative' }] : [];
}
