// The dataplane port over TLS (docs/tls.md; docs/robustness.md §4.2 row 32 and S6): ALPN routes h2 to
// gRPC and http/1.1 to /bootstrap, a client without ALPN is classified by the HTTP/2 preface, a
// plaintext client is refused and counted without harming anyone else, and a new certificate is
// served to new connections while open streams stay up.
import type http from 'node:http';
import http2 from 'node:http2';
import net from 'node:net';
import tls from 'node:tls';
import { X509Certificate } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { startAdsHarness, type AdsHarness } from '../support/ads-harness.js';
import { DEFAULT_SHAPE, gatewayInput } from '../support/ads-fixtures.js';
import { httpCall } from '../support/https-request.js';
import { generateTestTls } from '../support/tls-fixtures.js';
import { buildSnapshot } from '../../src/xds/cache/snapshot.js';
import { TypeUrl } from '../../src/xds/cache/resource-types.js';

let h: AdsHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const TWO_CLUSTERS = { ...DEFAULT_SHAPE, clusters: { a: [9001], b: [9002] } };
// grpc-js answers an unknown method at once (UNIMPLEMENTED): proof that grpc-js got the connection.
const UNKNOWN_GRPC_PATH = '/portico.test.Nothing/Call';

/** A TLS connection verified by `ca`, offering `alpn` (none when empty); resolves once handshaken. */
function connectTls(port: number, ca: string, alpn: string[]): Promise<tls.TLSSocket> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host: '127.0.0.1', servername: '', port, ca, ...(alpn.length ? { ALPNProtocols: alpn } : {}) }, () => resolve(socket));
    socket.once('error', reject);
  });
}

/** Calls a gRPC method over an h2 session on `socket`; resolves with the response headers. */
function grpcHeaders(socket: tls.TLSSocket): Promise<http2.IncomingHttpHeaders> {
  const session = http2.connect('https://127.0.0.1', { createConnection: () => socket });
  return new Promise((resolve, reject) => {
    const stream = session.request({ ':method': 'POST', ':path': UNKNOWN_GRPC_PATH, 'content-type': 'application/grpc', te: 'trailers' });
    stream.once('response', (headers) => {
      resolve(headers);
      session.destroy();
    });
    stream.once('error', reject);
    session.once('error', reject);
  });
}

/** Writes `bytes` on a plain TCP connection; resolves with whatever comes back until it closes. */
function plaintextExchange(port: number, bytes: string): Promise<string> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.write(bytes));
    let received = '';
    socket.on('data', (d) => (received += d.toString('latin1')));
    socket.on('error', () => undefined);
    socket.on('close', () => resolve(received));
  });
}

/** Marks which server answered: this one is the HTTP/1.1 (bootstrap) side. */
const http1Handler: http.RequestListener = (req, res) => {
  res.writeHead(200, { 'content-type': 'text/plain' }).end(`http1 ${req.method} ${req.url}`);
};

async function started(): Promise<AdsHarness> {
  h = await startAdsHarness({ bootstrapHandler: http1Handler });
  h.cache.set('default.gw-1', buildSnapshot(gatewayInput()));
  return h;
}

describe('dataplane port over TLS', () => {
  it('negotiates TLS 1.2 or later and ALPN h2 for gRPC and http/1.1 for /bootstrap on the same port', async () => {
    const { port, caPem } = await started();
    const h2 = await connectTls(port.port, caPem!, ['h2', 'http/1.1']);
    expect(h2.alpnProtocol).toBe('h2');
    expect(['TLSv1.2', 'TLSv1.3']).toContain(h2.getProtocol());
    expect(String(h2.getPeerCertificate().subjectaltname)).toContain('IP Address:127.0.0.1');
    expect((await grpcHeaders(h2))['grpc-status']).toBe('12');

    const h1 = await connectTls(port.port, caPem!, ['http/1.1']);
    expect(h1.alpnProtocol).toBe('http/1.1');
    h1.destroy();
    expect((await httpCall(`${h!.baseUrl}/bootstrap`, { ca: caPem })).body).toBe('http1 GET /bootstrap');
  });

  it('classifies a client that offers no ALPN by the HTTP/2 preface (Kuma bootstraps set none)', async () => {
    const { port, caPem } = await started();
    const h2 = await connectTls(port.port, caPem!, []);
    expect(h2.alpnProtocol).toBe(false);
    expect((await grpcHeaders(h2))['grpc-status']).toBe('12');
    // node:https offers no ALPN either: the non-preface bytes go to the HTTP/1.1 server.
    expect((await httpCall(`${h!.baseUrl}/other`, { ca: caPem })).body).toBe('http1 GET /other');
  });

  it('refuses plaintext HTTP/1.1 and HTTP/2 with a handshake failure, counts them, and keeps serving', async () => {
    const { port } = await started();
    const client = h!.connect('default.gw-1', 'delta');
    client.subscribe(TypeUrl.Cluster);
    await client.waitFor(TypeUrl.Cluster);
    expect(port.tlsHandshakeFailures).toBe(0);

    const http1 = await plaintextExchange(port.port, 'POST /bootstrap HTTP/1.1\r\nHost: x\r\ncontent-length: 2\r\n\r\n{}');
    const preface = await plaintextExchange(port.port, 'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n');
    expect(http1).not.toContain('HTTP/1.1');
    expect(preface).not.toContain('HTTP/1.1');
    expect(port.tlsHandshakeFailures).toBe(2);

    // The TLS stream opened before is untouched and new TLS clients are served.
    h!.cache.set('default.gw-1', buildSnapshot(gatewayInput(TWO_CLUSTERS)));
    expect([...(await client.waitForHeld(TypeUrl.Cluster, (held) => held.size === 2)).keys()]).toEqual(['a', 'b']);
    const second = h!.connect('default.gw-1', 'sotw');
    second.subscribe(TypeUrl.Cluster);
    expect((await second.waitFor(TypeUrl.Cluster)).resources.map((r) => r.name)).toEqual(['a', 'b']);
  });

  it('serves a replaced certificate to new connections while an open ADS stream stays up', async () => {
    const { port, caPem } = await started();
    const client = h!.connect('default.gw-1', 'delta');
    client.subscribe(TypeUrl.Cluster);
    await client.waitFor(TypeUrl.Cluster);
    const before = await connectTls(port.port, caPem!, ['h2']);
    const oldSerial = before.getPeerCertificate().serialNumber;
    before.destroy();

    const next = await generateTestTls();
    port.setCertificate(next.serving);
    const after = await connectTls(port.port, next.caPem, ['h2']);
    const newSerial = after.getPeerCertificate().serialNumber;
    after.destroy();
    expect(newSerial).toBe(new X509Certificate(next.serving.cert).serialNumber);
    expect(newSerial).not.toBe(oldSerial);

    h!.cache.set('default.gw-1', buildSnapshot(gatewayInput(TWO_CLUSTERS)));
    await client.waitForHeld(TypeUrl.Cluster, (held) => held.has('b'));
    expect(client.status).toBeUndefined();
  });

  it('serves plaintext only when asked to', async () => {
    h = await startAdsHarness({ plaintext: true });
    expect(h.port.tls).toBe(false);
    expect(h.baseUrl).toBe(`http://${h.address}`);
    h.cache.set('default.gw-1', buildSnapshot(gatewayInput()));
    const client = h.connect('default.gw-1', 'sotw');
    client.subscribe(TypeUrl.Cluster);
    expect((await client.waitFor(TypeUrl.Cluster)).resources.map((r) => r.name)).toEqual(['a']);
  });
});
