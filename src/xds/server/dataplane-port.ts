// The dataplane-facing port (docs/xds-server.md §16 "One port"): ADS (gRPC over HTTP/2) and
// `POST /bootstrap` (HTTP/1.1) share one TCP port. Each connection is classified by peeking at its
// first bytes — the HTTP/2 client preface goes to grpc-js through a connection injector, anything
// else to a node:http server — and the peeked bytes are pushed back before handing it over.
//
// With TLS (the default; docs/tls.md) Portico terminates TLS itself, because grpc-js owns its
// HTTP/2 server: after the handshake ALPN decides (`h2` -> grpc-js, `http/1.1` -> node:http), and
// when the client offered no ALPN (Kuma's own bootstraps set none) the preface peek decides as on
// plaintext. A failed handshake (plaintext on the TLS port, a client that rejects the certificate)
// only closes that connection and is counted.
import net from 'node:net';
import http from 'node:http';
import tls from 'node:tls';
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
  /** Serving certificate and key (PEM); absent = plaintext (`--xds-plaintext`). */
  readonly tls?: DataplanePortCertificate;
  /** A connection must finish its handshake and send its first bytes within this time (default 5000 ms, Kuma's read-header timeout). */
  readonly firstBytesTimeoutMs?: number;
}

/** The certificate (chain) and key the TLS port serves. */
export interface DataplanePortCertificate {
  readonly cert: string;
  readonly key: string;
}

/** A listening dataplane port. */
export interface DataplanePort {
  /** The bound port (the OS-chosen one when 0 was asked). */
  readonly port: number;
  /** True when the port serves TLS. */
  readonly tls: boolean;
  /** Connections whose TLS handshake failed (plaintext on the TLS port, timeouts, rejected certificates). */
  readonly tlsHandshakeFailures: number;
  /** Serves `next` to new connections; open connections keep theirs (docs/robustness.md S6). No-op on plaintext. */
  setCertificate(next: DataplanePortCertificate): void;
  /** Stops accepting, closes HTTP and injected gRPC connections. */
  close(): Promise<void>;
}

/**
 * Listen backlog of the dataplane port. The kernel caps it at `net.core.somaxconn` (4096 by default
 * on Linux), which is what Go servers such as Kuma's control plane ask for. Node's default of 511
 * overflowed when thousands of proxies reconnected at once: the kernel dropped their SYNs and each
 * came back only after TCP's retransmission backoff (1, 3, 7, 15, 31 s ...), so a storm of 10,000
 * took minutes while the control plane sat idle (docs/xds-server.md §15, "Listen backlog").
 */
export const DATAPLANE_LISTEN_BACKLOG = 65_535;

/** Oldest TLS version accepted (docs/xds-server.md §16). */
export const MIN_TLS_VERSION = 'TLSv1.2';
/** ALPN protocols offered, in server preference order. */
export const ALPN_PROTOCOLS: readonly string[] = ['h2', 'http/1.1'];

/** The parts of the TLS context that change with the certificate (minVersion lives in the context too). */
function secureContextOptions(c: DataplanePortCertificate): tls.SecureContextOptions {
  return { cert: c.cert, key: c.key, minVersion: MIN_TLS_VERSION };
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
  const logger = (options.logger.bindings()['component'] === undefined ? options.logger.child({ component: 'dataplane-port' }) : options.logger);
  // TLS is terminated before the injector, so grpc-js always sees a decrypted stream; the checked
  // injector keeps repeated authorization headers visible (repeated-authorization.ts).
  const injector = createCheckedConnectionInjector(options.adsServer.grpcServer, grpc.ServerCredentials.createInsecure());
  const httpServer = http.createServer({ headersTimeout: 5000, requestTimeout: 30_000 }, options.bootstrapHandler);
  const sockets = new Set<net.Socket>();
  const timeoutMs = options.firstBytesTimeoutMs ?? 5000;
  let handshakeFailures = 0;

  const route = (socket: net.Socket, kind: 'h2' | 'http1'): void => {
    if (kind === 'h2') injector.injectConnection(socket);
    else httpServer.emit('connection', socket);
  };
  const onSecureConnection = (socket: tls.TLSSocket): void => {
    socket.on('error', (err) => logger.debug({ err }, 'dataplane TLS connection error'));
    if (socket.alpnProtocol === 'h2') return route(socket, 'h2');
    if (socket.alpnProtocol === 'http/1.1') return route(socket, 'http1');
    classify(socket, timeoutMs, (kind) => {
      // node:http2 hands a TLS socket whose ALPN is `false` to 'unknownProtocol' (and closes it)
      // instead of serving it; the peek proved it speaks h2, so say so.
      if (kind === 'h2') socket.alpnProtocol = 'h2';
      route(socket, kind);
    });
  };
  const server = options.tls
    ? tls.createServer({ ...secureContextOptions(options.tls), ALPNProtocols: [...ALPN_PROTOCOLS], handshakeTimeout: timeoutMs }, onSecureConnection)
    : net.createServer((socket) => {
        socket.on('error', (err) => logger.debug({ err }, 'dataplane connection error'));
        classify(socket, timeoutMs, (kind) => route(socket, kind));
      });
  // 'connection' is the raw TCP socket in both cases: destroying it also ends its TLS session.
  server.on('connection', (socket: net.Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  server.on('tlsClientError', (err: Error, socket: tls.TLSSocket) => {
    handshakeFailures++;
    logger.debug({ err: err.message, remote: socket.remoteAddress }, 'TLS handshake failed on the dataplane port');
    socket.destroy();
  });

  const port = await new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port: options.port, host: options.host, backlog: DATAPLANE_LISTEN_BACKLOG }, () => {
      server.off('error', reject);
      resolve((server.address() as net.AddressInfo).port);
    });
  });
  logger.info({ host: options.host, port, tls: !!options.tls }, 'dataplane port listening (ADS + /bootstrap)');

  return {
    port,
    tls: !!options.tls,
    get tlsHandshakeFailures() {
      return handshakeFailures;
    },
    setCertificate: (next) => {
      if (server instanceof tls.Server) server.setSecureContext(secureContextOptions(next));
    },
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
