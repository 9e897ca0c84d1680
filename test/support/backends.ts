// In-process upstreams for end-to-end tests: HTTP echo servers that record what they received,
// a TLS server that names itself, TCP servers that write their name to every connection, and a
// TCP server that greets first, as MySQL, SMTP, FTP and SSH servers do.
// All bind 127.0.0.1 on OS-chosen ports.
import http from 'node:http';
import net from 'node:net';
import tls from 'node:tls';

/** A request as an HTTP backend saw it. */
export interface SeenRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: http.IncomingHttpHeaders;
}

/** A running backend. */
export interface Backend {
  readonly name: string;
  readonly port: number;
  /** HTTP backends: every request received, in order. */
  readonly seen: SeenRequest[];
  close(): Promise<void>;
}

function listen(server: net.Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server.address() as net.AddressInfo).port));
  });
}

function closer(server: net.Server, sockets: Set<net.Socket>): () => Promise<void> {
  return () =>
    new Promise((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    });
}

function track(server: net.Server): Set<net.Socket> {
  const sockets = new Set<net.Socket>();
  server.on('connection', (s: net.Socket) => {
    sockets.add(s);
    s.once('close', () => sockets.delete(s));
  });
  return sockets;
}

/** An HTTP echo backend answering JSON `{name, method, path, headers}`. */
export async function httpBackend(name: string): Promise<Backend> {
  const seen: SeenRequest[] = [];
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      seen.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ name, method: req.method, path: req.url, headers: req.headers }));
    });
  });
  const sockets = track(server);
  return { name, port: await listen(server), seen, close: closer(server, sockets) };
}

/** A TLS server (its own certificate) that writes `<name>\n` and closes. */
export async function tlsBackend(name: string, cert: string, key: string): Promise<Backend> {
  const server = tls.createServer({ cert, key }, (socket) => socket.end(`${name}\n`));
  const sockets = track(server);
  return { name, port: await listen(server), seen: [], close: closer(server, sockets) };
}

/** A TCP server that answers the client's first bytes with `<name>\n` and closes. */
export async function tcpBackend(name: string): Promise<Backend> {
  const server = net.createServer((socket) => socket.once('data', () => socket.end(`${name}\n`)));
  const sockets = track(server);
  return { name, port: await listen(server), seen: [], close: closer(server, sockets) };
}

/** A TCP server that writes `<greeting>\n` as soon as a client connects, before reading anything. */
export async function greetingBackend(name: string, greeting: string): Promise<Backend> {
  const server = net.createServer((socket) => {
    socket.on('data', () => undefined);
    socket.write(`${greeting}\n`);
  });
  const sockets = track(server);
  return { name, port: await listen(server), seen: [], close: closer(server, sockets) };
}

/**
 * Connect over TCP without sending anything and resolve the first line the server writes. A
 * gateway that waited for client bytes first would never deliver it.
 */
export function readGreeting(port: number, host = '127.0.0.1'): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, host);
    let data = '';
    socket.setEncoding('utf8');
    socket.on('data', (c: string) => {
      data += c;
      const end = data.indexOf('\n');
      if (end < 0) return;
      socket.destroy();
      resolve(data.slice(0, end));
    });
    socket.once('end', () => reject(new Error(`connection closed before a greeting line; got ${JSON.stringify(data)}`)));
    socket.once('error', reject);
    socket.setTimeout(5_000, () => socket.destroy(new Error('no greeting within 5 s')));
  });
}

/** Connect over TCP, send a line, and read everything until the peer closes. */
export function readTcp(port: number, host = '127.0.0.1'): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, host, () => socket.write('hello\n'));
    let data = '';
    socket.setEncoding('utf8');
    socket.on('data', (c: string) => (data += c));
    socket.once('end', () => resolve(data));
    socket.once('error', reject);
    socket.setTimeout(5_000, () => socket.destroy(new Error('tcp read timed out')));
  });
}

/** TLS handshake with SNI; resolves the peer certificate's CN and everything read until close. */
export function readTls(port: number, servername: string, host = '127.0.0.1'): Promise<{ cn: string; data: string }> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ port, host, servername, rejectUnauthorized: false });
    let data = '';
    let cn = '';
    socket.setEncoding('utf8');
    socket.once('secureConnect', () => {
      cn = String(socket.getPeerCertificate().subject?.CN ?? '');
    });
    socket.on('data', (c: string) => (data += c));
    socket.once('end', () => resolve({ cn, data }));
    socket.once('error', reject);
    socket.setTimeout(5_000, () => socket.destroy(new Error('tls read timed out')));
  });
}
