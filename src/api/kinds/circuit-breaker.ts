// CircuitBreaker: a classic connection policy (docs/gateway.md §1.6). `circuit-breakers` over REST and
// in kumactl, `circuitbreakers` as a CRD.
import { CIRCUIT_BREAKER_SPEC_SCHEMA } from '../circuit-breaker.js';
import { validateCircuitBreaker } from '../circuit-breaker-validate.js';
import { defineConnectionPolicyKind } from './connection-policy-kind.js';

/** The CircuitBreaker kind. */
export const CIRCUIT_BREAKER = defineConnectionPolicyKind({
  kind: 'CircuitBreaker',
  plural: 'circuit-breakers',
  singular: 'circuit-breaker',
  crdPlural: 'circuitbreakers',
  schema: CIRCUIT_BREAKER_SPEC_SCHEMA,
  validate: validateCircuitBreaker,
});
