// What a FaultInjection sets where it lands (docs/gateway.md §2.16 [D7]): the faults of the routes
// whose route-level FaultInjection it is, on gateways, and of HTTP inbounds on sidecars.
import { policyDurationMs } from '../api/connection-policy.js';
import { BANDWIDTH } from '../api/fault-injection-validate.js';
import type { FaultInjectionSpec } from '../api/fault-injection.js';
import type { RouteFault } from '../ir/policies.js';

/** kbps per unit of a bandwidth limit: the unit letter decides, in either case (Kuma's factors). */
const KBPS_PER_UNIT: Readonly<Record<string, number>> = { k: 1, m: 1_000, g: 1_000_000 };

/** The route faults of a FaultInjection; each fault only when configured. */
export function routeFault(spec: FaultInjectionSpec): RouteFault {
  const { delay, abort, responseBandwidth } = spec.conf;
  return {
    ...(delay?.value !== undefined ? { delay: { ms: policyDurationMs(delay.value) ?? 0, percentage: delay.percentage ?? 0 } } : {}),
    ...(abort?.httpStatus !== undefined ? { abort: { httpStatus: abort.httpStatus, percentage: abort.percentage ?? 0 } } : {}),
    ...(responseBandwidth?.limit !== undefined ? { responseBandwidth: { kbps: bandwidthKbps(responseBandwidth.limit), percentage: responseBandwidth.percentage ?? 0 } } : {}),
  };
}

/** `<n>kbps`, `<n>Mbps` or `<n>Gbps` in kbps (factors 1, 1000 and 1000000); 0 for anything else. */
export function bandwidthKbps(limit: string): number {
  const m = BANDWIDTH.exec(limit);
  if (m === null) return 0;
  return Number(m[1]) * (KBPS_PER_UNIT[(m[2] ?? '').toLowerCase()] ?? 0);
}
