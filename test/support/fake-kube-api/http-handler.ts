// The HTTP front: log the request, apply injected faults, check the bearer token, route, run the
// verb and answer JSON (errors as Status bodies). Nothing here knows resource semantics.
import type http from 'node:http';
import type { Faults, RequestRecord, Verb } from './faults.js';
import type { Obj } from './json.js';
import { isObj, str } from './json.js';
import type { ObjectStore } from './object-store.js';
import { getObject, listObjects, listOptionsOf, selectorOf } from './read-operations.js';
import type { ResourceRegistry } from './resource-types.js';
import { apiVersionOf } from './resource-types.js';
import type { ResourceRoute, StaticRoute } from './routes.js';
import { parseRoute, verbOf } from './routes.js';
import { badRequest, internalError, KubeError, rbacForbidden, serverError, unauthorized, unsupportedMediaType } from './status-errors.js';
import type { TokenReviews } from './token-review.js';
import type { WatchHub } from './watch-stream.js';
import type { DeleteOptions, Writer } from './write-operations.js';

/** Everything the handler works with. */
export interface HandlerContext {
  readonly registry: ResourceRegistry;
  readonly store: ObjectStore;
  readonly writer: Writer;
  readonly watches: WatchHub;
  readonly faults: Faults;
  readonly tokenReviews: TokenReviews;
  readonly token: string | undefined;
  serverAddress(): string;
}

const MAX_BODY = 3 * 1024 * 1024;

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY) chunks.push(chunk);
    });
    req.on('end', () => (size > MAX_BODY ? reject(new KubeError(413, 'RequestEntityTooLarge', `Request entity too large: limit is ${MAX_BODY}`)) : resolve(Buffer.concat(chunks).toString('utf8'))));
    req.on('error', reject);
  });
}

function parseJsonBody(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw badRequest(`couldn't get version/kind; json parse error: ${(error as Error).message}`);
  }
}

function send(res: http.ServerResponse, code: number, body: Obj | string): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(code, { 'Content-Type': typeof body === 'string' ? 'text/plain; charset=utf-8' : 'application/json' }).end(text);
}

function sendError(res: http.ServerResponse, error: unknown): void {
  const kubeError = error instanceof KubeError ? error : internalError(error instanceof Error ? error.message : String(error));
  send(res, kubeError.code, kubeError.toStatus());
}

function deleteOptionsOf(body: unknown, query: URLSearchParams): DeleteOptions {
  const options = isObj(body) ? body : {};
  const preconditions = isObj(options['preconditions']) ? options['preconditions'] : undefined;
  const orphan = options['orphanDependents'] === true || query.get('orphanDependents') === 'true';
  const policy = query.get('propagationPolicy') ?? (str(options, 'propagationPolicy') || (orphan ? 'Orphan' : undefined));
  return { ...(policy ? { propagationPolicy: policy } : {}), ...(preconditions ? { preconditions: { uid: str(preconditions, 'uid'), resourceVersion: str(preconditions, 'resourceVersion') } } : {}) };
}

/** Creates the request listener of one fake server. */
export function createHandler(ctx: HandlerContext): http.RequestListener {
  return (req, res) => {
    const url = new URL(req.url ?? '/', 'http://fake');
    const record: RequestRecord = { method: req.method ?? 'GET', path: url.pathname, query: url.search, verb: 'other' };
    ctx.faults.log.push(record);
    res.on('finish', () => {
      record.status = res.statusCode;
    });
    handle(ctx, req, res, url, record).catch((error: unknown) => sendError(res, error));
  };
}

async function handle(ctx: HandlerContext, req: http.IncomingMessage, res: http.ServerResponse, url: URL, record: RequestRecord): Promise<void> {
  const route = parseRoute(ctx.registry, url.pathname, ctx.serverAddress());
  const verb = verbOf(record.method, route, url.searchParams);
  Object.assign(record, { verb });
  const fault = ctx.faults.take(record);
  if (fault?.hang) {
    ctx.faults.hold(res, () => {
      serve(ctx, req, res, url, route, verb).catch((error: unknown) => sendError(res, error));
    });
    return;
  }
  if (fault?.status === 403) throw rbacForbidden(verb, url.pathname);
  if (fault) throw serverError(fault.status ?? 500);
  await serve(ctx, req, res, url, route, verb);
}

async function serve(ctx: HandlerContext, req: http.IncomingMessage, res: http.ServerResponse, url: URL, route: ResourceRoute | StaticRoute, verb: Verb): Promise<void> {
  if (ctx.token !== undefined && req.headers.authorization !== `Bearer ${ctx.token}`) throw unauthorized();
  if (route.kind === 'static') {
    send(res, 200, route.body);
    return;
  }
  if (url.searchParams.has('dryRun')) throw badRequest('dryRun is not supported by the fake API server');
  const body = await readBody(req);
  await dispatch(ctx, route, verb, req, res, url.searchParams, body);
}

async function dispatch(ctx: HandlerContext, route: ResourceRoute, verb: string, req: http.IncomingMessage, res: http.ServerResponse, query: URLSearchParams, body: string): Promise<void> {
  const { type, name = '', subresource } = route;
  const namespace = route.namespace ?? '';
  const contentType = req.headers['content-type'] ?? 'application/json';
  if ((verb === 'create' || verb === 'update') && !/^application\/json\b/.test(contentType)) throw unsupportedMediaType(contentType, ['application/json']);
  switch (verb) {
    case 'get':
      return send(res, 200, getObject(ctx.store, type, namespace, name));
    case 'list':
      return send(res, 200, listObjects(ctx.store, type, route.namespace, listOptionsOf(query)));
    case 'watch': {
      const selected = selectorOf(type, listOptionsOf(query));
      const matches = route.name === undefined ? selected : (obj: Obj): boolean => selected(obj) && str(obj['metadata'] as Obj, 'name') === route.name;
      const timeout = query.get('timeoutSeconds');
      ctx.watches.open({ type, namespace: route.namespace, matches, resourceVersion: query.get('resourceVersion'), allowBookmarks: query.get('allowWatchBookmarks') === 'true', timeoutSeconds: timeout === null ? undefined : Number(timeout) }, req, res);
      return;
    }
    case 'create':
      return send(res, 201, type.review ? ctx.tokenReviews.review(parseJsonBody(body)) : ctx.writer.create(type, namespace, parseJsonBody(body)));
    case 'update':
      return send(res, 200, ctx.writer.update(type, namespace, name, parseJsonBody(body), subresource ? { subresource } : {}));
    case 'patch':
      return send(res, 200, ctx.writer.patch(type, namespace, name, contentType, body, subresource));
    case 'delete':
      return send(res, 200, ctx.writer.delete(type, namespace, name, deleteOptionsOf(body ? parseJsonBody(body) : undefined, query)));
    case 'deletecollection': {
      const options = deleteOptionsOf(body ? parseJsonBody(body) : undefined, query);
      const list = listObjects(ctx.store, type, route.namespace, listOptionsOf(query));
      const items = list['items'] as Obj[];
      for (const item of items) ctx.writer.delete(type, str(item['metadata'] as Obj, 'namespace'), str(item['metadata'] as Obj, 'name'), options);
      return send(res, 200, { apiVersion: apiVersionOf(type), kind: `${type.kind}List`, metadata: { resourceVersion: String(ctx.store.currentRevision()) }, items });
    }
    default:
      throw internalError(`unhandled verb ${verb}`);
  }
}
