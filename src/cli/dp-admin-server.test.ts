// The proxy's admin server on one port: plaintext answers GET /ready only; TLS admits the control
// plane's admin client certificate (signed by the control plane's CA) to /ready, /stats and
// /clusters, with only their read-only query parameters passed on to Envoy's loopback admin.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net, { type AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureControlPlaneCertificates, issueAdminClientCertificate } from '../ca/control-plane-certificates.js';
import { dataplaneAddress } from './dp-run.js';
import { startAdminServer, type AdminServer } from './dp-admin-server.js';

let dir: string;
let caPem: string;
let client: { certPem: string; keyPem: string };
let admin: http.Server;
let port: number;
let server: AdminServer;
const seen: string[] = [];

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'portico-admin-server-'));
  await ensureControlPlaneCertificates({ dir, subjectAltNames: { dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'] }, logger: pino({ level: 'silent' }) });
  caPem = readFileSync(path.join(dir, 'ca.crt'), 'utf8');
  client = (await issueAdminClientCertificate(dir))!;
  // Envoy's admin on 127.0.0.1:<port>; the admin server takes the same port on 127.0.0.2.
  admin = http.createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    res.writeHead(req.url === '/ready' ? 200 : 200, { 'content-type': 'text/plain' }).end(req.url === '/ready' ? 'LIVE\n' : `admin ${req.url}\n`);
  });
  await new Promise<void>((r) => admin.listen(0, '127.0.0.1', () => r()));
  port = (admin.address() as AddressInfo).port;
  server = await startAdminServer({ address: '127.0.0.2', adminPort: port, controlPlaneCa: caPem });
}, 60_000);

afterAll(async () => {
  await server?.close();
  admin?.close();
  rmSync(dir, { recursive: true, force: true });
});

function tlsGet(pathname: string, identity?: { certPem: string; keyPem: string }): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = https.get(
      { host: '127.0.0.2', port, path: pathname, rejectUnauthorized: false, ...(identity ? { cert: identity.certPem, key: identity.keyPem } : {}) },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('error', reject);
  });
}

describe('the proxy admin server', () => {
  it('answers plaintext GET /ready only', async () => {
    const ready = await fetch(`http://127.0.0.2:${port}/ready`);
    expect([ready.status, await ready.text()]).toEqual([200, 'LIVE\n']);
    expect((await fetch(`http://127.0.0.2:${port}/stats`)).status).toBe(404);
    expect((await fetch(`http://127.0.0.2:${port}/ready`, { method: 'POST' })).status).toBe(404);
  });

  it("serves /stats and /clusters over TLS to the control plane's admin client, with read-only parameters only", async () => {
    seen.length = 0;
    expect(await tlsGet('/stats?format=json&filter=server&quitquitquit=1', client)).toEqual({ status: 200, body: 'admin /stats?format=json&filter=server\n' });
    expect(await tlsGet('/clusters', client)).toEqual({ status: 200, body: 'admin /clusters\n' });
    expect((await tlsGet('/quitquitquit', client)).status).toBe(404);
    expect((await tlsGet('/config_dump', client)).status).toBe(404);
    expect(seen).toEqual(['GET /stats?format=json&filter=server', 'GET /clusters']);
  });

  it('refuses a client without a certificate, and a certificate of the CA issued to another name', async () => {
    await expect(tlsGet('/stats')).rejects.toThrow();
    const serving = { certPem: readFileSync(path.join(dir, 'server.crt'), 'utf8'), keyPem: readFileSync(path.join(dir, 'server.key'), 'utf8') };
    const other = await tlsGet('/stats', serving).catch(() => ({ status: 0, body: '' }));
    expect(other.status).not.toBe(200);
  });

  it('closes a connection that stays silent', async () => {
    const quiet = await startAdminServer({ address: '127.0.0.3', adminPort: port, idleTimeoutMs: 200 });
    try {
      const socket = net.connect({ host: '127.0.0.3', port });
      const closedAfter = await new Promise<number>((resolve) => {
        const started = Date.now();
        socket.on('error', () => undefined);
        socket.on('close', () => resolve(Date.now() - started));
      });
      expect(closedAfter).toBeGreaterThanOrEqual(150);
      expect(closedAfter).toBeLessThan(5_000);
    } finally {
      await quiet.close();
    }
  });

  it('reads the address to bind from the Dataplane file (an IP only)', () => {
    expect(dataplaneAddress('type: Dataplane\nmesh: default\nname: gw\nnetworking:\n  address: 10.0.0.7\n')).toBe('10.0.0.7');
    expect(dataplaneAddress('type: Dataplane\nnetworking:\n  address: gw.internal\n')).toBeUndefined();
    expect(dataplaneAddress(undefined)).toBeUndefined();
  });
});
