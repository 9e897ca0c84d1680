// The admission server over real HTTPS on 127.0.0.1:0, with the test CA (testdata/, made by
// generate.sh) trusted by the client: AdmissionReview in, AdmissionReview out, denials with every
// violation (docs/gateway.md §4), the global-mode rule (§4.5), and the body limits.
import { readFileSync } from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import { Writable } from 'node:stream';
import type { TLSSocket } from 'node:tls';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAdmissionServer, type AdmissionServer } from './admission-server.js';
import type { ControlPlaneMode } from './admit.js';
import {
  admissionReview,
  dataplane,
  KINDS,
  meshGateway,
  meshGatewayInstance,
  meshGatewayRoute,
  secret,
  VALID_GATEWAY_SPEC,
} from './testdata/admission-reviews.js';

const TESTDATA = path.join(import.meta.dirname, 'testdata');
const read = (name: string): string => readFileSync(path.join(TESTDATA, name), 'utf8');
const CA = read('ca.cert.pem');
const TLS_A = { cert: read('server-a.cert.pem'), key: read('server-a.key.pem') };
const TLS_B = { cert: read('server-b.cert.pem'), key: read('server-b.key.pem') };

interface Reply {
  readonly status: number;
  readonly body: string;
  readonly peerCommonName: string;
}

/** One HTTPS request trusting only the test CA; a fresh connection each time. */
function request(port: number, options: { method?: string; path?: string; headers?: Record<string, string | number>; chunks?: (string | Buffer)[] }): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = https.request(
      { host: '127.0.0.1', port, method: options.method ?? 'POST', path: options.path ?? '/validate', headers: options.headers, ca: CA, agent: false },
      (res) => {
        const peerCommonName = String((res.socket as TLSSocket).getPeerCertificate().subject.CN);
        const parts: Buffer[] = [];
        res.on('data', (c: Buffer) => parts.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(parts).toString('utf8'), peerCommonName }));
      },
    );
    req.on('error', reject);
    for (const chunk of options.chunks ?? []) req.write(chunk);
    req.end();
  });
}

/** POST an AdmissionReview and return the parsed `response`. */
async function send(port: number, review: unknown): Promise<{ status: number; review: { apiVersion: string; kind: string; response: Record<string, unknown> } }> {
  const body = JSON.stringify(review);
  const reply = await request(port, { headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }, chunks: [body] });
  return { status: reply.status, review: JSON.parse(reply.body) };
}

/** Every log line the server writes, for checks on what it must never log. */
const logLines: string[] = [];
const logger = pino(
  { level: 'debug' },
  new Writable({
    write(chunk: Buffer, _enc, done) {
      logLines.push(chunk.toString('utf8'));
      done();
    },
  }),
);

async function start(mode: ControlPlaneMode): Promise<AdmissionServer> {
  return startAdmissionServer({ host: '127.0.0.1', port: 0, tls: TLS_A, mode, logger });
}

describe('admission server (zone)', () => {
  let server: AdmissionServer;
  beforeAll(async () => {
    server = await start('zone');
  });
  afterAll(async () => {
    await server.close();
  });

  it('allows a valid MeshGateway and echoes the uid', async () => {
    const res = await send(server.port, admissionReview(KINDS.meshGateway, meshGateway(), { uid: 'uid-valid-1' }));
    expect(res.status).toBe(200);
    expect(res.review).toEqual({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', response: { uid: 'uid-valid-1', allowed: true } });
  });

  it('allows an update of a valid MeshGateway carrying the status the controller wrote', async () => {
    const status = { conditions: [{ type: 'Accepted', status: 'True', reason: 'Accepted', message: '', lastTransitionTime: '2025-03-01T10:00:01Z' }] };
    const res = await send(server.port, admissionReview(KINDS.meshGateway, meshGateway(VALID_GATEWAY_SPEC, { status }), { operation: 'UPDATE' }));
    expect(res.review.response).toMatchObject({ allowed: true });
  });

  it('denies an invalid MeshGateway with every violation, its path and exact message', async () => {
    const spec = {
      selectors: [],
      tags: { 'kuma.io/zone': 'east' },
      conf: {
        listeners: [
          { port: 0, protocol: 'HTTP', tags: { 'kuma.io/service': 'x' } },
          { port: 443, protocol: 'HTTPS', hostname: 'Bad_Host' },
        ],
      },
    };
    const res = await send(server.port, admissionReview(KINDS.meshGateway, meshGateway(spec), { uid: 'uid-invalid-2' }));
    const causes = [
      { field: 'selectors', message: 'must have at least one element' },
      { field: 'tags["kuma.io/zone"]', message: 'tag name must not be "kuma.io/zone"' },
      { field: 'conf.listeners[0].port', message: 'port must be in the range [1, 65535]' },
      { field: 'conf.listeners[0].tags["kuma.io/service"]', message: 'tag name must not be "kuma.io/service"' },
      { field: 'conf.listeners[1].hostname', message: 'invalid hostname' },
      { field: 'conf.listeners[1].tls', message: 'cannot be empty' },
    ];
    expect(res.status).toBe(200);
    expect(res.review.response['uid']).toBe('uid-invalid-2');
    expect(res.review.response['allowed']).toBe(false);
    const status = res.review.response['status'] as { message: string; details: { causes: { field: string; message: string }[] } };
    expect(status).toMatchObject({ status: 'Failure', code: 422, reason: 'Invalid', details: { name: 'edge', group: 'kuma.io', kind: 'MeshGateway' } });
    expect([...status.details.causes].sort(byField)).toEqual(causes.map((c) => ({ type: 'FieldValueInvalid', ...c })).sort(byField));
    expect(status.message.split('; ').sort()).toEqual(causes.map((c) => `${c.field}: ${c.message}`).sort());
  });

  it('denies MeshGatewayRoute violations', async () => {
    const spec = {
      selectors: [{ match: { 'kuma.io/service': 'edge-gateway_ingress_svc' } }],
      conf: {
        http: {
          rules: [
            { matches: [{ path: { match: 'PREFIX', value: 'shop' } }], backends: [{ destination: { 'kuma.io/service': 'shop' } }] },
            { matches: [{ path: { match: 'EXACT', value: '/' } }], filters: [{ redirect: { scheme: 'https', status_code: 304 } }] },
          ],
        },
      },
    };
    const res = await send(server.port, admissionReview(KINDS.meshGatewayRoute, meshGatewayRoute(spec)));
    expect(res.review.response['allowed']).toBe(false);
    expect(res.review.response['status']).toMatchObject({
      message: 'conf.http.rules[0].matches[0].value: must be an absolute path; conf.http.rules[1].filters[0].redirect.status_code: must be one of 301, 302, 303, 307 or 308',
    });
  });

  it('denies a builtin gateway Dataplane with inbounds and a non-tcp protocol tag', async () => {
    const spec = {
      networking: {
        address: '10.0.0.12',
        gateway: { type: 'BUILTIN', tags: { 'kuma.io/service': 'edge', 'kuma.io/protocol': 'http' } },
        inbound: [{ port: 8080, tags: { 'kuma.io/service': 'web' } }],
      },
    };
    const res = await send(server.port, admissionReview(KINDS.dataplane, dataplane(spec), { namespace: 'ingress' }));
    const status = res.review.response['status'] as { message: string };
    expect(status.message.split('; ').sort()).toEqual([
      'networking.gateway.tags["kuma.io/protocol"]: other values than tcp are not allowed, provided value "http"',
      'networking.inbound: inbound cannot be defined for builtin gateways',
    ]);
  });

  it('denies a MeshGatewayInstance whose tags define kuma.io/service', async () => {
    const res = await send(server.port, admissionReview(KINDS.meshGatewayInstance, meshGatewayInstance({ replicas: 2, tags: { 'kuma.io/service': 'mine', team: 'a' } }), { namespace: 'ingress' }));
    expect(res.review.response).toMatchObject({
      allowed: false,
      status: { code: 422, message: 'tags: "kuma.io/service" must not be defined', details: { causes: [{ type: 'FieldValueInvalid', field: 'tags', message: '"kuma.io/service" must not be defined' }] } },
    });
  });

  it('allows DELETE of anything, and kinds that are not Portico\'s', async () => {
    const deleted = await send(server.port, admissionReview(KINDS.meshGateway, meshGateway({ selectors: [] }), { operation: 'DELETE', uid: 'uid-del' }));
    expect(deleted.review.response).toEqual({ uid: 'uid-del', allowed: true });
    const configMap = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', namespace: 'default' }, data: { a: 'b' } };
    const unknown = await send(server.port, admissionReview(KINDS.configMap, configMap, { uid: 'uid-cm' }));
    expect(unknown.review.response).toEqual({ uid: 'uid-cm', allowed: true });
  });

  it('validates mesh Secrets without ever logging their contents', async () => {
    const marker = 'do-not-log-this-secret-value';
    logLines.length = 0;
    const res = await send(server.port, admissionReview(KINDS.secret, secret('system.kuma.io/secret', `-----BEGIN FOO-----\n${marker}\n-----END FOO-----\n`), { namespace: 'kuma-system' }));
    expect(res.review.response['allowed']).toBe(true);
    const other = await send(server.port, admissionReview(KINDS.secret, secret('kubernetes.io/tls', marker), { namespace: 'kuma-system' }));
    expect(other.review.response['allowed']).toBe(true);
    expect(logLines.length).toBeGreaterThan(0);
    const encoded = Buffer.from(marker).toString('base64').slice(0, 20);
    expect(logLines.join('')).not.toContain(marker);
    expect(logLines.join('')).not.toContain(encoded);
  });

  it('answers 400 to malformed JSON and to a body that is not an AdmissionReview', async () => {
    const malformed = await request(server.port, { headers: { 'content-type': 'application/json' }, chunks: ['{"apiVersion": "admission.k8s.io/v1", '] });
    expect(malformed.status).toBe(400);
    expect(JSON.parse(malformed.body)).toEqual({ message: 'request body is not valid JSON' });
    const notReview = await send(server.port, { apiVersion: 'admission.k8s.io/v1beta1', kind: 'AdmissionReview', request: {} });
    expect(notReview.status).toBe(400);
  });

  it('answers 413 to a declared oversized body and to a chunked one once it passes 3 MiB', async () => {
    const limit = 3 * 1024 * 1024;
    const declared = await request(server.port, { headers: { 'content-type': 'application/json', 'content-length': limit + 1 }, chunks: [Buffer.alloc(limit + 1, 32)] });
    expect(declared.status).toBe(413);
    const chunks = Array.from({ length: 4 }, () => Buffer.alloc(1024 * 1024, 32));
    const chunked = await request(server.port, { headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' }, chunks });
    expect(chunked.status).toBe(413);
  });

  it('answers 400 naming the limit to a review nested deeper than 64 levels, before parsing it', async () => {
    const deep = `{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}}`;
    const res = await request(server.port, { headers: { 'content-type': 'application/json' }, chunks: [deep] });
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body)).toEqual({ message: 'request body is not accepted: nesting deeper than 64 levels at line 1, column 387' });
  });

  it('answers 404 on other paths and 405 on other methods', async () => {
    expect((await request(server.port, { path: '/validate-v1-secret' })).status).toBe(404);
    expect((await request(server.port, { method: 'GET' })).status).toBe(405);
  });
});

describe('admission server (global)', () => {
  let server: AdmissionServer;
  beforeAll(async () => {
    server = await start('global');
  });
  afterAll(async () => {
    await server.close();
  });

  it('denies creating a MeshGatewayInstance with Kuma\'s exact message', async () => {
    const res = await send(server.port, admissionReview(KINDS.meshGatewayInstance, meshGatewayInstance({ replicas: 1 }), { namespace: 'ingress', uid: 'uid-global' }));
    expect(res.review.response).toEqual({
      uid: 'uid-global',
      allowed: false,
      status: {
        metadata: {},
        status: 'Failure',
        code: 403,
        reason: 'Forbidden',
        message: "Operation not allowed. Kuma resources like MeshGatewayInstance can be created only from the 'zone' control plane and not from a 'global' control plane.",
        details: { name: 'edge-gateway', group: 'kuma.io', kind: 'MeshGatewayInstance', causes: [] },
      },
    });
  });

  it('presents a reloaded certificate to new connections', async () => {
    expect((await request(server.port, { path: '/' })).peerCommonName).toBe('server-a');
    server.reloadTls(TLS_B);
    expect((await request(server.port, { path: '/' })).peerCommonName).toBe('server-b');
  });
});

function byField(a: { field: string; message: string }, b: { field: string; message: string }): number {
  return `${a.field} ${a.message}` < `${b.field} ${b.message}` ? -1 : 1;
}

describe('admission server with store-aware checks', () => {
  it('denies an object the checks find violations in, with their paths, and allows it otherwise', async () => {
    const seen: string[] = [];
    const server = await startAdmissionServer({
      host: '127.0.0.1',
      port: 0,
      tls: TLS_A,
      mode: 'zone',
      logger,
      checks: async (input) => {
        seen.push(`${input.kind}/${input.mesh}/${input.name}`);
        return input.kind === 'Mesh' ? [{ field: 'mtls.backends[0].conf.cert', message: 'not a valid TLS key pair: the private key does not match the certificate' }] : [];
      },
    });
    try {
      const mesh = { apiVersion: 'kuma.io/v1alpha1', kind: 'Mesh', metadata: { name: 'default' }, spec: {} };
      const denied = await send(server.port, admissionReview(KINDS.mesh, mesh));
      expect(denied.review.response).toMatchObject({
        allowed: false,
        status: { code: 422, message: 'mtls.backends[0].conf.cert: not a valid TLS key pair: the private key does not match the certificate' },
      });
      const allowed = await send(server.port, admissionReview(KINDS.meshGateway, meshGateway()));
      expect(allowed.review.response).toMatchObject({ allowed: true });
      expect(seen).toEqual(['Mesh/default/default', 'MeshGateway/default/edge']);
    } finally {
      await server.close();
    }
  });
});
