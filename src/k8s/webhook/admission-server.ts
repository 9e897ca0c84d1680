// The HTTPS server the Kubernetes API server calls for validating admission. One path,
// POST /validate, serves every kind: the AdmissionReview names the kind, so per-kind paths would
// only repeat it (and the webhook configuration points both of its webhooks here). The API server
// only speaks TLS to webhooks; the certificate comes from the caller (a cert-manager Secret or a
// generated pair) and can be swapped without a restart.
import https from 'node:https';
import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { textLimitError } from '../../decode/untrusted-yaml.js';
import { answerTooLarge, readBoundedBody } from '../../http/bounded-body.js';
import { WEBHOOK_PATH } from '../render/webhook-configuration.js';
import { admissionResponse, decodeAdmissionReview, type AdmissionRequest, type AdmissionVerdict } from './admission-review.js';
import { admit, deniedFor, type ControlPlaneMode, type MultizoneAdmission } from './admit.js';
import { parseResourceDocument } from '../../api/resource-document.js';
import type { Violation } from '../../api/violation.js';
import type { ResourceInput } from '../../core/resource.js';

/** Largest AdmissionReview accepted; Kubernetes caps objects near 1.5 MiB and a review holds two. */
export const MAX_ADMISSION_BODY_BYTES = 3 * 1024 * 1024;

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
  /** The multi-zone write rules of a global or a federated zone (admit.ts); absent = none. */
  readonly multizone?: MultizoneAdmission;
  readonly logger: Logger;
  /** Body size cap in bytes (default MAX_ADMISSION_BODY_BYTES). */
  readonly maxBodyBytes?: number;
  /**
   * Checks an admitted object needs the store or the disk for (a provided mesh CA's certificate
   * and key, docs/mesh-mtls.md §1.2); their violations deny it like the pure checks'.
   */
  readonly checks?: (input: ResourceInput) => Promise<Violation[]>;
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
    guarded(req, res, log, () => handle(req, res, limit, options, log));
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

function handle(req: http.IncomingMessage, res: http.ServerResponse, limit: number, options: AdmissionServerOptions, log: Logger): void {
  const path = (req.url ?? '/').split('?')[0];
  if (path !== WEBHOOK_PATH) return sendJson(res, 404, { message: `not found; the admission path is ${WEBHOOK_PATH}` });
  if (req.method !== 'POST') {
    res.setHeader('allow', 'POST');
    return sendJson(res, 405, { message: 'method not allowed; use POST' });
  }
  void readBoundedBody(req, limit).then((read) => {
    if (read.kind === 'aborted') return;
    if (read.kind === 'too-large') {
      const payload = JSON.stringify({ message: `request body exceeds ${limit} bytes` });
      return answerTooLarge(req, res, { status: 413, contentType: 'application/json', payload });
    }
    guarded(req, res, log, () => review(read.body, res, options, log));
  });
}

/** Runs `step`; an internal failure is logged with its cause and answered 500 without detail. */
function guarded(req: http.IncomingMessage, res: http.ServerResponse, log: Logger, step: () => void | Promise<void>): void {
  const fail = (err: unknown) => {
    log.error({ err, method: req.method, path: req.url }, 'admission request handling failed');
    if (!res.headersSent) sendJson(res, 500, { message: 'internal error; see the control plane log' });
    else res.destroy();
  };
  try {
    step()?.catch(fail);
  } catch (err) {
    fail(err);
  }
}

/** Decode, decide, answer. Object contents are never logged: they may be Secrets. */
async function review(body: Buffer, res: http.ServerResponse, options: AdmissionServerOptions, log: Logger): Promise<void> {
  const text = body.toString('utf8');
  // JSON.parse is iterative, but the schema decoder that reads the object afterwards is not.
  const deep = textLimitError(text);
  if (deep !== undefined) return sendJson(res, 400, { message: `request body is not accepted: ${deep}` });
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    // The parser's message quotes the body, which may be a Secret: it is not repeated.
    return sendJson(res, 400, { message: 'request body is not valid JSON' });
  }
  const decoded = decodeAdmissionReview(parsed);
  if (!decoded.ok) return sendJson(res, 400, { message: decoded.error });
  const verdict = await withChecks(decoded.request, admit(decoded.request, options.mode, options.multizone), options.checks);
  log.debug(decisionFields(decoded.request, verdict), 'admission decision');
  sendJson(res, 200, admissionResponse(decoded.request, verdict));
}

/** An allowed verdict further checked by `checks` on the object as a resource, when given. */
async function withChecks(request: AdmissionRequest, verdict: AdmissionVerdict, checks: AdmissionServerOptions['checks']): Promise<AdmissionVerdict> {
  if (!verdict.allowed || !checks || request.object === undefined || request.kind.group !== 'kuma.io') return verdict;
  const parsed = parseResourceDocument(request.object);
  if (!parsed.ok) return verdict;
  const { kind, mesh, name, spec } = parsed.value;
  return deniedFor(await checks({ kind, mesh, name, spec } as ResourceInput));
}

function decisionFields(request: AdmissionRequest, verdict: AdmissionVerdict): Record<string, unknown> {
  return {
    uid: request.uid,
    kind: request.kind.kind,
    namespace: request.namespace,
    name: request.name,
    operation: request.operation,
    user: request.username,
    allowed: verdict.allowed,
    ...(verdict.allowed ? {} : { violations: verdict.causes.length, reason: verdict.reason }),
  };
}

function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  const payload = JSON.stringify(body);
  res.statusCode = status;
  res.setHeader('content-type', 'application/json');
  res.setHeader('content-length', Buffer.byteLength(payload));
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
