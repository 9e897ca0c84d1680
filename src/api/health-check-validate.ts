// Semantic checks of a decoded HealthCheck with Kuma's fields and messages: sources name a
// service, destinations are exactly a service, `conf` has positive interval, timeout and
// thresholds, and an `http` section has a path, keyed headers and statuses in [100, 600).
import { fieldPath, indexPath } from './field-path.js';
import { HAS_TO_BE_DEFINED, validateConnectionPolicy } from './connection-policy.js';
import { parseGoDuration } from './go-duration.js';
import type { HealthCheckConf, HealthCheckSpec } from './health-check.js';
import type { Violation } from './violation.js';

/** Kuma's message for a missing or zero duration or threshold. */
const MUST_HAVE_A_POSITIVE_VALUE = 'must have a positive value';

/** Every violation of a decoded HealthCheck spec, in document order. */
export function validateHealthCheck(spec: HealthCheckSpec): Violation[] {
  return validateConnectionPolicy(spec, 'service-only', validateConf);
}

function validateConf(conf: HealthCheckConf | undefined, path: string): Violation[] {
  if (conf === undefined) return [{ field: path, message: HAS_TO_BE_DEFINED }];
  const out = [
    ...positiveDuration(conf.interval, fieldPath(path, 'interval')),
    ...positiveDuration(conf.timeout, fieldPath(path, 'timeout')),
    ...positiveThreshold(conf.unhealthyThreshold, fieldPath(path, 'unhealthyThreshold')),
    ...positiveThreshold(conf.healthyThreshold, fieldPath(path, 'healthyThreshold')),
    ...optionalPositiveDuration(conf.initialJitter, fieldPath(path, 'initialJitter')),
    ...optionalPositiveDuration(conf.intervalJitter, fieldPath(path, 'intervalJitter')),
    ...optionalPositiveDuration(conf.noTrafficInterval, fieldPath(path, 'noTrafficInterval')),
  ];
  const panic = conf.healthyPanicThreshold ?? 0;
  if (panic < 0 || panic > 100) out.push({ field: fieldPath(path, 'healthyPanicThreshold'), message: 'must be in range [0.0 - 100.0]' });
  if (conf.http !== undefined) out.push(...validateHttp(conf.http, fieldPath(path, 'http')));
  if (conf.tcp !== undefined && conf.http !== undefined) out.push({ field: path, message: 'http and tcp cannot be defined at the same time' });
  return out;
}

function validateHttp(http: NonNullable<HealthCheckConf['http']>, path: string): Violation[] {
  const out: Violation[] = [];
  if ((http.path ?? '') === '') out.push({ field: fieldPath(path, 'path'), message: 'has to be defined and cannot be empty' });
  (http.expectedStatuses ?? []).forEach((status, i) => {
    if (status < 100 || status >= 600) out.push({ field: indexPath(fieldPath(path, 'expectedStatuses'), i), message: 'must be in range [100, 600)' });
  });
  (http.requestHeadersToAdd ?? []).forEach((h, i) => {
    const at = fieldPath(indexPath(fieldPath(path, 'requestHeadersToAdd'), i), 'header');
    if (h.header === undefined) out.push({ field: at, message: HAS_TO_BE_DEFINED });
    else if ((h.header.key ?? '') === '') out.push({ field: fieldPath(at, 'key'), message: 'cannot be empty' });
  });
  return out;
}

/** Kuma's ValidateDuration: present, well-formed and not zero (negative is refused too). */
function positiveDuration(text: string | undefined, path: string): Violation[] {
  if (text === undefined) return [{ field: path, message: MUST_HAVE_A_POSITIVE_VALUE }];
  const parsed = parseGoDuration(text);
  if (!parsed.ok) return [{ field: path, message: parsed.message }];
  return parsed.ms <= 0 ? [{ field: path, message: MUST_HAVE_A_POSITIVE_VALUE }] : [];
}

/** The jitters and the no-traffic interval are checked as durations only when written. */
function optionalPositiveDuration(text: string | undefined, path: string): Violation[] {
  return text === undefined ? [] : positiveDuration(text, path);
}

function positiveThreshold(value: number | undefined, path: string): Violation[] {
  return value === undefined || value === 0 ? [{ field: path, message: MUST_HAVE_A_POSITIVE_VALUE }] : [];
}
