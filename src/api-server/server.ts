// The HTTP side of the REST API: reads bodies under a size cap (http/bounded-body.ts), hands
// decoded requests to the pure router and writes its JSON responses. No framework: node:http is
// enough for a dozen routes and keeps the request path easy to audit. The same handler also serves HTTPS (Kuma's
// port 5682) when the control plane gives it a certificate.
import http from 'node:http';
import https from 'node:https';
import type { TLSSocket } from 'node:tls';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { ResourceStore } from '../core/store.js';
import { answerTooLarge, readBoundedBody } from '../http/bounded-body.js';
import { MAX_BODY_BYTES } from './body.js';
import { internalError, payloadTooLarge, type ApiResponse } from './problem.js';
import type { ApiRequest } from './resources.js';
import type { UserTokens } from '../tokens/user-token.js';
import type { AuthSettings } from './access.js';
import type { RouteSummary } from './route.js';
import { createRouter, type ExtraRoute, type Router } from './router.js';
import type { WriteRole } from '../api/multizone-rules.js';
import { porticoVersion } from './version.js';

/** Options of createApiServer. */
export interface ApiServerOptions {
  readonly store: ResourceStore;
  readonly logger: Logger;
  /** True once the store finished its initial load; drives GET /ready. */
  readonly isReady: () => boolean;
  readonly extraRoutes?: readonly ExtraRoute[];
  /** Body size cap in bytes (default 5 MiB). */
  readonly maxBodyBytes?: number;
  /** Refuse writes with 405 and this explanation (Kubernetes mode). */
  readonly readOnly?: string;
  /** Authentication (default: direct loopback requests are admin, bearer tokens refused). */
  readonly auth?: AuthSettings;
  /** Issues user tokens (POST /tokens/user) and validates bearer tokens. */
  readonly userTokens?: UserTokens;
  /** Multi-zone write rules of a global or a federated zone (docs/multizone.md §5). */
  readonly role?: WriteRole;
}

/** PEM certificate (chain) and key of the HTTPS listener. */
export interface ApiCertificate {
  readonly cert: string;
  readonly key: string;
}

/** A REST API server; it listens only when listen() is called. */
export interface ApiServer {
  readonly server: http.Server;
  /** The route table with each route's access level. */
  readonly routes: readonly RouteSummary[];
  /** Listen on host:port (port 0 picks a free one); resolves to the bound port. */
  listen(port: number, host?: string): Promise<number>;
  /** Also serve the API over HTTPS (TLS 1.2+) on host:port; resolves to the bound port. */
  listenHttps(port: number, host: string, certificate: ApiCertificate): Promise<number>;
  /** New HTTPS connections get `next`; open ones keep theirs. */
  setCertificate(next: ApiCertificate): void;
  /** Stop accepting and close open connections (keep-alive ones included), HTTP and HTTPS. */
  close(): Promise<void>;
}

/** Build the REST API server (Kuma-compatible resource endpoints plus POST /apply). */
export function createApiServer(options: ApiServerOptions): ApiServer {
  const log = options.logger.child({ module: 'api-server' });
  const limit = options.maxBodyBytes ?? MAX_BODY_BYTES;
  const router = createRouter({ ...options, version: porticoVersion() });
  const onRequest: http.RequestListener = (req, res) => {
    handle(router, limit, req, res).catch((err: unknown) => {
      log.error({ err, method: req.method, path: req.url }, 'request handling failed');
      if (!res.headersSent) send(res, internalError(req.url ?? '/'));
      else res.destroy();
    });
  };
  const server = http.createServer(onRequest);
  let secure: https.Server | undefined;
  return {
    server,
    routes: router.routes,
    listen: (port, host = '127.0.0.1') => listen(server, port, host),
    listenHttps: (port, host, certificate) => {
      secure = https.createServer({ ...tlsOptions(certificate), requestTimeout: server.requestTimeout }, onRequest);
      secure.on('tlsClientError', (err) => log.debug({ err: err.message }, 'TLS handshake failed on the HTTPS API'));
      return listen(secure, port, host);
    },
    setCertificate: (next) => secure?.setSecureContext(tlsOptions(next)),
    close: async () => {
      await Promise.all([close(server), ...(secure ? [close(secure)] : [])]);
    },
  };
}

/** minVersion belongs to the secure context, so it is repeated on every certificate change. */
function tlsOptions(c: ApiCertificate): { cert: string; key: string; minVersion: 'TLSv1.2' } {
  return { cert: c.cert, key: c.key, minVersion: 'TLSv1.2' };
}

/** Read, route, answer. */
async function handle(router: Router, limit: number, req: http.IncomingMessage, res: http.ServerResponse) {
  const url = requestUrl(req);
  const read = await readBoundedBody(req, limit);
  if (read.kind === 'aborted') return;
  if (read.kind === 'too-large') {
    const payload = `${JSON.stringify(payloadTooLarge(url.pathname, limit).body)}\n`;
    answerTooLarge(req, res, { status: 413, contentType: 'application/json', payload });
    return;
  }
  const body = read.body.toString('utf8');
  const remote = req.socket.remoteAddress;
  const request: ApiRequest = { method: req.method ?? 'GET', url, headers: headerMap(req), body, ...(remote ? { remoteAddress: remote } : {}) };
  send(res, await router(request));
}

/** Write a router response as JSON, or as text when it says so. */
function send(res: http.ServerResponse, response: ApiResponse): void {
  const text = response.contentType === 'text/plain' && typeof response.body === 'string';
  const payload = text ? String(response.body) : `${JSON.stringify(response.body)}\n`;
  res.statusCode = response.status;
  for (const [name, value] of Object.entries(response.headers ?? {})) res.setHeader(name, value);
  res.setHeader('content-type', text ? 'text/plain; charset=utf-8' : 'application/json');
  res.setHeader('content-length', Buffer.byteLength(payload));
  res.end(payload);
}

/**
 * The absolute request URL; `next` links are built from it, so the Host header is honoured when
 * it is a plain host[:port]. The path is appended as text so `//other/x` stays a path.
 */
function requestUrl(req: http.IncomingMessage): URL {
  const host = req.headers.host ?? '';
  const base = /^[A-Za-z0-9.\-]+(:\d+)?$|^\[[0-9A-Fa-f:.]+\](:\d+)?$/.test(host) ? host : 'localhost';
  const path = req.url?.startsWith('/') ? req.url : '/';
  const scheme = (req.socket as Partial<TLSSocket>).encrypted ? 'https' : 'http';
  try {
    return new URL(`${scheme}://${base}${path}`);
  } catch {
    return new URL('http://localhost/');
  }
}

/** Request headers with repeated values joined, as one string per lower-case name. */
function headerMap(req: http.IncomingMessage): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(req.headers)) out[name] = Array.isArray(value) ? value.join(', ') : value;
  return out;
}

/** Start listening; resolves to the bound port. */
function listen(server: http.Server | https.Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/** Close the server and every open connection. */
function close(server: http.Server | https.Server): Promise<void> {
  return new Promise((resolve, reject) => {
    if (!server.listening) return resolve();
    server.close((err) => (err ? reject(err) : resolve()));
    server.closeAllConnections();
  });
}
