// TrafficPermission end to end with real Envoys and real traffic (docs/mesh-mtls.md §5): in a STRICT mesh
// the client application calls its sidecar's outbound, which speaks mesh mTLS to the backend's
// sidecar. The backend's inbound admits only the sources of its one TrafficPermission, checked by
// network RBAC against the client's certificate. Removing the allowing policy cuts the caller off
// (its sidecar answers 503, the backend counts rbac.denied), adding it back restores traffic; an
// exact policy for the backend replaces the mesh's allow-all for it, and a source selector with
// an extra tag admits only a client whose certificate carries that tag. In PERMISSIVE only the
// mesh TLS chain is checked: a plaintext client passes. Nothing is restarted.
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ControlPlane } from '../../src/runtime/control-plane.js';
import { httpBackend, type Backend } from '../support/backends.js';
import { runDataplane, startTestControlPlane, tearDown } from '../support/mesh-proxies.js';
import { eventually, freePort, request, type Running } from '../support/processes.js';

const DENIED_BODY = /^upstream connect error or disconnect\/reset before headers/;

describe('TrafficPermission on sidecars in an mTLS mesh, with real Envoys', () => {
  let cp: ControlPlane;
  let backend: Backend;
  const envoys: Running[] = [];
  let dir = '';
  let outboundPort = 0;
  let backendAdminPort = 0;
  let backendInboundPort = 0;
  const api = (p: string) => `http://127.0.0.1:${cp.apiPort}${p}`;

  async function send(method: 'PUT' | 'DELETE', url: string, doc?: Record<string, unknown>): Promise<void> {
    const res = await fetch(url, { method, headers: { 'content-type': 'application/json' }, ...(doc ? { body: JSON.stringify(doc) } : {}) });
    expect(res.status, await res.text()).toBeLessThan(300);
  }
  const permissionUrl = (name: string) => api(`/meshes/default/traffic-permissions/${name}`);
  const putPermission = (name: string, sources: Record<string, string>[], destination: string) =>
    send('PUT', permissionUrl(name), { type: 'TrafficPermission', mesh: 'default', name, sources: sources.map((match) => ({ match })), destinations: [{ match: { 'kuma.io/service': destination } }] });
  const ALLOW_ALL = [{ 'kuma.io/service': '*' }];
  const mesh = (mode: string) => ({ type: 'Mesh', name: 'default', mtls: { enabledBackend: 'ca-1', backends: [{ name: 'ca-1', type: 'builtin', mode }] } });

  /** Writes the Dataplane file and starts its Envoy through `portico dp run`; returns its admin port. */
  async function runSidecar(name: string, networking: Record<string, unknown>): Promise<number> {
    const { process, adminPort } = await runDataplane(cp, dir, { type: 'Dataplane', mesh: 'default', name, networking });
    envoys.push(process);
    return adminPort;
  }

  const viaOutbound = () => request(`http://127.0.0.1:${outboundPort}/hello`).catch((err: Error) => ({ status: 0, body: err.message, headers: {} }));
  const reaches = async () => (await viaOutbound()).status === 200;
  const directStatus = async () => (await request(`http://127.0.0.1:${backendInboundPort}/direct`).catch(() => ({ status: 0 }))).status;
  const refusedOnce = async () => {
    const res = await viaOutbound();
    return res.status === 503 && DENIED_BODY.test(res.body);
  };
  // A listener update drains the connections of the old filter chains gradually over the drain
  // time (1 s here), so a pooled connection admitted before may serve a request or two after the
  // first refusal: refusal counts once it holds for several requests in a row.
  const refused = async () => (await refusedOnce()) && (await refusedOnce()) && (await refusedOnce());

  /** The backend inbound's `<stat_prefix>rbac.<outcome>` counter. */
  async function rbacCounter(outcome: 'allowed' | 'denied'): Promise<number> {
    const res = await request(`http://127.0.0.1:${backendAdminPort}/stats?filter=${encodeURIComponent(`^inbound_.*\\.rbac\\.${outcome}$`)}`);
    return res.body.split('\n').reduce((sum, line) => sum + Number(line.split(': ')[1] ?? 0), 0);
  }

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'portico-traffic-permission-'));
    cp = await startTestControlPlane();
    // Creating the Mesh creates allow-all-default with it (docs/mesh-mtls.md §5.5).
    await send('PUT', api('/meshes/default'), mesh('STRICT'));
    backend = await httpBackend('backend');
    outboundPort = await freePort();
    backendInboundPort = await freePort();
    backendAdminPort = await runSidecar('backend-1', {
      address: '127.0.0.1',
      inbound: [{ port: backendInboundPort, servicePort: backend.port, serviceAddress: '127.0.0.1', tags: { 'kuma.io/service': 'backend', 'kuma.io/protocol': 'http' } }],
    });
    await runSidecar('client-1', {
      address: '127.0.0.1',
      inbound: [{ port: await freePort(), servicePort: await freePort(), serviceAddress: '127.0.0.1', tags: { 'kuma.io/service': 'client', version: 'v1' } }],
      outbound: [{ port: outboundPort, tags: { 'kuma.io/service': 'backend' } }],
    });
    await eventually(reaches, 60_000, 'traffic from client to backend under allow-all-default');
  }, 120_000);

  afterAll(() => tearDown(envoys, [backend], cp, dir));

  it('removing the allowing policy cuts the caller off with a 503; adding it back restores traffic', async () => {
    expect(await rbacCounter('allowed')).toBeGreaterThan(0);
    await send('DELETE', permissionUrl('allow-all-default'));
    await eventually(refused, 30_000, 'the client refused once no TrafficPermission selects the backend');
    expect(await rbacCounter('denied')).toBeGreaterThan(0);
    const served = backend.seen.length;
    expect(await refusedOnce()).toBe(true);
    expect(backend.seen.length).toBe(served);

    await putPermission('allow-all-default', ALLOW_ALL, '*');
    await eventually(reaches, 30_000, 'traffic restored by allow-all-default');
    for (const e of envoys) expect(e.proc.exitCode, e.output()).toBeNull();
  });

  it('an exact policy replaces allow-all for the backend; its extra source tag must be in the client certificate', async () => {
    // Exact beats wildcard (docs/mesh-mtls.md §5.2): only version v2 clients may reach backend now; client-1 is v1.
    await putPermission('clients-to-backend', [{ 'kuma.io/service': 'client', version: 'v2' }], 'backend');
    await eventually(refused, 30_000, 'client v1 refused by the exact policy for backend despite allow-all');
    // kuma://version/v1 and spiffe://default/client are both in client-1's certificate.
    await putPermission('clients-to-backend', [{ 'kuma.io/service': 'client', version: 'v1' }], 'backend');
    await eventually(reaches, 30_000, 'client v1 admitted');
    // Back under allow-all. The listener update drains the old connections, so a request racing
    // it may fail once: the outcome, not the moment, is asserted.
    await send('DELETE', permissionUrl('clients-to-backend'));
    await eventually(reaches, 30_000, 'client admitted by allow-all again');
    for (const e of envoys) expect(e.proc.exitCode, e.output()).toBeNull();
  });

  it('PERMISSIVE: a mesh client without permission is refused, a plaintext client is admitted whatever the policies', async () => {
    await send('PUT', api('/meshes/default'), mesh('PERMISSIVE'));
    await eventually(async () => (await directStatus()) === 200, 30_000, 'plaintext admitted in PERMISSIVE');
    await send('DELETE', permissionUrl('allow-all-default'));
    // The client's outbound still speaks mTLS (backend is TLS ready), so RBAC applies to it only.
    await eventually(refused, 30_000, 'the mesh client refused in PERMISSIVE without a policy');
    expect(await directStatus()).toBe(200);
    await putPermission('allow-all-default', ALLOW_ALL, '*');
    await eventually(reaches, 30_000, 'traffic restored by allow-all-default');
    for (const e of envoys) expect(e.proc.exitCode, e.output()).toBeNull();
  });
});
