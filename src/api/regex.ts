// Write-time check of the regexes a resource hands to Envoy's `safe_regex` (docs/regex.md): a
// pattern Envoy's RE2 refuses would make Envoy NACK the whole route configuration, so it is a
// validation error here, reported with RE2's own reason.
import { checkRe2Syntax } from './re2-syntax.js';
import type { Violation } from './violation.js';

/**
 * Most instructions Envoy 1.40 lets RE2 allocate while compiling one regex on a gateway (measured:
 * 698,992 literal characters compile, one more fails with `pattern too large - compile failed`;
 * the bound of re2-syntax.ts counts 4 more for every program).
 */
export const ENVOY_RE2_MAX_INSTRUCTIONS = 698_996;

/** The violation of `value` at `field` when Envoy's RE2 would refuse it; empty values are the caller's. */
export function validateRegex(value: string, field: string): Violation[] {
  if (value === '') return [];
  const result = checkRe2Syntax(value);
  if (!result.ok) return [{ field, message: `invalid regex: ${result.error}` }];
  if (result.instructions > ENVOY_RE2_MAX_INSTRUCTIONS) {
    const size = `RE2 program of up to ${result.instructions} instructions is larger than Envoy's limit of ${ENVOY_RE2_MAX_INSTRUCTIONS}`;
    return [{ field, message: `invalid regex: pattern too large: ${size}` }];
  }
  return [];
}
