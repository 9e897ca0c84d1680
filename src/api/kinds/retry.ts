// Retry: a classic connection policy (docs/gateway.md §1.6). `retries` over REST and in kumactl,
// `retries` as a CRD.
import { RETRY_SPEC_SCHEMA } from '../retry.js';
import { validateRetry } from '../retry-validate.js';
import { defineConnectionPolicyKind } from './connection-policy-kind.js';
import { KIND_NAMES } from './names.js';

/** The Retry kind. */
export const RETRY = defineConnectionPolicyKind({
  names: KIND_NAMES.Retry,
  crdPlural: 'retries',
  schema: RETRY_SPEC_SCHEMA,
  validate: validateRetry,
});
