// The dataplane-facing port (xds-server.md §16 "One port"): ADS (gRPC over HTTP/2) and
// `POST /bootstrap` (HTTP/1.1) share one TCP port. Each connection is classified by peeking at its
// first bytes — the HTTP/2 client preface goes to grpc-js through a connection injector, anything
// else to a node:http server — and the peeked bytes are pushed back before handing it over.
// Plaintext for now; TLS (ALPN h2/http/1.1, preface peek when no ALPN) will wrap the socket here
// before classification, and `credentials` is the seam for it.
import net from 'node:net';
import http from 'node:http';
import * as grpc from '@grpc/grpc-js';
import type { Logger } from 'pino';
import type { AdsServer } from './ads-server.js';
import { createCheckedConnectionInjector } from './repeated-authorization.js';

/** The HTTP/2 connection preface every h2 client sends first (RFC 9113 §3.4). */
const H2_PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1');

/** Options of `startDataplanePort`. */
export interface DataplanePortOptions {
  readonly host: string;
  /** 0 = let the OS choose (tests). */
  readonly port: number;
  readonly adsServer: AdsServer;
  /** Handles every HTTP/1.x request (see bootstrap-endpoint.ts). */
  readonly bootstrapHandler: http.RequestListener;
  readonly logger: Logger;
  /** Credentials for injected gRPC connections (default insecure; TLS later). */
  readonly credentials?: grpc.ServerCredentials;
  /** A connection must send its first bytes within this time (default 5000 ms, Kuma's read-header timeout). */
  readonly firstBytesTimeoutMs?: number;
}

/** A listening dataplane port. */
export interface DataplanePort {
  /** The bound port (the OS-chosen one when 0 was asked). */
  readonly port: number;
  /** Stops accepting, closes HTTP and injected gRPC connections. */
  close(): Promise<void>;
}

/** How a connection's first bytes classify it. */
export type ConnectionKind = 'h2' | 'http1' | 'undecided';

/** Classifies by prefix: `h2` once the full preface matched, `http1` at the first mismatch. */
export function classifyFirstBytes(bytes: Buffer): ConnectionKind {
  const n = Math.min(bytes.length, H2_PREFACE.length);
  if (!bytes.subarray(0, n).equals(H2_PREFACE.subarray(0, n))) return 'http1';
  return n === H2_PREFACE.length ? 'h2' : 'undecided';
}

/** Starts the shared ADS + bootstrap port. */
export async function startDataplanePort(options: DataplanePortOptions): Promise<DataplanePort> {
  const logger = options.logger.child({ component: 'dataplane-port' });
  const injector = createCheckedConnectionInjector(options.adsServer.grpcServer, options.credentials ?? grpc.ServerCredentials.createInsecure());
  const httpServer = http.createServer({ headersTimeout: 5000, requestTimeout: 30_000 }, options.bootstrapHandler);
  const sockets = new Set<net.Socket>();
  const timeoutMs = options.firstBytesTimeoutMs ?? 5000;

  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    socket.on('error', (err) => logger.debug({ err }, 'dataplane connection error'));
    classify(socket, timeoutMs, (kind) => {
      if (kind === 'h2') injector.injectConnection(socket);
      else httpServer.emit('connection', socket);
    });
  });

  const port = await new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve((server.address() as net.AddressInfo).port);
    });
  });
  logger.info({ host: options.host, port }, 'dataplane port listening (ADS + /bootstrap)');

  return {
    port,
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      injector.destroy();
      httpServer.closeAllConnections();
      for (const socket of sockets) socket.destroy();
      await closed;
    },
  };
}

/**
 * Reads until the first bytes decide the protocol, then un-reads them and hands the socket on.
 * Connections that stay silent are closed.
 */
function classify(socket: net.Socket, timeoutMs: number, onDecided: (kind: 'h2' | 'http1') => void): void {
  let buffered = Buffer.alloc(0);
  const timer = setTimeout(() => socket.destroy(), timeoutMs);
  const onReadable = (): void => {
    let chunk: Buffer | null;
    while ((chunk = socket.read() as Buffer | null) !== null) buffered = Buffer.concat([buffered, chunk]);
    const kind = classifyFirstBytes(buffered);
    if (kind === 'undecided') return;
    clearTimeout(timer);
    socket.off('readable', onReadable);
    socket.off('end', onEnd);
    socket.unshift(buffered);
    onDecided(kind);
  };
  const onEnd = (): void => {
    clearTimeout(timer);
    socket.destroy();
  };
  socket.on('readable', onReadable);
  socket.once('end', onEnd);
  socket.once('close', () => clearTimeout(timer));
}
