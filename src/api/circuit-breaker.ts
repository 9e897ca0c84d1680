// CircuitBreaker (classic, docs/gateway.md §1.6, §2.16): connection and request limits towards a
// destination service (Envoy circuit breaker thresholds) and the detectors that eject misbehaving
// endpoints (Envoy outlier detection). Durations are kept as written.
import { connectionPolicySchema, type ConnectionPolicySpec } from './connection-policy.js';
import { bool, double, field, object, text, uint32, type ObjectSchema } from './schema.js';

/** A detector counting consecutive errors. */
export interface ConsecutiveErrors {
  readonly consecutive?: number;
}

/** Detectors of a CircuitBreaker; a written detector is enforced, an absent one is not. */
export interface CircuitBreakerDetectors {
  /** 5xx responses and local errors (only 5xx in split mode). */
  readonly totalErrors?: ConsecutiveErrors;
  /** 502, 503 and 504 responses. */
  readonly gatewayErrors?: ConsecutiveErrors;
  /** Locally originated errors, counted in split mode only. */
  readonly localErrors?: ConsecutiveErrors;
  /** Success rate below the mean by `factor` standard deviations. */
  readonly standardDeviation?: { readonly requestVolume?: number; readonly minimumHosts?: number; readonly factor?: number };
  /** Failure percentage at or above `threshold`. */
  readonly failure?: { readonly requestVolume?: number; readonly minimumHosts?: number; readonly threshold?: number };
}

/** Limits of a CircuitBreaker (Envoy's defaults apply to unset ones: 1024, and 3 retries). */
export interface CircuitBreakerThresholds {
  readonly maxConnections?: number;
  readonly maxPendingRequests?: number;
  readonly maxRetries?: number;
  readonly maxRequests?: number;
}

/** `conf` of a CircuitBreaker. */
export interface CircuitBreakerConf {
  readonly interval?: string;
  readonly baseEjectionTime?: string;
  readonly maxEjectionPercent?: number;
  readonly splitExternalAndLocalErrors?: boolean;
  readonly detectors?: CircuitBreakerDetectors;
  readonly thresholds?: CircuitBreakerThresholds;
}

/** Spec of a CircuitBreaker. */
export type CircuitBreakerSpec = ConnectionPolicySpec<CircuitBreakerConf>;

const DURATION = text(64);

const CONSECUTIVE_SCHEMA = object('Consecutive errors before ejection.', { consecutive: field(uint32(), 'Number of consecutive errors.') });

const SAMPLE_FIELDS = {
  requestVolume: field(uint32(), 'Ignore endpoints with fewer requests in an interval.'),
  minimumHosts: field(uint32(), 'Skip the detector with fewer endpoints having that volume.'),
};

/** Spec schema of a CircuitBreaker. */
export const CIRCUIT_BREAKER_SPEC_SCHEMA: ObjectSchema = connectionPolicySchema(
  'Circuit breaking and outlier detection of the connections from the sources to the destination services.',
  object('Circuit breaker settings.', {
    interval: field(DURATION, 'Time between ejection sweeps.'),
    baseEjectionTime: field(DURATION, 'Base ejection time, multiplied by the number of ejections.'),
    maxEjectionPercent: field(uint32(), 'Most endpoints of a destination ejected at once, in percent [0-100].'),
    splitExternalAndLocalErrors: field(bool(), 'Tell locally originated errors from upstream ones.'),
    detectors: field(
      object('Outlier detectors.', {
        totalErrors: field(CONSECUTIVE_SCHEMA, '5xx responses and local errors (5xx only in split mode).'),
        gatewayErrors: field(CONSECUTIVE_SCHEMA, '502, 503 and 504 responses.'),
        localErrors: field(CONSECUTIVE_SCHEMA, 'Locally originated errors (split mode only).'),
        standardDeviation: field(
          object('Success rate below mean - stdev * factor.', { ...SAMPLE_FIELDS, factor: field(double(), 'Standard deviations below the mean.') }),
          'Success rate below mean - stdev * factor.',
        ),
        failure: field(
          object('Failure percentage at or above a threshold.', { ...SAMPLE_FIELDS, threshold: field(uint32(), 'Failure percentage [0-100].') }),
          'Failure percentage at or above a threshold.',
        ),
      }),
      'Outlier detectors.',
    ),
    thresholds: field(
      object('Connection and request limits.', {
        maxConnections: field(uint32(), 'Most upstream connections.'),
        maxPendingRequests: field(uint32(), 'Most requests waiting for a connection.'),
        maxRetries: field(uint32(), 'Most parallel retries.'),
        maxRequests: field(uint32(), 'Most parallel requests.'),
      }),
      'Connection and request limits.',
    ),
  }),
);
