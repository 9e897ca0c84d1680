// FaultInjection: a classic connection policy (docs/gateway.md §1.6). `fault-injections` over REST and
// in kumactl, `faultinjections` as a CRD.
import { FAULT_INJECTION_SPEC_SCHEMA } from '../fault-injection.js';
import { validateFaultInjection } from '../fault-injection-validate.js';
import { defineConnectionPolicyKind } from './connection-policy-kind.js';

/** The FaultInjection kind. */
export const FAULT_INJECTION = defineConnectionPolicyKind({
  kind: 'FaultInjection',
  plural: 'fault-injections',
  singular: 'fault-injection',
  crdPlural: 'faultinjections',
  schema: FAULT_INJECTION_SPEC_SCHEMA,
  validate: validateFaultInjection,
});
