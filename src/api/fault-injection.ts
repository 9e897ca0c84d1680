// FaultInjection (classic, docs/gateway.md §1.6, §2.16 [D7]): delays, aborts and response bandwidth
// limits injected into the HTTP requests from the sources to the destinations.
import { connectionPolicySchema, type ConnectionPolicySpec } from './connection-policy.js';
import { double, field, object, text, uint32, type ObjectSchema } from './schema.js';

/** `conf` of a FaultInjection: at least one fault. Percentages are 0-100. */
export interface FaultInjectionConf {
  readonly delay?: { readonly percentage?: number; readonly value?: string };
  readonly abort?: { readonly percentage?: number; readonly httpStatus?: number };
  /** `limit` as `<n>kbps`, `<n>Mbps` or `<n>Gbps`. */
  readonly responseBandwidth?: { readonly percentage?: number; readonly limit?: string };
}

/** Spec of a FaultInjection. */
export type FaultInjectionSpec = ConnectionPolicySpec<FaultInjectionConf>;

const PERCENTAGE = field(double(), 'Share of requests affected, 0-100.');

/** Spec schema of a FaultInjection. */
export const FAULT_INJECTION_SPEC_SCHEMA: ObjectSchema = connectionPolicySchema(
  'Faults injected into the HTTP requests from the sources to the destination services.',
  object('Faults; at least one.', {
    delay: field(object('Delay before the request goes upstream.', { percentage: PERCENTAGE, value: field(text(64), 'How long the request is held.') }), 'Delay.'),
    abort: field(object('Answer with a status instead of forwarding.', { percentage: PERCENTAGE, httpStatus: field(uint32(), 'Status returned.') }), 'Abort.'),
    responseBandwidth: field(
      object('Limit the rate at which the response body is sent.', { percentage: PERCENTAGE, limit: field(text(64), 'Bandwidth, e.g. 100kbps, 10Mbps or 1Gbps.') }),
      'Response bandwidth limit.',
    ),
  }),
);
