// Semantic checks of a decoded Retry with Kuma's fields and messages: destinations by service
// only, `conf` with at least one protocol section, a written section that sets something, positive
// counts and durations, a back-off with its base interval, no repeated gRPC condition, and status
// codes wherever `retriable_status_codes` is a condition. Beyond Kuma: a back-off's max interval
// is not below its base interval, which Envoy would reject.
import { fieldPath, indexPath } from './field-path.js';
import { HAS_TO_BE_DEFINED, HAS_TO_BE_GREATER_THAN_0, policyDurationMs, validateConnectionPolicy, validatePolicyDuration, WHEN_DEFINED_HAS_TO_BE_GREATER_THAN_0 } from './connection-policy.js';
import type { RetryBackOff, RetryConf, RetryGrpcConf, RetryHttpConf, RetrySpec } from './retry.js';
import type { Violation } from './violation.js';

/** Kuma's message for a section without any setting, and for the `NONE` method. */
const FIELD_CANNOT_BE_EMPTY = 'field cannot be empty';
const STATUS_CODES_NOT_DEFINED = 'retriableStatusCodes cannot be empty when this option is specified';

/** Every violation of a decoded Retry spec, in document order. */
export function validateRetry(spec: RetrySpec): Violation[] {
  return validateConnectionPolicy(spec, 'service-only', validateConf);
}

function validateConf(conf: RetryConf | undefined, path: string): Violation[] {
  if (conf === undefined) return [{ field: path, message: HAS_TO_BE_DEFINED }];
  if (conf.http === undefined && conf.grpc === undefined && conf.tcp === undefined) return [{ field: path, message: 'missing protocol [grpc|http|tcp] configuration' }];
  return [...validateHttp(conf.http, fieldPath(path, 'http')), ...validateGrpc(conf.grpc, fieldPath(path, 'grpc')), ...validateTcp(conf.tcp, fieldPath(path, 'tcp'))];
}

/** A list is unset for Kuma when empty (protobuf cannot tell an empty repeated field from none). */
function unsetList(list: readonly unknown[] | undefined): boolean {
  return list === undefined || list.length === 0;
}

function validateHttp(http: RetryHttpConf | undefined, path: string): Violation[] {
  if (http === undefined) return [];
  const out: Violation[] = [];
  const empty =
    http.numRetries === undefined &&
    http.perTryTimeout === undefined &&
    http.backOff === undefined &&
    unsetList(http.retriableStatusCodes) &&
    unsetList(http.retriableMethods) &&
    unsetList(http.retryOn);
  if (empty) out.push({ field: path, message: FIELD_CANNOT_BE_EMPTY });
  out.push(...counts(http.numRetries, fieldPath(path, 'numRetries')));
  out.push(...validatePolicyDuration(http.perTryTimeout, fieldPath(path, 'perTryTimeout'), 'when-defined'));
  out.push(...validateBackOff(http.backOff, fieldPath(path, 'backOff')));
  (http.retriableMethods ?? []).forEach((m, i) => {
    if (m === 'NONE') out.push({ field: indexPath(fieldPath(path, 'retriableMethods'), i), message: FIELD_CANNOT_BE_EMPTY });
  });
  (http.retryOn ?? []).forEach((r, i) => {
    if (r === 'retriable_status_codes' && unsetList(http.retriableStatusCodes)) out.push({ field: indexPath(fieldPath(path, 'retryOn'), i), message: STATUS_CODES_NOT_DEFINED });
  });
  return out;
}

function validateGrpc(grpc: RetryGrpcConf | undefined, path: string): Violation[] {
  if (grpc === undefined) return [];
  const out: Violation[] = [];
  if (grpc.numRetries === undefined && grpc.perTryTimeout === undefined && grpc.backOff === undefined && unsetList(grpc.retryOn)) {
    out.push({ field: path, message: FIELD_CANNOT_BE_EMPTY });
  }
  out.push(...repeatedRetryOn(grpc.retryOn ?? []).map((message) => ({ field: fieldPath(path, 'retryOn'), message })));
  out.push(...counts(grpc.numRetries, fieldPath(path, 'numRetries')));
  out.push(...validatePolicyDuration(grpc.perTryTimeout, fieldPath(path, 'perTryTimeout'), 'when-defined'));
  out.push(...validateBackOff(grpc.backOff, fieldPath(path, 'backOff')));
  return out;
}

/** Kuma's messages for conditions listed more than once, sorted as Kuma sorts them. */
function repeatedRetryOn(values: readonly string[]): string[] {
  const indexes = new Map<string, number[]>();
  values.forEach((v, i) => indexes.set(v, [...(indexes.get(v) ?? []), i]));
  return [...indexes.entries()]
    .filter(([, at]) => at.length > 1)
    .map(([v, at]) => `repeated value ${JSON.stringify(v)} at indexes [${at.join(', ')}]`)
    .sort();
}

function validateTcp(tcp: RetryConf['tcp'], path: string): Violation[] {
  if (tcp === undefined) return [];
  // An unset uint32 is 0 in Kuma's protobuf, so a missing value gets the same message.
  return (tcp.maxConnectAttempts ?? 0) === 0 ? [{ field: fieldPath(path, 'maxConnectAttempts'), message: HAS_TO_BE_GREATER_THAN_0 }] : [];
}

/** A count written as 0. */
function counts(value: number | undefined, path: string): Violation[] {
  return value === 0 ? [{ field: path, message: WHEN_DEFINED_HAS_TO_BE_GREATER_THAN_0 }] : [];
}

/** A back-off needs a positive base interval; its max interval is then positive when written. */
function validateBackOff(backOff: RetryBackOff | undefined, path: string): Violation[] {
  if (backOff === undefined) return [];
  const base = fieldPath(path, 'baseInterval');
  if (backOff.baseInterval === undefined) return [{ field: base, message: HAS_TO_BE_DEFINED }];
  const baseViolations = validatePolicyDuration(backOff.baseInterval, base, 'required');
  if (baseViolations.length > 0) return baseViolations;
  const max = fieldPath(path, 'maxInterval');
  const maxViolations = validatePolicyDuration(backOff.maxInterval, max, 'when-defined');
  if (maxViolations.length > 0) return maxViolations;
  // Envoy rejects the whole route table otherwise (Kuma lets it through to a NACK).
  const [baseMs, maxMs] = [policyDurationMs(backOff.baseInterval), policyDurationMs(backOff.maxInterval)];
  return maxMs !== undefined && baseMs !== undefined && maxMs < baseMs ? [{ field: max, message: 'has to be greater than or equal to baseInterval' }] : [];
}
