// The one ordered registration of the gateway's HTTP filters (docs/gateway.md §2.12). Order is
// behaviour: rate limiting rejects before faults are injected, compression wraps the response
// of everything upstream of it, and the router is terminal so it comes last.
import { faultFilter } from './fault.js';
import { gzipCompressorFilter } from './gzip-compressor.js';
import type { HttpFilterDefinition } from './http-filter.js';
import { localRateLimitFilter } from './local-ratelimit.js';
import { routerFilter } from './router.js';

/** Every HTTP filter of a gateway connection manager, in Envoy's execution order. */
export const HTTP_FILTERS: readonly HttpFilterDefinition[] = [localRateLimitFilter, faultFilter, gzipCompressorFilter, routerFilter];

/** The connection manager's `http_filters` list. */
export function buildHttpFilters(): object[] {
  return HTTP_FILTERS.map((f) => ({ name: f.name, typed_config: f.buildConfig() }));
}
