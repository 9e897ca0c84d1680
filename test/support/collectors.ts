// Observability collectors for end-to-end tests, on 127.0.0.1 and OS-chosen ports: a TCP log
// collector keeping every line it receives (a Kuma TCP logging backend, such as Logstash's tcp
// input) and a Zipkin-compatible span receiver (POST /api/v2/spans, JSON v2).
import http from 'node:http';
import net from 'node:net';

/** A running collector of `T`s. */
export interface Collector<T> {
  readonly port: number;
  /** Everything received so far, in arrival order. */
  readonly received: T[];
  close(): Promise<void>;
}

/** A Zipkin v2 span, the fields the tests read. */
export interface ZipkinSpan {
  readonly traceId: string;
  readonly id: string;
  readonly parentId?: string;
  readonly name?: string;
  readonly kind?: string;
  readonly timestamp?: number;
  readonly duration?: number;
  readonly localEndpoint?: { readonly serviceName?: string; readonly ipv4?: string; readonly port?: number };
  readonly tags?: Readonly<Record<string, string>>;
}

function listening(server: net.Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server.address() as net.AddressInfo).port));
  });
}

function closing(server: net.Server, sockets: Set<net.Socket>): () => Promise<void> {
  return () =>
    new Promise((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    });
}

function tracked(server: net.Server): Set<net.Socket> {
  const sockets = new Set<net.Socket>();
  server.on('connection', (s: net.Socket) => {
    sockets.add(s);
    s.once('close', () => sockets.delete(s));
  });
  return sockets;
}

/** A Zipkin collector: every span of every POST /api/v2/spans (JSON), answered 202. */
export async function zipkinCollector(): Promise<Collector<ZipkinSpan>> {
  const received: ZipkinSpan[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (body += c));
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== '/api/v2/spans') {
        res.writeHead(404).end();
        return;
      }
      try {
        received.push(...(JSON.parse(body) as ZipkinSpan[]));
        res.writeHead(202).end();
      } catch {
        res.writeHead(400).end();
      }
    });
  });
  const sockets = tracked(server);
  return { port: await listening(server), received, close: closing(server, sockets) };
}

/** A TCP log collector: every newline-terminated line any client writes, without the newline. */
export async function lineCollector(): Promise<Collector<string>> {
  const received: string[] = [];
  const server = net.createServer((socket) => {
    let partial = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      const parts = (partial + chunk).split('\n');
      partial = parts.pop() ?? '';
      received.push(...parts);
    });
    socket.on('error', () => socket.destroy());
  });
  const sockets = tracked(server);
  return { port: await listening(server), received, close: closing(server, sockets) };
}
