// The multi-zone roles over real HTTP (docs/multizone.md §1, §5): a global refuses the kinds zones
// provide and accepts no proxies, a federated zone refuses the kinds global provides and the
// copies global sent [Z1], both with Kuma's 405 texts and 400 label violations. The zone's global is
// unreachable here: the rules hold whether or not sync is connected (multizone-sync.test.ts).
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GLOBAL_READ_ONLY_DETAIL, ZONE_READ_ONLY_DETAIL } from '../../src/api/multizone-rules.js';
import type { ControlPlane } from '../../src/runtime/control-plane.js';
import { startTestControlPlane } from '../support/mesh-proxies.js';
import { freePort, portico } from '../support/processes.js';

const DATAPLANE = {
  type: 'Dataplane',
  mesh: 'default',
  name: 'backend-1',
  networking: { address: '10.0.0.1', inbound: [{ port: 8080, tags: { 'kuma.io/service': 'backend' } }] },
};
const GATEWAY = { type: 'MeshGateway', mesh: 'default', name: 'edge', selectors: [{ match: { 'kuma.io/service': 'edge' } }], conf: { listeners: [{ port: 8080, protocol: 'HTTP' }] } };
const PERMISSION = {
  type: 'TrafficPermission',
  mesh: 'default',
  name: 'allow',
  sources: [{ match: { 'kuma.io/service': '*' } }],
  destinations: [{ match: { 'kuma.io/service': '*' } }],
};

function pathOf(doc: Record<string, unknown>): string {
  const plural: Record<string, string> = { Dataplane: 'dataplanes', MeshGateway: 'meshgateways', TrafficPermission: 'traffic-permissions' };
  return doc['type'] === 'Mesh' ? `/meshes/${String(doc['name'])}` : `/meshes/default/${plural[String(doc['type'])]}/${String(doc['name'])}`;
}

async function send(cp: ControlPlane, method: string, path: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`http://127.0.0.1:${cp.apiPort}${path}`, {
    method,
    ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

const put = (cp: ControlPlane, doc: Record<string, unknown>) => send(cp, 'PUT', pathOf(doc), doc);

/** Stores a resource as sync would: straight into the store, bypassing the API's rules. */
async function syncedFromGlobal(cp: ControlPlane, kind: string, name: string, spec: unknown, labels: Record<string, string>): Promise<void> {
  await cp.store.put({ kind, mesh: 'default', name, spec, labels } as never, {});
}

describe('global control plane', () => {
  let cp: ControlPlane;
  let dataplanePort: number;
  beforeAll(async () => {
    dataplanePort = await freePort();
    cp = await startTestControlPlane({ multizone: { mode: 'global', zone: 'default', kds: { port: 0 } }, xdsPort: dataplanePort });
  });
  afterAll(() => cp?.stop());

  it('runs no dataplane server: nothing listens on its dataplane port', async () => {
    expect(cp.xdsPort).toBeUndefined();
    expect(cp.dataplanePort).toBeUndefined();
    const refused = await new Promise<string>((resolve) => {
      const socket = net.connect({ host: '127.0.0.1', port: dataplanePort }, () => {
        socket.destroy();
        resolve('connected');
      });
      socket.on('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
    });
    expect(refused).toBe('ECONNREFUSED');
  });

  it('creates meshes and policies, stamped kuma.io/origin: global', async () => {
    expect((await put(cp, { type: 'Mesh', name: 'default' })).status).toBe(201);
    expect((await put(cp, PERMISSION)).status).toBe(201);
    const got = await send(cp, 'GET', pathOf(PERMISSION));
    expect(got.body['labels']).toEqual({ 'kuma.io/origin': 'global' });
  });

  it("refuses Dataplane writes with 405 and Kuma's text (PUT, DELETE, apply)", async () => {
    for (const res of [await put(cp, DATAPLANE), await send(cp, 'DELETE', pathOf(DATAPLANE)), await send(cp, 'POST', '/apply', { items: [DATAPLANE] })]) {
      expect(res.status).toBe(405);
      expect(res.body['title']).toBe('Method not allowed');
      expect(res.body['detail']).toBe(GLOBAL_READ_ONLY_DETAIL);
    }
  });

  it('portico apply and delete print the refusal as any API error, and exit 1', async () => {
    const api = ['--api', `http://127.0.0.1:${cp.apiPort}`];
    const yaml = 'type: Dataplane\nmesh: default\nname: dp-1\nnetworking:\n  address: 10.0.0.1\n  inbound:\n  - port: 8080\n    tags:\n      kuma.io/service: backend\n';
    const applied = await portico([...api, 'apply', '-f', '-'], yaml);
    expect(applied.code).toBe(1);
    expect(applied.output).toContain(`Method not allowed: ${GLOBAL_READ_ONLY_DETAIL.trimEnd()}`);
    const deleted = await portico([...api, 'delete', 'dataplane', 'dp-1', '-m', 'default']);
    expect(deleted.code).toBe(1);
    expect(deleted.output).toContain("On global control plane you can not modify dataplane resources");
  });

  it('refuses zone-originated and unknown origins at labels["kuma.io/origin"]', async () => {
    const zone = await put(cp, { ...GATEWAY, labels: { 'kuma.io/origin': 'zone' } });
    expect(zone.status).toBe(400);
    expect(zone.body['causes']).toEqual([{ field: 'labels["kuma.io/origin"]', message: "the origin label must be set to 'global'" }]);
    const mars = await put(cp, { ...GATEWAY, labels: { 'kuma.io/origin': 'mars' } });
    expect(mars.status).toBe(400);
    expect(mars.body['causes']).toEqual([{ field: 'labels["kuma.io/origin"]', message: 'unknown resource origin "mars"' }]);
  });

  it('cannot delete a MeshGateway a zone created', async () => {
    await syncedFromGlobal(cp, 'MeshGateway', 'zone-1.edge', { selectors: GATEWAY.selectors, conf: GATEWAY.conf }, { 'kuma.io/origin': 'zone', 'kuma.io/zone': 'zone-1' });
    const res = await send(cp, 'DELETE', '/meshes/default/meshgateways/zone-1.edge');
    expect(res.status).toBe(400);
    expect(res.body['causes']).toEqual([{ field: 'labels["kuma.io/origin"]', message: "the origin label must be set to 'global'" }]);
  });
});

describe('federated zone control plane (its global unreachable)', () => {
  let cp: ControlPlane;
  beforeAll(async () => {
    const tokenFile = path.join(mkdtempSync(path.join(os.tmpdir(), 'portico-zone-')), 'token');
    writeFileSync(tokenFile, 'not-checked-here');
    cp = await startTestControlPlane({ multizone: { mode: 'zone', zone: 'zone-1', globalAddress: 'grpcs://127.0.0.1:1', kds: { tokenFile } } });
    // The Mesh and a gateway as sync will bring them from global.
    await syncedFromGlobal(cp, 'Mesh', 'default', {}, { 'kuma.io/origin': 'global' });
    await syncedFromGlobal(cp, 'MeshGateway', 'edge-synced', { selectors: GATEWAY.selectors, conf: GATEWAY.conf }, { 'kuma.io/origin': 'global', 'kuma.io/display-name': 'edge' });
  });
  afterAll(() => cp?.stop());

  it('serves proxies: its dataplane port listens', () => {
    expect(cp.xdsPort).toBeGreaterThan(0);
  });

  it('issues no zone tokens: its global does', async () => {
    const res = await send(cp, 'POST', '/tokens/zone', { zone: 'zone-1', scope: ['cp'] });
    expect(res.status).toBe(404);
  });

  it("refuses Mesh and classic policy writes with 405 and Kuma's zone text", async () => {
    for (const res of [await put(cp, { type: 'Mesh', name: 'other' }), await put(cp, PERMISSION), await send(cp, 'DELETE', '/meshes/default')]) {
      expect(res.status).toBe(405);
      expect(res.body['title']).toBe('Method not allowed');
      expect(res.body['detail']).toBe(ZONE_READ_ONLY_DETAIL);
    }
  });

  it('accepts its Dataplanes, stamped with origin zone and its zone name', async () => {
    expect((await put(cp, DATAPLANE)).status).toBe(201);
    const got = await send(cp, 'GET', pathOf(DATAPLANE));
    expect(got.body['labels']).toEqual({ 'kuma.io/origin': 'zone', 'kuma.io/zone': 'zone-1' });
    // Writing it again without labels keeps them (the stamp is not a removal).
    expect((await put(cp, DATAPLANE)).status).toBe(200);
  });

  it('refuses another zone label and a different mesh label', async () => {
    const res = await put(cp, { ...DATAPLANE, name: 'backend-2', labels: { 'kuma.io/zone': 'zone-2', 'kuma.io/mesh': 'other' } });
    expect(res.status).toBe(400);
    expect(res.body['causes']).toEqual([
      { field: 'labels["kuma.io/zone"]', message: 'kuma.io/zone label should have zone-1 value' },
      { field: 'labels["kuma.io/mesh"]', message: 'kuma.io/mesh label must not differ from mesh set on resource' },
    ]);
  });

  it('[Z1] refuses to change or delete a MeshGateway global sent, and creates its own', async () => {
    const z1 = [{ field: 'labels["kuma.io/origin"]', message: "the origin label must be set to 'zone'" }];
    const update = await send(cp, 'PUT', '/meshes/default/meshgateways/edge-synced', { ...GATEWAY, name: 'edge-synced', labels: { 'kuma.io/origin': 'global', 'kuma.io/display-name': 'edge' } });
    expect(update.status).toBe(400);
    expect(update.body['causes']).toEqual(z1);
    const removed = await send(cp, 'DELETE', '/meshes/default/meshgateways/edge-synced');
    expect(removed.status).toBe(400);
    expect(removed.body['causes']).toEqual(z1);
    expect((await put(cp, GATEWAY)).status).toBe(201);
  });
});

describe('zone without a global', () => {
  it('writes every kind, as before multi-zone', async () => {
    const cp = await startTestControlPlane();
    try {
      expect((await put(cp, { type: 'Mesh', name: 'default' })).status).toBe(201);
      expect((await put(cp, PERMISSION)).status).toBe(201);
      expect((await put(cp, DATAPLANE)).status).toBe(201);
      expect((await send(cp, 'GET', pathOf(DATAPLANE))).body['labels']).toBeUndefined();
    } finally {
      await cp.stop();
    }
  });
});

describe('startup validation', () => {
  it.each([
    [{ mode: 'zone', zone: '' }, 'Name is mandatory'],
    [{ mode: 'zone', zone: 'Zone_1' }, 'Zone name Zone_1 has to be a valid DNS name'],
    [{ mode: 'zone', zone: 'z'.repeat(64) }, 'Zone name cannot be longer than 63 characters'],
    [{ mode: 'zone', zone: 'zone-1', globalAddress: 'https://global:5685' }, 'unsupported scheme "https" in zone GlobalAddress. Use one of [grpc grpcs]'],
    [{ mode: 'zone', zone: 'zone-1', globalAddress: 'grpcs://global:5685' }, 'a zone with a global address needs its zone token (scope cp)'],
  ] as const)('%j fails to start: %s', async (multizone, message) => {
    await expect(startTestControlPlane({ multizone })).rejects.toThrow(message);
  });
});
