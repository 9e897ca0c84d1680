// What a RateLimit sets where it lands (docs/gateway.md §2.16): a local token bucket on the routes
// whose route-level RateLimit it is, on gateways, and on HTTP inbounds on sidecars.
import { policyDurationMs } from '../api/connection-policy.js';
import type { RateLimitSpec } from '../api/rate-limit.js';
import type { RouteRateLimit } from '../ir/policies.js';

/** The token bucket of a RateLimit; undefined without an `http` section (nothing to limit). */
export function routeRateLimit(spec: RateLimitSpec): RouteRateLimit | undefined {
  const http = spec.conf.http;
  if (http === undefined) return undefined;
  const status = http.onRateLimit?.status;
  return {
    requests: http.requests ?? 0,
    intervalMs: policyDurationMs(http.interval) ?? 0,
    ...(status !== undefined ? { status } : {}),
    headers: (http.onRateLimit?.headers ?? []).map((h) => ({ key: h.key ?? '', value: h.value ?? '', append: h.append ?? false })),
  };
}
