// Semantic checks of a decoded RateLimit with Kuma's fields and messages: sources and
// destinations are any non-empty tags, `conf` is required, and an `http` section has requests,
// an interval, and headers with keys and values.
import { fieldPath, keyPath } from './field-path.js';
import { validateConnectionPolicy } from './connection-policy.js';
import { parseGoDuration } from './go-duration.js';
import type { RateLimitConf, RateLimitSpec } from './rate-limit.js';
import type { Violation } from './violation.js';

/**
 * Shortest interval Envoy's local rate limiter accepts: a shorter fill interval makes Envoy reject
 * the whole route table. Kuma does not check it; Portico refuses it at admission instead.
 */
export const MIN_INTERVAL_MS = 50;

/** Every violation of a decoded RateLimit spec, in document order. */
export function validateRateLimit(spec: RateLimitSpec): Violation[] {
  return validateConnectionPolicy(spec, 'any-tags', validateConf, 'any-tags');
}

function validateConf(conf: RateLimitConf | undefined, path: string): Violation[] {
  if (conf === undefined) return [{ field: path, message: 'must have conf' }];
  if (conf.http === undefined) return [];
  const at = fieldPath(path, 'http');
  const { requests, interval, onRateLimit } = conf.http;
  const out: Violation[] = [];
  if (requests === undefined || requests === 0) out.push({ field: fieldPath(at, 'requests'), message: 'requests must be set' });
  if (interval === undefined) out.push({ field: fieldPath(at, 'interval'), message: 'interval must be set' });
  else out.push(...intervalViolations(interval, fieldPath(at, 'interval')));
  // Kuma reports header problems at `onRateLimit.header["<index>"]`; kept as it is.
  (onRateLimit?.headers ?? []).forEach((h, i) => {
    const hp = keyPath(fieldPath(fieldPath(at, 'onRateLimit'), 'header'), String(i));
    if ((h.key ?? '') === '') out.push({ field: hp, message: 'key must be set' });
    if ((h.value ?? '') === '') out.push({ field: hp, message: 'value must be set' });
  });
  return out;
}

function intervalViolations(text: string, path: string): Violation[] {
  const parsed = parseGoDuration(text);
  if (!parsed.ok) return [{ field: path, message: parsed.message }];
  return parsed.ms < MIN_INTERVAL_MS ? [{ field: path, message: `has to be at least ${MIN_INTERVAL_MS}ms` }] : [];
}
