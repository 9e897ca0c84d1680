// Timeout: a classic connection policy (docs/gateway.md §1.6). `timeouts` over REST and in kumactl,
// `timeouts` as a CRD.
import { TIMEOUT_SPEC_SCHEMA } from '../timeout.js';
import { validateTimeout } from '../timeout-validate.js';
import { defineConnectionPolicyKind } from './connection-policy-kind.js';
import { KIND_NAMES } from './names.js';

/** The Timeout kind. */
export const TIMEOUT = defineConnectionPolicyKind({
  names: KIND_NAMES.Timeout,
  crdPlural: 'timeouts',
  schema: TIMEOUT_SPEC_SCHEMA,
  validate: validateTimeout,
});
