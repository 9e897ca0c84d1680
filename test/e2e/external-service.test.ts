// ExternalService end to end with real Envoys and real traffic (docs/gateway.md §2.9, §2.15, §2.16;
// docs/mesh-mtls.md §9): a builtin gateway routes to a plain HTTP server outside the mesh (reached by DNS
// name, STRICT_DNS) and to a TLS server that Envoy dials with TLS origination: the SNI is the
// ExternalService's serverName and the server certificate is verified against its caCert, so the
// same server behind an ExternalService trusting another CA is refused. A sidecar's outbound
// reaches the plain server as well. The mesh has TrafficPermissions (allow-all-default comes with
// it), so a TrafficPermission for the ExternalService that admits neither the gateway nor the
// sidecar makes it unreachable for both (503: its service has no endpoints), and changing its
// sources restores it. Changing the Secret an ExternalService's caCert names, or the
// ExternalService itself, regenerates the gateway. Nothing is restarted.
import { constants } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { TLSSocket } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ControlPlane } from '../../src/runtime/control-plane.js';
import { httpBackend, type Backend } from '../support/backends.js';
import { putResource, runDataplane, startTestControlPlane, tearDown } from '../support/mesh-proxies.js';
import { eventually, freePort, request, type Running } from '../support/processes.js';
import { generateTestTls, testTls } from '../support/tls-fixtures.js';

/**
 * An HTTPS server outside the mesh that answers with the SNI it was dialled with. Sessions are
 * never resumed (TLS 1.2 without tickets; Node keeps no session cache of its own), so every
 * connection is a full handshake whose SNI the server sees.
 */
async function tlsServer(cert: string, key: string): Promise<{ port: number; requests: number; close(): Promise<void> }> {
  const state = { requests: 0 };
  const server = https.createServer({ cert, key, maxVersion: 'TLSv1.2', secureOptions: constants.SSL_OP_NO_TICKET }, (req, res) => {
    state.requests++;
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ sni: (req.socket as TLSSocket).servername, kumaTags: req.headers['x-kuma-tags'] ?? null }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    get requests() {
      return state.requests;
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

describe('ExternalService with real Envoys and real traffic', () => {
  let cp: ControlPlane;
  let plain: Backend;
  let secure: Awaited<ReturnType<typeof tlsServer>>;
  const envoys: Running[] = [];
  let dir = '';
  let gatewayPort = 0;
  let outboundPort = 0;
  let rightCa = '';

  const put = (doc: Record<string, unknown>) => putResource(cp, doc);
  /** An ExternalService for the TLS server, dialled by IP with SNI `localhost`, trusting `caCert`. */
  const secureEs = (name: string, caCert: Record<string, string>) => ({
    type: 'ExternalService',
    mesh: 'default',
    name,
    networking: { address: `127.0.0.1:${secure.port}`, tls: { enabled: true, serverName: 'localhost', caCert } },
    tags: { 'kuma.io/service': name, 'kuma.io/protocol': 'http' },
  });
  const caSecret = (pem: string) => ({ type: 'Secret', mesh: 'default', name: 'external-ca', data: Buffer.from(pem).toString('base64') });
  const forward = (prefix: string, service: string) => ({ matches: [{ path: { match: 'PREFIX', value: prefix } }], backends: [{ destination: { 'kuma.io/service': service } }] });
  const viaGateway = (p: string) => request(`http://127.0.0.1:${gatewayPort}${p}`).catch((err: Error) => ({ status: 0, body: err.message, headers: {} }));
  const viaOutbound = () => request(`http://127.0.0.1:${outboundPort}/from-sidecar`).catch((err: Error) => ({ status: 0, body: err.message, headers: {} }));
  const status = async (res: Promise<{ status: number }>) => (await res).status;
  /** A policy for the plain ExternalService whose only sources are `services`. */
  const plainPermission = (services: string[]) =>
    put({ type: 'TrafficPermission', mesh: 'default', name: 'plain-external', sources: services.map((s) => ({ match: { 'kuma.io/service': s } })), destinations: [{ match: { 'kuma.io/service': 'plain-external' } }] });

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'portico-external-service-'));
    cp = await startTestControlPlane();
    // Creating the Mesh creates allow-all-default with it (docs/mesh-mtls.md §5.5): TrafficPermissions exist.
    await put({ type: 'Mesh', name: 'default' });
    const tls = await testTls();
    const otherCa = await generateTestTls();
    plain = await httpBackend('plain-external');
    secure = await tlsServer(tls.serving.cert, tls.serving.key);
    await put({ type: 'ExternalService', mesh: 'default', name: 'plain-external', networking: { address: `localhost:${plain.port}` }, tags: { 'kuma.io/service': 'plain-external', 'kuma.io/protocol': 'http' } });
    rightCa = tls.caPem;
    await put(secureEs('secure-external', { inlineString: tls.caPem }));
    await put(secureEs('wrong-ca-external', { inlineString: otherCa.caPem }));
    // Its CA comes from a mesh Secret, which trusts the other CA at first.
    await put(caSecret(otherCa.caPem));
    await put(secureEs('secret-ca-external', { secret: 'external-ca' }));
    gatewayPort = await freePort();
    outboundPort = await freePort();
    await put({ type: 'MeshGateway', mesh: 'default', name: 'edge', selectors: [{ match: { 'kuma.io/service': 'edge' } }], conf: { listeners: [{ port: gatewayPort, protocol: 'HTTP' }] } });
    await put({
      type: 'MeshGatewayRoute',
      mesh: 'default',
      name: 'external',
      selectors: [{ match: { 'kuma.io/service': 'edge' } }],
      conf: { http: { rules: [forward('/plain', 'plain-external'), forward('/secure', 'secure-external'), forward('/wrong-ca', 'wrong-ca-external'), forward('/secret-ca', 'secret-ca-external')] } },
    });
    envoys.push((await runDataplane(cp, dir, { type: 'Dataplane', mesh: 'default', name: 'gw-1', networking: { address: '127.0.0.1', gateway: { type: 'BUILTIN', tags: { 'kuma.io/service': 'edge' } } } })).process);
    const client = {
      address: '127.0.0.1',
      inbound: [{ port: await freePort(), servicePort: await freePort(), serviceAddress: '127.0.0.1', tags: { 'kuma.io/service': 'client' } }],
      outbound: [{ port: outboundPort, tags: { 'kuma.io/service': 'plain-external' } }],
    };
    envoys.push((await runDataplane(cp, dir, { type: 'Dataplane', mesh: 'default', name: 'client-1', networking: client })).process);
    await eventually(async () => (await status(viaGateway('/plain'))) === 200, 60_000, 'the gateway reaching the plain external server');
    await eventually(async () => (await status(viaOutbound())) === 200, 60_000, 'the sidecar outbound reaching the plain external server');
  }, 150_000);

  afterAll(() => tearDown(envoys, [plain, secure], cp, dir));

  it('the gateway reaches a plain HTTP server by DNS name, without x-kuma-tags', async () => {
    const res = await viaGateway('/plain/hello');
    expect(res.status).toBe(200);
    const seen = JSON.parse(res.body) as { name: string; path: string; headers: Record<string, string> };
    expect(seen.name).toBe('plain-external');
    expect(seen.path).toBe('/plain/hello');
    expect(seen.headers['x-kuma-tags']).toBeUndefined();
  });

  it('the gateway originates TLS with the serverName as SNI and verifies the server against caCert', async () => {
    await eventually(async () => (await status(viaGateway('/secure'))) === 200, 30_000, 'the TLS external server');
    const res = await viaGateway('/secure/x');
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toEqual({ sni: 'localhost', kumaTags: null });
  });

  it('refuses the same TLS server behind an ExternalService trusting another CA', async () => {
    const before = secure.requests;
    const res = await viaGateway('/wrong-ca');
    expect(res.status).toBe(503);
    expect(res.body).toMatch(/upstream connect error|CERTIFICATE_VERIFY_FAILED|TLS error/i);
    expect(secure.requests).toBe(before);
  });

  it('a change of the Secret a caCert names, or of the ExternalService, takes effect', { timeout: 120_000 }, async () => {
    expect(await status(viaGateway('/secret-ca'))).toBe(503);
    await put(caSecret(rightCa));
    await eventually(async () => (await status(viaGateway('/secret-ca'))) === 200, 30_000, 'the Secret now holding the right CA');
    await put(secureEs('wrong-ca-external', { inlineString: rightCa }));
    await eventually(async () => (await status(viaGateway('/wrong-ca'))) === 200, 30_000, 'the ExternalService now trusting the right CA');
    await put(secureEs('wrong-ca-external', { inlineString: (await generateTestTls()).caPem }));
    await eventually(async () => (await status(viaGateway('/wrong-ca'))) === 503, 30_000, 'the ExternalService trusting another CA again');
  });

  it("a sidecar's outbound reaches the ExternalService", async () => {
    const res = await viaOutbound();
    expect(res.status).toBe(200);
    const seen = JSON.parse(res.body) as { name: string; path: string };
    expect(seen).toMatchObject({ name: 'plain-external', path: '/from-sidecar' });
  });

  it('a TrafficPermission that admits neither the gateway nor the sidecar makes the ExternalService unreachable; changing it restores it', { timeout: 150_000 }, async () => {
    // Exact beats allow-all (docs/mesh-mtls.md §5.2): this becomes the ExternalService's one policy.
    await plainPermission(['billing']);
    await eventually(async () => (await status(viaGateway('/plain'))) === 503 && (await status(viaOutbound())) === 503, 30_000, 'the ExternalService unreachable for both');
    const served = plain.seen.length;
    const denied = await viaGateway('/plain/denied');
    expect(denied.status).toBe(503);
    expect(denied.body).toMatch(/no healthy upstream/);
    expect(await status(viaOutbound())).toBe(503);
    expect(plain.seen.length).toBe(served);
    // The other ExternalServices keep allow-all-default.
    expect(await status(viaGateway('/secure'))).toBe(200);

    await plainPermission(['billing', 'edge']);
    await eventually(async () => (await status(viaGateway('/plain'))) === 200, 30_000, 'the gateway admitted again');
    expect(await status(viaOutbound())).toBe(503);
    await plainPermission(['billing', 'edge', 'client']);
    await eventually(async () => (await status(viaOutbound())) === 200, 30_000, 'the sidecar admitted again');
    for (const e of envoys) expect(e.proc.exitCode, e.output()).toBeNull();
  });
});
