// CircuitBreaker: a classic connection policy (docs/gateway.md §1.6). `circuit-breakers` over REST and
// in kumactl, `circuitbreakers` as a CRD.
import { CIRCUIT_BREAKER_SPEC_SCHEMA } from '../circuit-breaker.js';
import { validateCircuitBreaker } from '../circuit-breaker-validate.js';
import { defineConnectionPolicyKind } from './connection-policy-kind.js';
import { KIND_NAMES } from './names.js';

/** The CircuitBreaker kind. */
export const CIRCUIT_BREAKER = defineConnectionPolicyKind({
  names: KIND_NAMES.CircuitBreaker,
  crdPlural: 'circuitbreakers',
  schema: CIRCUIT_BREAKER_SPEC_SCHEMA,
  validate: validateCircuitBreaker,
});
