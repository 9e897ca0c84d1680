// End to end with real Envoys and real traffic (docs/mesh-mtls.md §2.4, §4, §1.6): an application calls
// its sidecar's outbound, which speaks mesh mTLS to the backend's sidecar, which hands the request
// to the backend application with the caller's SPIFFE ID in x-forwarded-client-cert. In STRICT a
// plaintext client dialling the backend's inbound directly is refused; in PERMISSIVE it is served;
// with mTLS off traffic keeps flowing in plaintext. Nothing is restarted between the steps.
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ControlPlane } from '../../src/runtime/control-plane.js';
import { httpBackend, type Backend } from '../support/backends.js';
import { putResource, runDataplane, startTestControlPlane, tearDown } from '../support/mesh-proxies.js';
import { eventually, freePort, request, type Running } from '../support/processes.js';

describe('sidecars in an mTLS mesh, with real Envoys', () => {
  let cp: ControlPlane;
  let backend: Backend;
  const envoys: Running[] = [];
  let dir = '';
  let outboundPort = 0;
  let delegatedOutboundPort = 0;
  let backendInboundPort = 0;
  const api = (p: string) => `http://127.0.0.1:${cp.apiPort}${p}`;

  const put = (doc: Record<string, unknown>) => putResource(cp, doc);
  const mesh = (enabledBackend: string, mode = 'STRICT') => ({ type: 'Mesh', name: 'default', mtls: { enabledBackend, backends: [{ name: 'ca-1', type: 'builtin', mode }] } });

  /** Starts a Dataplane's Envoy through `portico dp run`. */
  async function runSidecar(name: string, networking: Record<string, unknown>): Promise<void> {
    envoys.push((await runDataplane(cp, dir, { type: 'Dataplane', mesh: 'default', name, networking })).process);
  }

  const viaOutbound = (headers: Record<string, string> = {}) => request(`http://127.0.0.1:${outboundPort}/hello`, { headers });
  const direct = () => request(`http://127.0.0.1:${backendInboundPort}/direct`).catch((err: Error) => ({ status: 0, body: err.message, headers: {} }));

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'portico-sidecars-'));
    cp = await startTestControlPlane();
    await put(mesh('ca-1'));
    backend = await httpBackend('backend');
    backendInboundPort = await freePort();
    outboundPort = await freePort();
    await runSidecar('backend-1', {
      address: '127.0.0.1',
      inbound: [{ port: backendInboundPort, servicePort: backend.port, serviceAddress: '127.0.0.1', tags: { 'kuma.io/service': 'backend', 'kuma.io/protocol': 'http' } }],
    });
    await runSidecar('client-1', {
      address: '127.0.0.1',
      inbound: [{ port: await freePort(), servicePort: await freePort(), serviceAddress: '127.0.0.1', tags: { 'kuma.io/service': 'client', version: 'v1' } }],
      outbound: [{ port: outboundPort, tags: { 'kuma.io/service': 'backend' } }],
    });
    // A delegated gateway (docs/mesh-mtls.md §7): the proxy beside Kong gets only the outbound side.
    delegatedOutboundPort = await freePort();
    await runSidecar('kong-1', {
      address: '127.0.0.1',
      gateway: { type: 'DELEGATED', tags: { 'kuma.io/service': 'kong' } },
      outbound: [{ port: delegatedOutboundPort, tags: { 'kuma.io/service': 'backend' } }],
    });
    await eventually(async () => (await viaOutbound().catch(() => ({ status: 0 }))).status === 200, 60_000, 'traffic from client to backend');
  }, 120_000);

  afterAll(() => tearDown(envoys, [backend], cp, dir));

  it("STRICT: the backend sees the caller's SPIFFE ID in x-forwarded-client-cert, never a forged one", async () => {
    const res = await viaOutbound({ 'x-forwarded-client-cert': 'URI=spiffe://default/admin' });
    expect(res.status).toBe(200);
    const xfcc = String(backend.seen.at(-1)?.headers['x-forwarded-client-cert']);
    expect(xfcc).toMatch(/URI=spiffe:\/\/default\/client(;|$)/);
    expect(xfcc).not.toContain('spiffe://default/admin');
    // The issuance is visible where Kuma shows it: the Dataplane's insight.
    const insight = (await (await fetch(api('/meshes/default/dataplanes+insights/backend-1'))).json()) as { dataplaneInsight: { mTLS?: { issuedBackend: string; certificateRegenerations: number } } };
    expect(insight.dataplaneInsight.mTLS).toMatchObject({ issuedBackend: 'ca-1' });
    expect(insight.dataplaneInsight.mTLS?.certificateRegenerations).toBeGreaterThanOrEqual(1);
    // The proxy's own key never leaves through the REST API: the xDS dump redacts it.
    const dump = await (await fetch(api('/meshes/default/dataplanes/backend-1/xds'))).text();
    expect(dump).toContain('identity_cert:secret:default');
    expect(dump).toContain('[redacted]');
    expect(dump).not.toContain('PRIVATE KEY');
    // x-kuma-tags (the caller's tags, for routing) is removed before the application.
    expect(backend.seen.at(-1)?.headers['x-kuma-tags']).toBeUndefined();
  });

  it('a delegated gateway: a plain HTTP client standing in for Kong reaches the backend through its proxy, with its identity', async () => {
    let res = { status: 0, body: '' };
    await eventually(async () => (res = await request(`http://127.0.0.1:${delegatedOutboundPort}/from-kong`).catch(() => ({ status: 0, body: '' }))).status === 200, 30_000, 'traffic from the delegated gateway');
    expect(JSON.parse(res.body)).toMatchObject({ name: 'backend', path: '/from-kong' });
    expect(String(backend.seen.at(-1)?.headers['x-forwarded-client-cert'])).toMatch(/URI=spiffe:\/\/default\/kong(;|$)/);
  });

  it('STRICT: a plaintext client dialling the inbound directly is refused', async () => {
    const before = backend.seen.length;
    expect((await direct()).status).not.toBe(200);
    expect(backend.seen.length).toBe(before);
  });

  it('PERMISSIVE serves the plaintext client too; with mTLS off traffic keeps flowing', async () => {
    await put(mesh('ca-1', 'PERMISSIVE'));
    await eventually(async () => (await direct()).status === 200, 30_000, 'plaintext admitted in PERMISSIVE');
    expect((await viaOutbound()).status).toBe(200);
    await put(mesh(''));
    await eventually(async () => {
      const res = await viaOutbound().catch(() => ({ status: 0 }));
      return res.status === 200 && backend.seen.at(-1)?.headers['x-forwarded-client-cert'] === undefined;
    }, 30_000, 'plaintext traffic with mTLS off');
    expect((await direct()).status).toBe(200);
  });
});
