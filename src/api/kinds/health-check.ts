// HealthCheck: a classic connection policy (docs/gateway.md §1.6). `health-checks` over REST and in
// kumactl, `healthchecks` as a CRD.
import { HEALTH_CHECK_SPEC_SCHEMA } from '../health-check.js';
import { validateHealthCheck } from '../health-check-validate.js';
import { defineConnectionPolicyKind } from './connection-policy-kind.js';
import { KIND_NAMES } from './names.js';

/** The HealthCheck kind. */
export const HEALTH_CHECK = defineConnectionPolicyKind({
  names: KIND_NAMES.HealthCheck,
  crdPlural: 'healthchecks',
  schema: HEALTH_CHECK_SPEC_SCHEMA,
  validate: validateHealthCheck,
});
