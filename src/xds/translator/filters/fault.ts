// envoy.filters.http.fault (docs/gateway.md §2.12 item 2, [D7]). An empty HTTPFault injects nothing;
// FaultInjection policies configure it per route (docs/gateway.md §2.16). Always present for the same reason as
// the local rate limit filter: a new policy must not change the listener.
import { anyOf } from '../../envoy/type-urls.js';
import type { HttpFilterDefinition } from './http-filter.js';

/** Filter name, also the per-route config key. */
export const FAULT_FILTER_NAME = 'envoy.filters.http.fault';

/** Proto message of both the listener-level and per-route configuration. */
export const FAULT_TYPE_NAME = 'envoy.extensions.filters.http.fault.v3.HTTPFault';

/** The inert fault filter: an empty HTTPFault. */
export const faultFilter: HttpFilterDefinition = {
  name: FAULT_FILTER_NAME,
  buildConfig: () => anyOf(FAULT_TYPE_NAME, {}),
};
