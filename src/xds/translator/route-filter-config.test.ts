// Per-route filter configs (docs/gateway.md §2.16): Envoy's status names and percentages.
import { describe, expect, it } from 'vitest';
import { buildHttpFault, buildLocalRateLimit, buildRouteFilterConfigs, statusCodeName } from './route-filter-config.js';

describe('route filter configs', () => {
  it("names status codes as Envoy's StatusCode enum does", () => {
    expect([statusCodeName(429), statusCodeName(423), statusCodeName(503), statusCodeName(299)]).toEqual(['TooManyRequests', 'Locked', 'ServiceUnavailable', undefined]);
  });

  it('leaves the status out for a code Envoy does not name (Envoy answers 429)', () => {
    expect(buildLocalRateLimit({ requests: 1, intervalMs: 1000, status: 299, headers: [] })).not.toHaveProperty('status');
  });

  it('writes fault percentages with the coarsest exact denominator', () => {
    expect(buildHttpFault({ abort: { httpStatus: 500, percentage: 0.001 } })).toMatchObject({ abort: { http_status: 500, percentage: { numerator: 10, denominator: 'MILLION' } } });
  });

  it('has no config for routes with only a timeout', () => {
    expect(buildRouteFilterConfigs({ timeoutMs: 1000 })).toBeUndefined();
    expect(buildRouteFilterConfigs(undefined)).toBeUndefined();
  });
});
