// End to end with real Envoys (mesh.md §8, gateway.md §2.17): an application in mesh-b calls its
// sidecar's outbound tagged `kuma.io/mesh: mesh-a`; the sidecar speaks mTLS with mesh-b's identity
// to mesh-a's cross-mesh gateway listener, whose route forwards over mesh-a's mTLS to a backend
// sidecar. Turning mTLS off in mesh-b breaks the call (the gateway's chain needs mesh mTLS);
// turning it on again restores it, with nothing restarted.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, startControlPlane, type ControlPlane } from '../../src/runtime/control-plane.js';
import { httpBackend, type Backend } from '../support/backends.js';
import { dataplaneTokenFile } from '../support/dataplane-tokens.js';
import { eventually, freePort, PORTICO_BIN, request, start, type Running } from '../support/processes.js';

describe('a cross-mesh gateway reached from another mesh, with real Envoys', () => {
  let cp: ControlPlane;
  let backend: Backend;
  const envoys: Running[] = [];
  let dir = '';
  let outboundPort = 0;
  const api = (p: string) => `http://127.0.0.1:${cp.apiPort}${p}`;

  async function put(doc: Record<string, unknown>): Promise<void> {
    const url = doc.type === 'Mesh' ? api(`/meshes/${String(doc.name)}`) : api(`/meshes/${String(doc.mesh)}/${String(doc.type).toLowerCase()}s/${String(doc.name)}`);
    const res = await fetch(url, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(doc) });
    expect(res.status, await res.text()).toBeLessThan(300);
  }
  const mesh = (name: string, enabledBackend = 'ca-1') => ({ type: 'Mesh', name, mtls: { enabledBackend, backends: [{ name: 'ca-1', type: 'builtin' }] } });

  async function runProxy(mesh: string, name: string, networking: Record<string, unknown>): Promise<void> {
    const file = path.join(dir, `${mesh}-${name}.json`);
    writeFileSync(file, JSON.stringify({ type: 'Dataplane', mesh, name, networking }));
    const token = await dataplaneTokenFile(`http://127.0.0.1:${cp.apiPort}`, mesh, name, dir);
    envoys.push(
      start(process.execPath, [
        PORTICO_BIN, 'dp', 'run', '--cp', `https://127.0.0.1:${cp.xdsPort}`, '--ca-cert-file', cp.caFile!, '--dataplane-file', file, '--dataplane-token-file', token,
        '--admin-port', String(await freePort()), '--log-level', 'warn', '--drain-time', '1',
      ]),
    );
  }
  const call = () => request(`http://127.0.0.1:${outboundPort}/orders`).catch(() => ({ status: 0, body: '', headers: {} }));

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'portico-cross-mesh-'));
    cp = await startControlPlane({ ...DEFAULT_CONFIG, store: 'memory', dataDir: '', apiPort: 0, xdsPort: 0, debounceMs: 10, logger: pino({ level: 'silent' }) });
    await put(mesh('mesh-a'));
    await put(mesh('mesh-b'));
    backend = await httpBackend('orders');
    const crossMeshPort = await freePort();
    outboundPort = await freePort();
    await put({
      type: 'MeshGateway',
      mesh: 'mesh-a',
      name: 'edge',
      selectors: [{ match: { 'kuma.io/service': 'edge' } }],
      conf: { listeners: [{ port: crossMeshPort, protocol: 'HTTP', crossMesh: true }] },
    });
    await put({
      type: 'MeshGatewayRoute',
      mesh: 'mesh-a',
      name: 'orders',
      selectors: [{ match: { 'kuma.io/service': 'edge' } }],
      conf: { http: { rules: [{ matches: [{ path: { match: 'PREFIX', value: '/' } }], backends: [{ destination: { 'kuma.io/service': 'orders' } }] }] } },
    });
    await runProxy('mesh-a', 'orders-1', {
      address: '127.0.0.1',
      inbound: [{ port: await freePort(), servicePort: backend.port, serviceAddress: '127.0.0.1', tags: { 'kuma.io/service': 'orders', 'kuma.io/protocol': 'http' } }],
    });
    await runProxy('mesh-a', 'edge-1', { address: '127.0.0.1', gateway: { type: 'BUILTIN', tags: { 'kuma.io/service': 'edge' } } });
    await runProxy('mesh-b', 'shop-1', {
      address: '127.0.0.1',
      inbound: [{ port: await freePort(), servicePort: await freePort(), serviceAddress: '127.0.0.1', tags: { 'kuma.io/service': 'shop' } }],
      outbound: [{ port: outboundPort, tags: { 'kuma.io/service': 'edge', 'kuma.io/mesh': 'mesh-a' } }],
    });
    await eventually(async () => (await call()).status === 200, 60_000, 'mesh-b reaching mesh-a through the cross-mesh gateway');
  }, 120_000);

  afterAll(async () => {
    for (const e of envoys) await e.stop();
    await backend?.close();
    await cp?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("reaches mesh-a's service through its cross-mesh listener; the service sees the gateway's identity", async () => {
    const res = await call();
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toMatchObject({ name: 'orders', path: '/orders' });
    expect(String(backend.seen.at(-1)?.headers['x-forwarded-client-cert'])).toMatch(/URI=spiffe:\/\/mesh-a\/edge(;|$)/);
  });

  it('breaks when mesh-b turns mTLS off, and recovers when it turns it back on', async () => {
    await put(mesh('mesh-b', ''));
    await eventually(async () => (await call()).status !== 200, 30_000, 'the call failing without mesh-b mTLS');
    await put(mesh('mesh-b'));
    await eventually(async () => (await call()).status === 200, 30_000, 'the call working again');
  });
});
