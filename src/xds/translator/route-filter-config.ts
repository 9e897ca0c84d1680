// Per-route configuration of the gateway's inert HTTP filters (docs/gateway.md §2.16): a RateLimit's
// local token bucket and a FaultInjection's faults, in `typed_per_filter_config`. Sidecar HTTP
// inbounds use the same messages.
import type { RouteFault, RoutePolicies, RouteRateLimit } from '../../ir/policies.js';
import { durationOfMillis } from '../envoy/duration.js';
import { envoyRoot } from '../envoy/protos.js';
import { anyOf } from '../envoy/type-urls.js';
import { FAULT_FILTER_NAME, FAULT_TYPE_NAME } from './filters/fault.js';
import { LOCAL_RATELIMIT_FILTER_NAME, LOCAL_RATELIMIT_TYPE_NAME } from './filters/local-ratelimit.js';
import { buildHeaderValueOption } from './header-mutation.js';
import { fractionOf } from './route-action.js';

/** Stat prefix of every per-route rate limit, as Kuma writes it. */
const RATE_LIMIT_STAT_PREFIX = 'rate_limit';

/**
 * Envoy's name of a status code (`423` -> `Locked`): HttpStatus holds an enum. A code Envoy does
 * not name has no status, so Envoy answers its default 429.
 */
export function statusCodeName(code: number): string | undefined {
  return envoyRoot().lookupEnum('envoy.type.v3.StatusCode').valuesById[code];
}

/** The whole of the traffic: filter enabled and enforced on every request. */
function always(runtimeKey: string): object {
  return { runtime_key: runtimeKey, default_value: { numerator: 100, denominator: 'HUNDRED' } };
}

/** LocalRateLimit of a RateLimit: a bucket of `requests` refilled by `requests` every interval. */
export function buildLocalRateLimit(limit: RouteRateLimit): object {
  const status = limit.status === undefined ? undefined : statusCodeName(limit.status);
  return anyOf(LOCAL_RATELIMIT_TYPE_NAME, {
    stat_prefix: RATE_LIMIT_STAT_PREFIX,
    ...(status !== undefined ? { status: { code: status } } : {}),
    token_bucket: { max_tokens: limit.requests, tokens_per_fill: { value: limit.requests }, fill_interval: durationOfMillis(limit.intervalMs) },
    filter_enabled: always('local_rate_limit_enabled'),
    filter_enforced: always('local_rate_limit_enforced'),
    ...(limit.headers.length > 0 ? { response_headers_to_add: limit.headers.map((h) => buildHeaderValueOption(h.key, h.value, h.append)) } : {}),
  });
}

/** HTTPFault of a FaultInjection: each configured fault with its share of requests. */
export function buildHttpFault(fault: RouteFault): object {
  return anyOf(FAULT_TYPE_NAME, {
    ...(fault.delay ? { delay: { fixed_delay: durationOfMillis(fault.delay.ms), percentage: fractionOf(fault.delay.percentage) } } : {}),
    ...(fault.abort ? { abort: { http_status: fault.abort.httpStatus, percentage: fractionOf(fault.abort.percentage) } } : {}),
    ...(fault.responseBandwidth
      ? { response_rate_limit: { fixed_limit: { limit_kbps: fault.responseBandwidth.kbps }, percentage: fractionOf(fault.responseBandwidth.percentage) } }
      : {}),
  });
}

/** `typed_per_filter_config` of a route with these policies; undefined when no filter is configured. */
export function buildRouteFilterConfigs(policies: RoutePolicies | undefined): Record<string, object> | undefined {
  if (policies === undefined || (policies.rateLimit === undefined && policies.fault === undefined)) return undefined;
  return {
    ...(policies.rateLimit ? { [LOCAL_RATELIMIT_FILTER_NAME]: buildLocalRateLimit(policies.rateLimit) } : {}),
    ...(policies.fault ? { [FAULT_FILTER_NAME]: buildHttpFault(policies.fault) } : {}),
  };
}
