// RateLimit conversions (docs/gateway.md §2.16): the bucket, the limited answer, nothing without http.
import { describe, expect, it } from 'vitest';
import { routeRateLimit } from './rate-limit-effects.js';

const SELECT = { sources: [], destinations: [] };

describe('routeRateLimit', () => {
  it('takes requests, interval, status and headers (append defaults to false)', () => {
    expect(
      routeRateLimit({ ...SELECT, conf: { http: { requests: 3, interval: '1m', onRateLimit: { status: 503, headers: [{ key: 'a', value: '1' }, { key: 'b', value: '2', append: true }] } } } }),
    ).toEqual({
      requests: 3,
      intervalMs: 60_000,
      status: 503,
      headers: [
        { key: 'a', value: '1', append: false },
        { key: 'b', value: '2', append: true },
      ],
    });
  });

  it('leaves the status to Envoy when unset, and limits nothing without http', () => {
    expect(routeRateLimit({ ...SELECT, conf: { http: { requests: 1, interval: '1s' } } })).toEqual({ requests: 1, intervalMs: 1000, headers: [] });
    expect(routeRateLimit({ ...SELECT, conf: {} })).toBeUndefined();
  });
});
