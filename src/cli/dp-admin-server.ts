// The proxy's admin server (docs/inspect.md, "Envoy admin views"). Envoy's admin API stays on
// 127.0.0.1: it can stop Envoy and change its state, so it must never face the network. This
// server takes the admin port on the proxy's own address and forwards a few read-only paths to it:
// - plaintext: `GET /ready` only, for kubelet probes (the gateway Deployment probes the admin port
//   on the pod IP, docs/gateway.md §3.2);
// - TLS, with a client certificate the control plane's CA signed for the control plane's admin
//   client: `GET /ready`, `/stats` and `/clusters`, which the control plane's inspect API reads.
// Both share the port, as Kuma's admin listener does: the first byte of a connection tells them
// apart (22 starts every TLS handshake; no HTTP method starts with it). The server's own
// certificate is self-signed and made at start: the control plane authenticates itself with its
// certificate, and the channel only needs encryption (the proxy holds no CA key to be issued one).
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import type { TLSSocket } from 'node:tls';
import { ADMIN_CLIENT_COMMON_NAME } from '../ca/admin-client-name.js';


/** Paths served over TLS to the control plane, with the query parameters passed on. */
const TLS_PATHS: Readonly<Record<string, readonly string[]>> = {
  '/ready': [],
  '/stats': ['format', 'filter', 'usedonly'],
  '/clusters': ['format'],
};

const TLS_HANDSHAKE = 0x16;
const UPSTREAM_TIMEOUT_MS = 5_000;
const IDLE_TIMEOUT_MS = 10_000;

/** Options of startAdminServer. */
export interface AdminServerOptions {
  /** The proxy's address (the pod IP, or the Dataplane's address); never 127.0.0.1, Envoy's. */
  readonly address: string;
  readonly adminPort: number;
  /** The control plane's CA (PEM); without it only the plaintext `/ready` is served. */
  readonly controlPlaneCa?: string;
  /** How long a connection may stay silent before it is closed (default 10 s). */
  readonly idleTimeoutMs?: number;
}

/** A running admin server. */
export interface AdminServer {
  close(): Promise<void>;
}

/** Listens on `address:adminPort`; resolves once bound, rejects when the port is taken. */
export async function startAdminServer(options: AdminServerOptions): Promise<AdminServer> {
  const secure = options.controlPlaneCa === undefined ? undefined : await tlsServer(options.adminPort, options.controlPlaneCa);
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    socket.once('error', () => socket.destroy());
    // A connection that sends nothing (or goes quiet) is closed rather than held open forever.
    socket.setTimeout(options.idleTimeoutMs ?? IDLE_TIMEOUT_MS, () => socket.destroy());
    socket.once('data', (first: Buffer) => {
      socket.pause();
      socket.unshift(first);
      if (first[0] !== TLS_HANDSHAKE) return answerPlaintext(socket, options.adminPort);
      if (secure === undefined) socket.destroy();
      else secure.emit('connection', socket);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.adminPort, options.address, () => resolve());
  });
  return {
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** The TLS side: the control plane's admin client only, read-only paths only. */
async function tlsServer(adminPort: number, controlPlaneCa: string): Promise<https.Server> {
  const { selfSignedServerCertificate } = await import('./dp-admin-certificate.js');
  const own = await selfSignedServerCertificate();
  return https.createServer({ key: own.keyPem, cert: own.certPem, ca: controlPlaneCa, requestCert: true, rejectUnauthorized: true }, (req, res) => {
    const peer = (req.socket as TLSSocket).getPeerCertificate();
    if (peer.subject?.CN !== ADMIN_CLIENT_COMMON_NAME) return void res.writeHead(403, { 'content-type': 'text/plain' }).end('only the control plane\'s admin client may read this\n');
    const url = new URL(req.url ?? '/', 'https://proxy');
    const allowed = TLS_PATHS[url.pathname];
    if (req.method !== 'GET' || allowed === undefined) return void res.writeHead(404).end();
    const query = new URLSearchParams([...url.searchParams].filter(([key]) => allowed.includes(key)));
    forward(adminPort, query.size > 0 ? `${url.pathname}?${query}` : url.pathname, res);
  });
}

/** Longest plaintext request head read; a probe's is a few dozen bytes. */
const MAX_PLAIN_HEAD = 8_192;

/**
 * The plaintext side, one request per connection: `GET /ready` forwarded, anything else 404.
 * Read by hand rather than by node:http, whose parser reads the socket's handle directly and
 * would miss the first bytes, already read to tell TLS from plaintext.
 */
function answerPlaintext(socket: net.Socket, adminPort: number): void {
  let head = '';
  const reply = (status: number, reason: string, body: string) => {
    socket.end(`HTTP/1.1 ${status} ${reason}\r\ncontent-type: text/plain\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`);
  };
  const onData = (chunk: Buffer) => {
    head += chunk.toString('latin1');
    if (!head.includes('\r\n\r\n')) {
      if (head.length > MAX_PLAIN_HEAD) {
        socket.off('data', onData);
        reply(431, 'Request Header Fields Too Large', '');
      }
      return;
    }
    socket.off('data', onData);
    const [method, target] = head.slice(0, head.indexOf('\r\n')).split(' ');
    if (method !== 'GET' || target !== '/ready') return reply(404, 'Not Found', '');
    const upstream = http.get({ host: '127.0.0.1', port: adminPort, path: '/ready', timeout: UPSTREAM_TIMEOUT_MS }, (r) => {
      let body = '';
      r.setEncoding('latin1');
      r.on('data', (c: string) => (body += c.slice(0, MAX_PLAIN_HEAD)));
      r.on('end', () => reply(r.statusCode ?? 503, r.statusMessage ?? '', body));
    });
    upstream.once('timeout', () => upstream.destroy(new Error('timeout')));
    upstream.once('error', () => reply(503, 'Service Unavailable', 'envoy admin not reachable\n'));
  };
  socket.on('data', onData);
  socket.resume();
}

/** GET `path` of Envoy's admin on 127.0.0.1 into `res`; 503 when it does not answer. */
function forward(adminPort: number, path: string, res: http.ServerResponse): void {
  const upstream = http.get({ host: '127.0.0.1', port: adminPort, path, timeout: UPSTREAM_TIMEOUT_MS }, (r) => {
    res.writeHead(r.statusCode ?? 503, { 'content-type': r.headers['content-type'] ?? 'text/plain' });
    r.pipe(res);
  });
  upstream.once('timeout', () => upstream.destroy(new Error('timeout')));
  upstream.once('error', () => {
    if (!res.headersSent) res.writeHead(503, { 'content-type': 'text/plain' });
    res.end('envoy admin not reachable\n');
  });
}
