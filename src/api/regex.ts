// Write-time check of the regexes a resource hands to Envoy's `safe_regex` (docs/regex.md): a
// pattern Envoy's RE2 refuses would make Envoy NACK the whole route configuration, so it is a
// validation error here, reported with RE2's own reason.
import { checkRe2Syntax } from './re2-syntax.js';
import type { Violation } from './violation.js';

/** The violation of `value` at `field` when Envoy's RE2 would refuse it; empty values are the caller's. */
export function validateRegex(value: string, field: string): Violation[] {
  if (value === '') return [];
  const result = checkRe2Syntax(value);
  return result.ok ? [] : [{ field, message: `invalid regex: ${result.error}` }];
}
