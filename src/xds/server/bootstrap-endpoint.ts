// `POST /bootstrap` (docs/xds-server.md §16): validate the request, let the runtime resolve the
// Dataplane (register the inline one or find the stored one), and answer the Envoy bootstrap as
// YAML (`text/x-yaml`, `kuma-bootstrap-version: 3`) or, with `Accept: application/json`, as
// `{bootstrap, kumaSidecarConfiguration}`. The caller is authenticated (proxy-authentication.ts)
// before anything else is checked and before the Dataplane is looked up or registered, so a
// request can never create or change a Dataplane its credential is not bound to. Status codes
// (docs/dataplane-auth.md): 422 invalid request, 401 missing or invalid token, 403 token not bound
// to this Dataplane (the agent retries none of these), 404 Dataplane not found yet (it retries),
// 400 from the resolver or for a CA that is not a CA or a host the certificate does not name
// (bootstrap-tls-check.ts), 500 otherwise.
import type http from 'node:http';
import { TLSSocket } from 'node:tls';
import type { Logger } from 'pino';
import { textLimitError } from '../../decode/untrusted-yaml.js';
import { answerTooLarge, readBoundedBody } from '../../http/bounded-body.js';
import { buildBootstrap, renderBootstrapYaml, DEFAULT_ADMIN_PORT } from './bootstrap.js';
import type { BootstrapParams } from './bootstrap.js';
import { parseBootstrapRequest } from './bootstrap-request.js';
import type { BootstrapRequest } from './bootstrap-request.js';
import { isZoneIngressProxy, proxyNodeId } from './proxy-id.js';
import { auditRefusal, checkProxy, credentialOf, type AuthRefusal, type ProxyAuthentication } from './proxy-authentication.js';
import { checkBootstrapTls } from './bootstrap-tls-check.js';

/** What the runtime says about the requesting Dataplane. */
export type ResolveDataplaneResult =
  | { readonly ok: true; readonly service: string; readonly isGateway: boolean; readonly address?: string }
  | { readonly ok: false; readonly status: 404 | 422 | 400; readonly message: string };

/** Registers or finds the Dataplane of a bootstrap request (provided by the runtime). */
export type DataplaneResolver = (request: BootstrapRequest) => Promise<ResolveDataplaneResult>;

/** Options of `createBootstrapHandler`. */
export interface BootstrapHandlerOptions {
  readonly resolveDataplane: DataplaneResolver;
  /** Checked before the Dataplane is resolved (no default: secure or explicit). */
  readonly authentication: ProxyAuthentication;
  readonly logger: Logger;
  /** Address Envoy should dial for ADS; default: the request's Host header, else the local socket. */
  readonly xdsAddress?: { readonly host: string; readonly port: number };
  readonly globalDownstreamMaxConnections?: number;
  /** Largest accepted body (default 1 MiB). */
  readonly maxBodyBytes?: number;
  /** PEM of the certificate the port serves now, to check the dialled host against its names. */
  readonly servingCertificate?: () => string | undefined;
}

/** Header Kuma agents check on YAML responses. */
export const BOOTSTRAP_VERSION_HEADER = 'kuma-bootstrap-version';

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Every HTTP route of the dataplane port. Each handler authenticates its caller itself; the
 * dataplane-auth feature test walks this list, so a route added here without authentication fails.
 */
export const DATAPLANE_HTTP_ROUTES: readonly { readonly method: string; readonly path: string }[] = [{ method: 'POST', path: '/bootstrap' }];

/** Request listener for the dataplane port's HTTP/1.1 side; anything but `POST /bootstrap` is 404/405. */
export function createBootstrapHandler(options: BootstrapHandlerOptions): http.RequestListener {
  const logger = (options.logger.bindings()['component'] === undefined ? options.logger.child({ component: 'bootstrap' }) : options.logger);
  return (req, res) => {
    handle(req, res, options, logger)
      .catch((err: unknown) => {
        if (err instanceof HttpError) return send(res, err.status, 'text/plain', err.message);
        logger.error({ err }, 'bootstrap request failed');
        send(res, 500, 'text/plain', 'internal error');
      })
      .catch((err: unknown) => logger.error({ err }, 'could not answer bootstrap request'));
  };
}

async function handle(req: http.IncomingMessage, res: http.ServerResponse, options: BootstrapHandlerOptions, logger: Logger): Promise<void> {
  const path = (req.url ?? '').split('?')[0];
  const routes = DATAPLANE_HTTP_ROUTES.filter((r) => r.path === path);
  if (routes.length === 0) throw new HttpError(404, 'not found');
  if (!routes.some((r) => r.method === req.method)) throw new HttpError(405, 'method not allowed');
  const body = await readBody(req, res, options.maxBodyBytes ?? 1024 * 1024);
  if (body === undefined) return;
  const text = body.toString('utf8');
  // JSON.parse is iterative, but what reads the request afterwards (JSON.stringify) is not.
  const deep = textLimitError(text);
  if (deep !== undefined) throw new HttpError(422, `invalid JSON: ${deep}`);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new HttpError(422, `invalid JSON: ${(err as Error).message}`);
  }
  const parsed = parseBootstrapRequest(json);
  if (!parsed.ok) throw new HttpError(422, parsed.message);
  const request = parsed.request;
  await authenticate(request, options.authentication, logger, req.socket.remoteAddress);
  // Before the resolver: a proxy that could never connect registers no Dataplane.
  const xds = options.xdsAddress ?? xdsAddressOf(req);
  const overTls = req.socket instanceof TLSSocket;
  if (overTls && request.caCert) {
    const check = checkBootstrapTls({ caCert: request.caCert, xdsHost: xds.host, servingCert: options.servingCertificate?.() });
    if (!check.ok) throw new HttpError(400, check.message);
  }
  const resolved = await options.resolveDataplane(request);
  if (!resolved.ok) throw new HttpError(resolved.status, resolved.message);

  const params: BootstrapParams = {
    nodeId: proxyNodeId(request.mesh, request.name),
    service: resolved.service,
    isGateway: resolved.isGateway,
    xdsHost: xds.host,
    xdsPort: xds.port,
    apiType: request.xdsTransport === 'sotw' ? 'GRPC' : 'DELTA_GRPC',
    // The request came over the very port Envoy will dial: TLS there means TLS for ADS.
    ...(overTls ? { xdsTls: request.caCert ? { caCert: request.caCert } : {} } : {}),
    adminPort: request.adminPort ?? DEFAULT_ADMIN_PORT,
    dataplaneToken: request.dataplaneToken,
    maxHeapSizeBytes: request.resources?.maxHeapSizeBytes,
    globalDownstreamMaxConnections: options.globalDownstreamMaxConnections,
    metadata: nodeMetadata(request),
  };
  const yaml = renderBootstrapYaml(buildBootstrap(params));
  if ((req.headers.accept ?? '').includes('application/json')) {
    const address = resolved.address ?? dataplaneAddress(request) ?? '';
    const sidecar = { networking: { isUsingTransparentProxy: false, corefileTemplate: '', address }, metrics: { aggregate: [] } };
    send(res, 200, 'application/json', JSON.stringify({ bootstrap: yaml, kumaSidecarConfiguration: sidecar }));
  } else {
    res.setHeader(BOOTSTRAP_VERSION_HEADER, '3');
    send(res, 200, 'text/x-yaml', yaml);
  }
}

/** HTTP status of each refusal: 401 no valid token, 403 a valid token for another proxy. */
const REFUSAL_STATUS: Readonly<Record<AuthRefusal['code'], number>> = { UNAUTHENTICATED: 401, PERMISSION_DENIED: 403, INTERNAL: 500 };

/**
 * Kuma's agent sends the token in the body (`dataplaneToken`; a zone ingress sends its zone token
 * there too); the check binds it to the request's proxy, `.<name>` for an ingress.
 */
async function authenticate(request: BootstrapRequest, authentication: ProxyAuthentication, logger: Logger, peer: string | undefined): Promise<void> {
  if (authentication.kind === 'none') return;
  const proxy = { mesh: request.mesh, name: request.name };
  const credential = credentialOf(request.dataplaneToken ?? '');
  const missing = isZoneIngressProxy(proxy)
    ? 'a zone token of scope ingress is required: pass it as "dataplaneToken" (dp run --dataplane-token-file)'
    : 'a dataplane token is required: pass it as "dataplaneToken" (dp run --dataplane-token-file)';
  const verdict: AuthRefusal | { ok: true } =
    credential === ''
      ? { ok: false, code: 'UNAUTHENTICATED', message: missing }
      : await checkProxy(authentication.check, { credential, proxy, ...(request.dataplane ? { candidate: request.dataplane } : {}) }, logger);
  if (verdict.ok) return;
  auditRefusal(logger, 'bootstrap', proxyNodeId(proxy.mesh, proxy.name), verdict, peer);
  throw new HttpError(REFUSAL_STATUS[verdict.code], verdict.message);
}

/** `node.metadata` keys of docs/xds-server.md §16 that apply; absent inputs are left out. */
export function nodeMetadata(r: BootstrapRequest): Record<string, unknown> {
  const entries: Array<[string, unknown]> = [
    ['dataplane.admin.port', String(r.adminPort ?? DEFAULT_ADMIN_PORT)],
    ['dataplane.admin.address', '127.0.0.1'],
    ['dataplane.dns.port', r.dnsPort === undefined ? undefined : String(r.dnsPort)],
    ['dataplane.readinessReporter.port', r.readinessPort === undefined ? undefined : String(r.readinessPort)],
    ['dataplane.resource', r.dataplane ? JSON.stringify(r.dataplane) : undefined],
    ['dataplane.proxyType', r.proxyType],
    ['dynamicMetadata', r.dynamicMetadata],
    ['version', r.version],
    ['features', r.features],
    ['workdir', r.workdir],
    ['metricsCertPath', r.metricsResources?.certPath],
    ['metricsKeyPath', r.metricsResources?.keyPath],
    ['systemCaPath', r.systemCaPath],
  ];
  return Object.fromEntries(entries.filter(([, v]) => v !== undefined && v !== ''));
}

function dataplaneAddress(r: BootstrapRequest): string | undefined {
  const networking = r.dataplane?.['networking'] as Record<string, unknown> | undefined;
  const address = networking?.['address'];
  return typeof address === 'string' ? address : undefined;
}

/** Host and port the agent used to reach us: the Host header, else the socket's local address. */
function xdsAddressOf(req: http.IncomingMessage): { host: string; port: number } {
  const local = { host: req.socket.localAddress ?? '127.0.0.1', port: req.socket.localPort ?? 5678 };
  const header = req.headers.host;
  if (!header) return local;
  const match = /^(?:\[([^\]]+)\]|([^:]+))(?::(\d+))?$/.exec(header);
  if (!match) return local;
  return { host: match[1] ?? match[2] ?? local.host, port: match[3] ? Number(match[3]) : local.port };
}

/** The body; undefined when the client left or the body is over `limit` (then 413 is sent). */
async function readBody(req: http.IncomingMessage, res: http.ServerResponse, limit: number): Promise<Buffer | undefined> {
  const read = await readBoundedBody(req, limit);
  if (read.kind === 'body') return read.body;
  if (read.kind === 'too-large') {
    answerTooLarge(req, res, { status: 413, contentType: 'text/plain', payload: `request body larger than ${limit} bytes` });
  }
  return undefined;
}

function send(res: http.ServerResponse, status: number, contentType: string, body: string): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(body) });
  res.end(body);
}
