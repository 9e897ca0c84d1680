// ZoneIngress available services over real HTTP (docs/multizone.md "Available services"): a zone control plane, a
// ZoneIngress and sidecar Dataplanes written through the REST API; the ingress's list appears
// within about a second and follows an inbound turning unhealthy. Once on a zone without a global
// (memory store), once on a federated zone whose global is unreachable (embedded SQLite store).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ControlPlane } from '../../src/runtime/control-plane.js';
import { startTestControlPlane } from '../support/mesh-proxies.js';

async function send(cp: ControlPlane, method: string, route: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`http://127.0.0.1:${cp.apiPort}${route}`, {
    method,
    ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

async function put(cp: ControlPlane, route: string, body: unknown): Promise<void> {
  const res = await send(cp, 'PUT', route, body);
  expect(res.status, JSON.stringify(res.body)).toBeLessThan(300);
}

const TAGS = { 'kuma.io/service': 'backend', 'kuma.io/zone': 'zone-1', version: 'v1' };

function backend(name: string, ready = true): Record<string, unknown> {
  const inbound = { port: 8080, servicePort: 80, tags: TAGS, ...(ready ? {} : { health: { ready: false } }) };
  return { type: 'Dataplane', mesh: 'default', name, networking: { address: '10.0.0.1', inbound: [inbound] } };
}

async function availableServices(cp: ControlPlane): Promise<unknown> {
  return (await send(cp, 'GET', '/zone-ingresses/ingress-1')).body['availableServices'];
}

/** The example of docs/multizone.md §7.2 (backend, two healthy instances), on a control plane whose mesh `default` exists. */
async function showsBackend(cp: ControlPlane): Promise<void> {
  await put(cp, '/zone-ingresses/ingress-1', { type: 'ZoneIngress', name: 'ingress-1', networking: { address: '192.168.0.10', port: 10001, advertisedAddress: '34.1.2.3', advertisedPort: 10001 } });
  await put(cp, '/meshes/default/dataplanes/backend-1', backend('backend-1'));
  await put(cp, '/meshes/default/dataplanes/backend-2', backend('backend-2'));
  // The default interval is 1 s; the poll's bound leaves room for a slow machine (timing proper
  // is the bench's: `npm run bench -- ingress-services`).
  await expect.poll(() => availableServices(cp), { timeout: 3_000, interval: 50 }).toEqual([{ mesh: 'default', instances: 2, tags: TAGS }]);

  await put(cp, '/meshes/default/dataplanes/backend-2', backend('backend-2', false));
  await expect.poll(() => availableServices(cp), { timeout: 3_000, interval: 50 }).toEqual([{ mesh: 'default', instances: 1, tags: TAGS }]);
  await send(cp, 'DELETE', '/meshes/default/dataplanes/backend-1');
  await expect.poll(() => availableServices(cp), { timeout: 3_000, interval: 50 }).toEqual([]);
}

describe('ZoneIngress available services on a zone without a global', () => {
  let cp: ControlPlane;
  beforeAll(async () => {
    cp = await startTestControlPlane({ multizone: { mode: 'zone', zone: 'zone-1' } });
    await put(cp, '/meshes/default', { type: 'Mesh', name: 'default' });
  });
  afterAll(() => cp?.stop());

  it('lists backend with 2 healthy instances, then 1 when one turns unhealthy, then none', () => showsBackend(cp));

  it('leaves another zone’s ingress alone', async () => {
    await cp.store.put({ kind: 'ZoneIngress', mesh: 'remote', name: 'remote', spec: { zone: 'zone-2', networking: { address: '10.9.0.1', port: 10001 } }, labels: { 'kuma.io/origin': 'global', 'kuma.io/zone': 'zone-2' } });
    await put(cp, '/meshes/default/dataplanes/backend-3', backend('backend-3'));
    await expect.poll(() => availableServices(cp), { timeout: 3_000, interval: 50 }).toHaveLength(1);
    expect((await send(cp, 'GET', '/zone-ingresses/remote')).body['availableServices']).toBeUndefined();
  });
});

describe('ZoneIngress available services on a federated zone (global unreachable, embedded store)', () => {
  let cp: ControlPlane;
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'portico-ingress-services-'));
    const tokenFile = path.join(dir, 'token');
    writeFileSync(tokenFile, 'not-checked-here');
    cp = await startTestControlPlane({
      store: 'embedded',
      dataDir: dir,
      multizone: { mode: 'zone', zone: 'zone-1', globalAddress: 'grpc://127.0.0.1:1', kds: { tokenFile, baseBackoffMs: 60_000 } },
    });
    // A federated zone receives its meshes from the global; here, straight into the store.
    await cp.store.put({ kind: 'Mesh', mesh: 'default', name: 'default', spec: {}, labels: { 'kuma.io/origin': 'global' } });
  });
  afterAll(async () => {
    await cp?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('lists backend with 2 healthy instances, then 1 when one turns unhealthy, then none', () => showsBackend(cp));
});
