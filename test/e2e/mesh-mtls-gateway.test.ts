// End to end with the real Envoy: a builtin gateway in a STRICT mTLS mesh (docs/mesh-mtls.md §6,
// docs/gateway.md §2.15, §2.17). The backends are TLS servers standing in for mesh sidecars: they require a client
// certificate from the mesh CA and answer with the caller's certificate URIs. The gateway reaches
// a backend with its own SPIFFE identity, refuses a backend presenting another service's identity,
// and its cross-mesh listener serves a client of another mTLS mesh while refusing one without a
// mesh certificate. The control plane runs in-process, with its builtin CAs made on Mesh writes.
import { createPrivateKey } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBuiltinCa, issueWorkloadCertificate, type CaMaterial } from '../../src/ca/mesh-ca.js';
import type { ControlPlane } from '../../src/runtime/control-plane.js';
import { putResource, runDataplane, startTestControlPlane } from '../support/mesh-proxies.js';
import { eventually, freePort, request, type Running } from '../support/processes.js';

const DAY = 86_400_000;

/** A mesh CA as the control plane stored it. */
async function meshCa(cp: ControlPlane, mesh: string): Promise<CaMaterial & { keyPem: string }> {
  const read = async (name: string) => Buffer.from((await cp.store.get({ kind: 'Secret', mesh, name }))!.spec.data, 'base64').toString();
  const keyPem = await read(`${mesh}.ca-builtin-key-ca-1`);
  return { certPem: await read(`${mesh}.ca-builtin-cert-ca-1`), key: createPrivateKey(keyPem), keyPem };
}

/** A TLS server in the mesh: requires a mesh client certificate, answers with the caller's URIs. */
async function meshBackend(ca: CaMaterial, uris: string[]): Promise<{ port: number; close(): Promise<void> }> {
  const cert = await issueWorkloadCertificate(ca, uris, { lifetimeMs: DAY, now: new Date() });
  const server = https.createServer({ key: cert.keyPem, cert: cert.certPem, ca: ca.certPem, requestCert: true, rejectUnauthorized: true, ALPNProtocols: ['kuma', 'http/1.1'] }, (req, res) => {
    const socket = req.socket as import('node:tls').TLSSocket;
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ peer: socket.getPeerCertificate().subjectaltname, alpn: socket.alpnProtocol }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as AddressInfo).port, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/** An HTTPS request over mesh mTLS (ALPN kuma) to the cross-mesh listener, with or without a client certificate. */
function crossMeshRequest(port: number, trust: string, client?: { certPem: string; keyPem: string }): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const options: https.RequestOptions & import('node:tls').ConnectionOptions = {
      host: '127.0.0.1',
      port,
      path: '/',
      ALPNProtocols: ['kuma'],
      servername: 'edge{mesh=default}',
      ca: trust,
      // The gateway proves a SPIFFE identity, not a host name.
      checkServerIdentity: () => undefined,
      ...(client ? { cert: client.certPem, key: client.keyPem } : {}),
      headers: { host: 'anything.example.com' },
    };
    const req = https.request(options, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('a builtin gateway in an mTLS mesh, with the real Envoy', () => {
  let cp: ControlPlane;
  let envoy: Running;
  let dir = '';
  let gatewayPort = 0;
  let crossMeshPort = 0;
  const backends: { close(): Promise<void> }[] = [];

  const put = (doc: Record<string, unknown>) => putResource(cp, doc);
  const mtlsMesh = (name: string) => ({ type: 'Mesh', name, mtls: { enabledBackend: 'ca-1', backends: [{ name: 'ca-1', type: 'builtin', mode: 'STRICT' }] } });
  const inbound = (name: string, service: string, port: number) => ({ type: 'Dataplane', mesh: 'default', name, networking: { address: '127.0.0.1', inbound: [{ port, tags: { 'kuma.io/service': service } }] } });
  const forward = (prefix: string, service: string) => ({ matches: [{ path: { match: 'PREFIX', value: prefix } }], backends: [{ destination: { 'kuma.io/service': service } }] });

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'portico-mtls-'));
    cp = await startTestControlPlane();
    await put(mtlsMesh('default'));
    await put(mtlsMesh('other'));
    const ca = await meshCa(cp, 'default');
    const web = await meshBackend(ca, ['spiffe://default/web']);
    const impostor = await meshBackend(ca, ['spiffe://default/not-payments']);
    backends.push(web, impostor);
    await put(inbound('web-1', 'web', web.port));
    await put(inbound('payments-1', 'payments', impostor.port));
    gatewayPort = await freePort();
    crossMeshPort = await freePort();
    await put({
      type: 'MeshGateway',
      mesh: 'default',
      name: 'edge',
      selectors: [{ match: { 'kuma.io/service': 'edge' } }],
      conf: { listeners: [{ port: gatewayPort, protocol: 'HTTP' }, { port: crossMeshPort, protocol: 'HTTP', crossMesh: true }] },
    });
    await put({ type: 'MeshGatewayRoute', mesh: 'default', name: 'web', selectors: [{ match: { 'kuma.io/service': 'edge' } }], conf: { http: { rules: [forward('/payments', 'payments'), forward('/', 'web')] } } });
    envoy = (await runDataplane(cp, dir, { type: 'Dataplane', mesh: 'default', name: 'gw-1', networking: { address: '127.0.0.1', gateway: { type: 'BUILTIN', tags: { 'kuma.io/service': 'edge' } } } })).process;
    await eventually(async () => (await request(`http://127.0.0.1:${gatewayPort}/`)).status === 200, 45_000, 'traffic through the gateway');
  }, 90_000);

  afterAll(async () => {
    await envoy?.stop();
    for (const b of backends) await b.close();
    await cp?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("reaches the backend over mesh mTLS with the gateway's own SPIFFE identity and ALPN kuma", async () => {
    const res = await request(`http://127.0.0.1:${gatewayPort}/hello`);
    expect(res.status).toBe(200);
    const seen = JSON.parse(res.body) as { peer: string; alpn: string };
    expect(seen.peer).toBe('URI:spiffe://default/edge, URI:kuma://kuma.io/service/edge');
    expect(seen.alpn).toBe('kuma');
  });

  it('refuses an upstream whose certificate names another service', async () => {
    const res = await request(`http://127.0.0.1:${gatewayPort}/payments`);
    expect(res.status).toBe(503);
  });

  it("serves another mTLS mesh's client on the cross-mesh listener and refuses a client without a mesh certificate", async () => {
    const defaultCa = await meshCa(cp, 'default');
    const otherCa = await meshCa(cp, 'other');
    const client = await issueWorkloadCertificate(otherCa, ['spiffe://other/client'], { lifetimeMs: DAY, now: new Date() });
    let served: { status: number; body: string } | undefined;
    await eventually(async () => {
      served = await crossMeshRequest(crossMeshPort, defaultCa.certPem, client).catch(() => undefined);
      return served?.status === 200;
    }, 20_000, 'a cross-mesh request served');
    expect((JSON.parse(served!.body) as { peer: string }).peer).toBe('URI:spiffe://default/edge, URI:kuma://kuma.io/service/edge');
    await expect(crossMeshRequest(crossMeshPort, defaultCa.certPem)).rejects.toThrow();
    // A certificate from a CA no mesh uses is refused as well.
    const foreign = await createBuiltinCa('nowhere', { rsaBits: 2048, lifetimeMs: DAY, now: new Date() });
    const stranger = await issueWorkloadCertificate({ certPem: foreign.certPem, key: createPrivateKey(foreign.keyPem) }, ['spiffe://nowhere/x'], { lifetimeMs: DAY, now: new Date() });
    await expect(crossMeshRequest(crossMeshPort, defaultCa.certPem, stranger)).rejects.toThrow();
  });
});
