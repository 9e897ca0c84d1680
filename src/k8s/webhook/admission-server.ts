// The HTTPS server the Kubernetes API server calls for validating admission. One path,
// POST /validate, serves every kind: the AdmissionReview names the kind, so per-kind paths would
// only repeat it (and the webhook configuration points both of its webhooks here). The API server
// only speaks TLS to webhooks; the certificate comes from the caller (a cert-manager Secret or a
// generated pair) and can be swapped without a restart.
import https from 'node:https';
import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { WEBHOOK_PATH } from '../render/webhook-configuration.js';
import { admissionResponse, decodeAdmissionReview, type AdmissionRequest, type AdmissionVerdict } from './admission-review.js';
import { admit, type ControlPlaneMode } from './admit.js';

/** Largest AdmissionReview accepted; Kubernetes caps objects near 1.5 MiB and a review holds two. */
export const MAX_ADMISSION_BODY_BYTES = 3 * 1024 * 1024;

/** How long a connection may keep sending an oversized body after its 413 before it is cut. */
const DRAIN_GRACE_MS = 5_000;
/** A review must arrive well within the API server's own 10 s webhook timeout. */
const REQUEST_TIMEOUT_MS = 15_000;

/** PEM certificate chain and private key the server presents. */
export interface AdmissionTls {
  readonly cert: string | Buffer;
  readonly key: string | Buffer;
}

/** Options of startAdmissionServer. */
export interface AdmissionServerOptions {
  readonly host: string;
  /** 0 picks a free port. */
  readonly port: number;
  readonly tls: AdmissionTls;
  readonly mode: ControlPlaneMode;
  readonly logger: Logger;
  /** Body size cap in bytes (default MAX_ADMISSION_BODY_BYTES). */
  readonly maxBodyBytes?: number;
}

/** A running admission server. */
export interface AdmissionServer {
  /** The bound port. */
  readonly port: number;
  /** Present a new certificate to new connections (after a rotation of the certificate files). */
  reloadTls(tls: AdmissionTls): void;
  /** Stop accepting and close open connections (keep-alive ones included). */
  close(): Promise<void>;
}

/** Start the validating admission webhook server on host:port over TLS. */
export async function startAdmissionServer(options: AdmissionServerOptions): Promise<AdmissionServer> {
  const log = options.logger.child({ module: 'admission-webhook' });
  const limit = options.maxBodyBytes ?? MAX_ADMISSION_BODY_BYTES;
  const server = https.createServer({ cert: options.tls.cert, key: options.tls.key, minVersion: 'TLSv1.2' }, (req, res) => {
    guarded(req, res, log, () => handle(req, res, limit, options.mode, log));
  });
  server.requestTimeout = REQUEST_TIMEOUT_MS;
  const port = await listen(server, options.port, options.host);
  log.info({ host: options.host, port, mode: options.mode, path: WEBHOOK_PATH }, 'admission webhook listening');
  return {
    port,
    reloadTls: (tls) => server.setSecureContext({ cert: tls.cert, key: tls.key }),
    close: () => close(server),
  };
}

function handle(req: http.IncomingMessage, res: http.ServerResponse, limit: number, mode: ControlPlaneMode, log: Logger): void {
  const path = (req.url ?? '/').split('?')[0];
  if (path !== WEBHOOK_PATH) return sendJson(res, 404, { message: `not found; the admission path is ${WEBHOOK_PATH}` });
  if (req.method !== 'POST') {
    res.setHeader('allow', 'POST');
    return sendJson(res, 405, { message: 'method not allowed; use POST' });
  }
  readBody(req, limit, (body) => {
    if (body === undefined) {
      drainThenClose(req);
      return sendJson(res, 413, { message: `request body exceeds ${limit} bytes` }, true);
    }
    guarded(req, res, log, () => review(body, res, mode, log));
  });
}

/** Runs `step`; an internal failure is logged with its cause and answered 500 without detail. */
function guarded(req: http.IncomingMessage, res: http.ServerResponse, log: Logger, step: () => void): void {
  try {
    step();
  } catch (err) {
    log.error({ err, method: req.method, path: req.url }, 'admission request handling failed');
    if (!res.headersSent) sendJson(res, 500, { message: 'internal error; see the control plane log' });
    else res.destroy();
  }
}

/** Decode, decide, answer. Object contents are never logged: they may be Secrets. */
function review(body: Buffer, res: http.ServerResponse, mode: ControlPlaneMode, log: Logger): void {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    // The parser's message quotes the body, which may be a Secret: it is not repeated.
    return sendJson(res, 400, { message: 'request body is not valid JSON' });
  }
  const decoded = decodeAdmissionReview(parsed);
  if (!decoded.ok) return sendJson(res, 400, { message: decoded.error });
  const verdict = admit(decoded.request, mode);
  log.debug(decisionFields(decoded.request, verdict), 'admission decision');
  sendJson(res, 200, admissionResponse(decoded.request, verdict));
}

function decisionFields(request: AdmissionRequest, verdict: AdmissionVerdict): Record<string, unknown> {
  return {
    uid: request.uid,
    kind: request.kind.kind,
    namespace: request.namespace,
    name: request.name,
    operation: request.operation,
    allowed: verdict.allowed,
    ...(verdict.allowed ? {} : { violations: verdict.causes.length, reason: verdict.reason }),
  };
}

/**
 * Calls back with the body, or undefined as soon as it exceeds `limit` bytes (a declared
 * Content-Length over the limit is refused before reading), so at most `limit` bytes are buffered.
 */
function readBody(req: http.IncomingMessage, limit: number, done: (body: Buffer | undefined) => void): void {
  if (Number(req.headers['content-length'] ?? 0) > limit) return done(undefined);
  const chunks: Buffer[] = [];
  let size = 0;
  const onData = (chunk: Buffer): void => {
    size += chunk.length;
    if (size <= limit) return void chunks.push(chunk);
    req.off('data', onData).off('end', onEnd);
    done(undefined);
  };
  const onEnd = (): void => done(Buffer.concat(chunks));
  // A client that aborts mid-body has nobody left to answer.
  req.on('data', onData).on('end', onEnd).on('error', () => req.destroy());
}

/**
 * Discard the rest of an oversized body so the client can read its 413 (closing a socket with
 * unread data makes the kernel reset it, and the client would see a reset instead), but cut the
 * connection if the client keeps sending for too long.
 */
function drainThenClose(req: http.IncomingMessage): void {
  const timer = setTimeout(() => req.socket.destroy(), DRAIN_GRACE_MS);
  timer.unref();
  req.on('end', () => clearTimeout(timer)).resume();
}

function sendJson(res: http.ServerResponse, status: number, body: unknown, closeConnection = false): void {
  const payload = JSON.stringify(body);
  res.statusCode = status;
  res.setHeader('content-type', 'application/json');
  res.setHeader('content-length', Buffer.byteLength(payload));
  if (closeConnection) res.setHeader('connection', 'close');
  res.end(payload);
}

function listen(server: https.Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

function close(server: https.Server): Promise<void> {
  return new Promise((resolve, reject) => {
    if (!server.listening) return resolve();
    server.close((err) => (err ? reject(err) : resolve()));
    server.closeAllConnections();
  });
}
