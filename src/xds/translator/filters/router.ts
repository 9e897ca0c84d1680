// envoy.filters.http.router (docs/gateway.md §2.12 item 4). Terminal filter: it must stay last.
import { anyOf } from '../../envoy/type-urls.js';
import type { HttpFilterDefinition } from './http-filter.js';

/** Filter name. */
export const ROUTER_FILTER_NAME = 'envoy.filters.http.router';

/** The router with default settings (no `start_child_span`, as in Kuma v2.14). */
export const routerFilter: HttpFilterDefinition = {
  name: ROUTER_FILTER_NAME,
  buildConfig: () => anyOf('envoy.extensions.filters.http.router.v3.Router', {}),
};
