// FaultInjection: a classic connection policy (docs/gateway.md §1.6). `fault-injections` over REST and
// in kumactl, `faultinjections` as a CRD.
import { FAULT_INJECTION_SPEC_SCHEMA } from '../fault-injection.js';
import { validateFaultInjection } from '../fault-injection-validate.js';
import { defineConnectionPolicyKind } from './connection-policy-kind.js';
import { KIND_NAMES } from './names.js';

/** The FaultInjection kind. */
export const FAULT_INJECTION = defineConnectionPolicyKind({
  names: KIND_NAMES.FaultInjection,
  crdPlural: 'faultinjections',
  schema: FAULT_INJECTION_SPEC_SCHEMA,
  validate: validateFaultInjection,
});
