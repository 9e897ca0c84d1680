// RateLimit: a classic connection policy (docs/gateway.md §1.6). `rate-limits` over REST and in
// kumactl, `ratelimits` as a CRD.
import { RATE_LIMIT_SPEC_SCHEMA } from '../rate-limit.js';
import { validateRateLimit } from '../rate-limit-validate.js';
import { defineConnectionPolicyKind } from './connection-policy-kind.js';
import { KIND_NAMES } from './names.js';

/** The RateLimit kind. */
export const RATE_LIMIT = defineConnectionPolicyKind({
  names: KIND_NAMES.RateLimit,
  crdPlural: 'ratelimits',
  schema: RATE_LIMIT_SPEC_SCHEMA,
  validate: validateRateLimit,
});
