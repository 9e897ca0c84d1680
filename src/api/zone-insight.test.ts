// zoneOnline as docs/multizone.md §6 defines it, and the shapes Zone and ZoneInsight accept.
import { describe, expect, it } from 'vitest';
import { parseSpec } from './resource-kinds.js';
import { zoneOnline } from './zone-insight.js';

const T1 = '2026-12-03T10:00:00Z';
const T2 = '2026-12-03T10:05:00Z';

describe('zoneOnline (docs/multizone.md §6)', () => {
  it('is offline without an insight or without subscriptions', () => {
    expect(zoneOnline(undefined)).toBe(false);
    expect(zoneOnline({})).toBe(false);
    expect(zoneOnline({ subscriptions: [] })).toBe(false);
  });

  it('is online while some subscription has connected and not disconnected', () => {
    expect(zoneOnline({ subscriptions: [{ connectTime: T1 }] })).toBe(true);
    expect(zoneOnline({ subscriptions: [{ connectTime: T1, disconnectTime: T2 }, { connectTime: T2 }] })).toBe(true);
  });

  it('is offline when every subscription has disconnected, or never connected', () => {
    expect(zoneOnline({ subscriptions: [{ connectTime: T1, disconnectTime: T2 }] })).toBe(false);
    expect(zoneOnline({ subscriptions: [{ id: 'never-connected' }] })).toBe(false);
    expect(zoneOnline({ subscriptions: [{ connectTime: '' }] })).toBe(false);
  });
});

describe('Zone and ZoneInsight specs', () => {
  it('a Zone takes enabled or nothing', () => {
    expect(parseSpec('Zone', {}, { name: 'zone-1', mesh: 'zone-1' })).toEqual({ ok: true, value: {} });
    expect(parseSpec('Zone', { enabled: false }, { name: 'zone-1', mesh: 'zone-1' })).toEqual({ ok: true, value: { enabled: false } });
    const wrong = parseSpec('Zone', { enabled: 'yes' }, { name: 'zone-1', mesh: 'zone-1' });
    expect(wrong.ok).toBe(false);
    if (!wrong.ok) expect(wrong.violations.map((v) => v.field)).toEqual(['enabled']);
    const unknown = parseSpec('Zone', { disabled: true }, { name: 'zone-1', mesh: 'zone-1' });
    expect(unknown.ok).toBe(false);
  });

  it('a ZoneInsight carries subscriptions with times and per-type counters, health check and streams (Kuma JSON names)', () => {
    const raw = {
      subscriptions: [
        {
          id: 'sub-1',
          globalInstanceId: 'global-1',
          zoneInstanceId: 'zone-1-a',
          connectTime: T1,
          disconnectTime: T2,
          status: { lastUpdateTime: T2, total: { responsesSent: 10, responsesAcknowledged: 9, responsesRejected: 1 }, stat: { Mesh: { responsesSent: 2, responsesAcknowledged: 2 } } },
          version: { kumaCp: { version: '2.9.0', kumaCpGlobalCompatible: true } },
          generation: 3,
          config: '{"mode":"zone"}',
          authTokenProvided: true,
        },
      ],
      healthCheck: { time: T2 },
      kdsStreams: { globalToZone: { globalInstanceId: 'global-1', connectTime: T1 }, zoneToGlobal: { globalInstanceId: 'global-1', connectTime: T1 } },
    };
    const parsed = parseSpec('ZoneInsight', raw, { name: 'zone-1', mesh: 'zone-1' });
    expect(parsed).toEqual({ ok: true, value: raw });
    const wrong = parseSpec('ZoneInsight', { subscriptions: [{ connectTime: 5, status: { total: { responsesSent: 'many' } } }] }, { name: 'zone-1', mesh: 'zone-1' });
    expect(wrong.ok).toBe(false);
  });
});
