// envoy.filters.http.local_ratelimit (docs/gateway.md §2.12 item 1). Without a token bucket the filter
// is inert; RateLimit policies switch it on per route through typed_per_filter_config (docs/gateway.md §2.16).
// Being always present means adding a policy never changes the listener and drains no connections.
import { anyOf } from '../../envoy/type-urls.js';
import type { HttpFilterDefinition } from './http-filter.js';

/** Filter name, also the per-route config key. */
export const LOCAL_RATELIMIT_FILTER_NAME = 'envoy.filters.http.local_ratelimit';

/** Proto message of both the listener-level and per-route configuration. */
export const LOCAL_RATELIMIT_TYPE_NAME = 'envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit';

/** The inert local rate limit filter: `stat_prefix: rate_limit`, no token bucket. */
export const localRateLimitFilter: HttpFilterDefinition = {
  name: LOCAL_RATELIMIT_FILTER_NAME,
  buildConfig: () => anyOf(LOCAL_RATELIMIT_TYPE_NAME, { stat_prefix: 'rate_limit' }),
};
