// HealthCheck conversions (docs/gateway.md §2.16): durations in ms, payloads base64 to hex, optional
// settings only when written.
import { describe, expect, it } from 'vitest';
import { clusterHealthCheck, hexOf } from './health-check-effects.js';

const SELECT = { sources: [], destinations: [] };
const BASE = { interval: '10s', timeout: '1.5s', unhealthyThreshold: 3, healthyThreshold: 2 };

describe('clusterHealthCheck', () => {
  it('keeps only the required settings of a minimal policy', () => {
    expect(clusterHealthCheck({ ...SELECT, conf: BASE })).toEqual({ intervalMs: 10_000, timeoutMs: 1500, unhealthyThreshold: 3, healthyThreshold: 2, alwaysLogFailures: false });
  });

  it('turns TCP payloads into hex and HTTP headers into policy headers', () => {
    const hc = clusterHealthCheck({
      ...SELECT,
      conf: { ...BASE, healthyPanicThreshold: 0, failTrafficOnPanic: false, tcp: { send: 'AAEC', receive: ['/w=='] }, http: { path: '/h', requestHeadersToAdd: [{ header: { key: 'k' } }] } },
    });
    expect(hc.tcp).toEqual({ sendHex: '000102', receiveHex: ['ff'] });
    expect(hc.http).toEqual({ path: '/h', headers: [{ key: 'k', value: '', append: false }], expectedStatuses: [] });
    expect([hc.healthyPanicThreshold, hc.failTrafficOnPanic]).toEqual([0, false]);
  });

  it('reads URL-safe base64 as protojson does', () => {
    expect(hexOf('-_8')).toBe('fbff');
  });
});
