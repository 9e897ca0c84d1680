// FaultInjection conversions (docs/gateway.md §2.16): bandwidth units to kbps, each fault only when set.
import { describe, expect, it } from 'vitest';
import { bandwidthKbps, routeFault } from './fault-injection-effects.js';

const SELECT = { sources: [], destinations: [] };

describe('bandwidthKbps', () => {
  it.each<[string, number]>([
    ['100kbps', 100],
    ['10Mbps', 10_000],
    ['2Gbps', 2_000_000],
    ['10 mbps', 10_000],
    ['1gbps', 1_000_000],
    ['10MB/s', 0],
  ])('%s is %d kbps', (limit, kbps) => {
    expect(bandwidthKbps(limit)).toBe(kbps);
  });
});

describe('routeFault', () => {
  it('converts each configured fault and leaves the others out', () => {
    expect(routeFault({ ...SELECT, conf: { delay: { value: '250ms', percentage: 10 } } })).toEqual({ delay: { ms: 250, percentage: 10 } });
    expect(routeFault({ ...SELECT, conf: { abort: { httpStatus: 503, percentage: 0.5 }, responseBandwidth: { limit: '5Mbps', percentage: 100 } } })).toEqual({
      abort: { httpStatus: 503, percentage: 0.5 },
      responseBandwidth: { kbps: 5000, percentage: 100 },
    });
  });
});
