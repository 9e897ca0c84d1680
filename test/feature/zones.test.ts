// Zone and ZoneInsight over real HTTP (docs/multizone.md §6): a Zone is written by users on a global and
// on a zone without a global, a ZoneInsight by nobody but the control plane, and a Zone whose
// insight says it is online cannot be deleted. Nothing writes insights yet (sync does not exist),
// so the tests write them straight into the store as the control plane will.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GLOBAL_READ_ONLY_DETAIL, ZONE_READ_ONLY_DETAIL } from '../../src/api/multizone-rules.js';
import { ZONE_ONLINE_DELETE_MESSAGE } from '../../src/api/zone-insight.js';
import type { ControlPlane } from '../../src/runtime/control-plane.js';
import { startTestControlPlane } from '../support/mesh-proxies.js';

async function send(cp: ControlPlane, method: string, path: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`http://127.0.0.1:${cp.apiPort}${path}`, {
    method,
    ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

/** Records a zone's stream as the global's sync will: straight into the store. */
async function recordInsight(cp: ControlPlane, zone: string, subscription: Record<string, unknown>): Promise<void> {
  const existing = await cp.store.get({ kind: 'ZoneInsight', mesh: zone, name: zone });
  await cp.store.put({ kind: 'ZoneInsight', mesh: zone, name: zone, spec: { subscriptions: [subscription] } } as never, existing ? { expectedVersion: existing.version } : {});
}

const CONNECTED = { id: 's1', globalInstanceId: 'global-1', connectTime: '2026-12-03T10:00:00Z' };
const DISCONNECTED = { ...CONNECTED, disconnectTime: '2026-12-03T10:05:00Z' };

describe('Zone and ZoneInsight on a global', () => {
  let cp: ControlPlane;
  beforeAll(async () => {
    cp = await startTestControlPlane({ multizone: { mode: 'global', zone: 'default' } });
  });
  afterAll(() => cp?.stop());

  it('creates a Zone, enabled when absent, and switches it off', async () => {
    expect((await send(cp, 'PUT', '/zones/zone-1', { type: 'Zone', name: 'zone-1' })).status).toBe(201);
    const created = await send(cp, 'GET', '/zones/zone-1');
    expect(created.body).toMatchObject({ type: 'Zone', name: 'zone-1', labels: { 'kuma.io/origin': 'global' } });
    expect(created.body['enabled']).toBeUndefined();
    expect((await send(cp, 'PUT', '/zones/zone-1', { type: 'Zone', name: 'zone-1', enabled: false })).status).toBe(200);
    expect((await send(cp, 'GET', '/zones/zone-1')).body['enabled']).toBe(false);
    const list = await send(cp, 'GET', '/zones');
    expect((list.body['items'] as { name: string }[]).map((i) => i.name)).toEqual(['zone-1']);
  });

  it('refuses a malformed Zone', async () => {
    const res = await send(cp, 'PUT', '/zones/zone-x', { type: 'Zone', name: 'zone-x', enabled: 'yes' });
    expect(res.status).toBe(400);
    expect((res.body['invalid_parameters'] as { field: string }[]).map((v) => v.field)).toEqual(['enabled']);
  });

  it("refuses user writes of a ZoneInsight with 405 and Kuma's global text", async () => {
    const res = await send(cp, 'PUT', '/zone-insights/zone-1', { type: 'ZoneInsight', name: 'zone-1' });
    expect(res.status).toBe(405);
    expect(res.body['detail']).toBe(GLOBAL_READ_ONLY_DETAIL);
    expect((await send(cp, 'GET', '/zone-insights/zone-1')).status).toBe(404);
  });

  it('serves the insight the control plane recorded', async () => {
    await recordInsight(cp, 'zone-1', CONNECTED);
    const got = await send(cp, 'GET', '/zone-insights/zone-1');
    expect(got.status).toBe(200);
    expect(got.body).toMatchObject({ type: 'ZoneInsight', name: 'zone-1', subscriptions: [CONNECTED] });
    expect((await send(cp, 'DELETE', '/zone-insights/zone-1')).status).toBe(405);
  });

  it('refuses to delete a Zone while online, deletes it and its insight once offline', async () => {
    const refused = await send(cp, 'DELETE', '/zones/zone-1');
    expect(refused.status).toBe(400);
    expect(refused.body['invalid_parameters']).toEqual([{ field: 'zone', reason: ZONE_ONLINE_DELETE_MESSAGE }]);
    expect((await send(cp, 'GET', '/zones/zone-1')).status).toBe(200);

    await recordInsight(cp, 'zone-1', DISCONNECTED);
    expect((await send(cp, 'DELETE', '/zones/zone-1')).status).toBe(200);
    expect((await send(cp, 'GET', '/zones/zone-1')).status).toBe(404);
    expect((await send(cp, 'GET', '/zone-insights/zone-1')).status).toBe(404);
  });

  it('deletes a Zone that has no insight (never connected)', async () => {
    expect((await send(cp, 'PUT', '/zones/zone-2', { type: 'Zone', name: 'zone-2' })).status).toBe(201);
    expect((await send(cp, 'DELETE', '/zones/zone-2')).status).toBe(200);
  });
});

describe('Zone and ZoneInsight on a zone without a global', () => {
  let cp: ControlPlane;
  beforeAll(async () => {
    cp = await startTestControlPlane({ multizone: { mode: 'zone', zone: 'default' } });
  });
  afterAll(() => cp?.stop());

  it('writes Zones but no ZoneInsight', async () => {
    expect((await send(cp, 'PUT', '/zones/default', { type: 'Zone', name: 'default', enabled: true })).status).toBe(201);
    const res = await send(cp, 'PUT', '/zone-insights/default', { type: 'ZoneInsight', name: 'default' });
    expect(res.status).toBe(405);
    expect(res.body['detail']).toBe(ZONE_READ_ONLY_DETAIL);
    expect((await send(cp, 'DELETE', '/zones/default')).status).toBe(200);
  });
});
