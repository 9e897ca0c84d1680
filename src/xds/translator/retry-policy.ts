// Envoy's RetryPolicy from a Retry's route settings (docs/gateway.md §2.16): on gateway routes and on
// a sidecar outbound's virtual host.
import type { RetryPolicy } from '../../ir/policies.js';
import { durationOfMillis } from '../envoy/duration.js';

/** A `retry_policy`. */
export function buildRetryPolicy(retry: RetryPolicy): object {
  const backOff = retry.backOff;
  return {
    retry_on: retry.retryOn,
    ...(retry.numRetries !== undefined ? { num_retries: { value: retry.numRetries } } : {}),
    ...(retry.perTryTimeoutMs !== undefined ? { per_try_timeout: durationOfMillis(retry.perTryTimeoutMs) } : {}),
    ...(backOff
      ? { retry_back_off: { base_interval: durationOfMillis(backOff.baseIntervalMs), ...(backOff.maxIntervalMs !== undefined ? { max_interval: durationOfMillis(backOff.maxIntervalMs) } : {}) } }
      : {}),
    ...(retry.retriableStatusCodes ? { retriable_status_codes: [...retry.retriableStatusCodes] } : {}),
    ...(retry.retriableMethods ? { retriable_request_headers: retry.retriableMethods.map((m) => ({ name: ':method', string_match: { exact: m } })) } : {}),
  };
}
