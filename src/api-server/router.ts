// The pure request router of the REST API: a decoded request in, a response out, no sockets.
// It matches Kuma's paths, dispatches to the handlers, and is the one place where thrown store
// errors become status codes (409, 503) and anything unexpected becomes a logged 500.
import { hostname } from 'node:os';
import type { Logger } from 'pino';
import { findResourceType, type ResourceType } from '../core/registry.js';
import { ConflictError, StoreUnavailableError, type ResourceStore } from '../core/store.js';
import { applyResources } from './apply.js';
import { type ApiResponse, conflict, internalError, methodNotAllowed, notFound, problem, unavailable } from './problem.js';
import { putResource } from './put-resource.js';
import { deleteResource, getResource, listResources, type ApiRequest } from './resources.js';

/** A route the runtime adds next to the resource API (matched first, by method and path). */
export interface ExtraRoute {
  readonly method: string;
  /** Exact path; a `{param}` segment matches any one non-empty segment (the handler reads it). */
  readonly path: string;
  readonly handler: (request: ApiRequest) => Promise<ApiResponse>;
}

/** What the router needs. */
export interface RouterOptions {
  readonly store: ResourceStore;
  readonly logger: Logger;
  /** True once the store finished its initial load; drives GET /ready. */
  readonly isReady: () => boolean;
  /** Reported by GET /. */
  readonly version: string;
  readonly extraRoutes?: readonly ExtraRoute[];
  /**
   * When set, the resource API refuses writes with 405 and this explanation (Kubernetes mode: the
   * API server is the source of truth and `kubectl apply` goes through admission, as in Kuma).
   */
  readonly readOnly?: string;
}

const READ_METHODS = new Set(['GET', 'HEAD']);

/** A request handler: never rejects (every failure is an error response). */
export type Router = (request: ApiRequest) => Promise<ApiResponse>;

// Handlers of one path by method; a path that matches with another method answers 405.
type Methods = Partial<Record<string, () => Promise<ApiResponse>>>;

/** Build the router. */
export function createRouter(options: RouterOptions): Router {
  const log = options.logger.child({ module: 'api-server' });
  return async (request) => {
    const path = request.url.pathname;
    try {
      const extra = options.extraRoutes?.find((r) => r.method === request.method && extraPathMatches(r.path, path));
      if (extra) return await extra.handler(request);
      const methods = match(options, request);
      if (!methods && !(options.readOnly && path === '/apply')) return notFound(path);
      if (options.readOnly && !READ_METHODS.has(request.method)) return readOnlyRefusal(path, options.readOnly);
      if (!methods) return notFound(path);
      const handler = methods[request.method];
      return handler ? await handler() : methodNotAllowed(path, Object.keys(methods));
    } catch (err) {
      return errorResponse(log, request, err);
    }
  };
}

function readOnlyRefusal(path: string, reason: string): ApiResponse {
  return problem(405, 'Method Not Allowed', reason, path, [], { allow: [...READ_METHODS].join(', ') });
}

/** True when `path` matches an extra route's path, whose `{param}` segments match any one segment. */
function extraPathMatches(pattern: string, path: string): boolean {
  if (!pattern.includes('{')) return pattern === path;
  const want = pattern.split('/');
  const got = path.split('/');
  return want.length === got.length && want.every((w, i) => (/^\{\w+\}$/.test(w) ? (got[i] ?? '') !== '' : w === got[i]));
}

/** The handlers for the request's path, or undefined when no route matches. */
function match(options: RouterOptions, request: ApiRequest): Methods | undefined {
  const segments = pathSegments(request.url.pathname);
  if (segments === undefined) return undefined;
  const { store } = options;
  const [first, second, third, fourth] = segments;
  switch (segments.length) {
    case 0:
      return { GET: async () => ({ status: 200, body: rootInfo(options.version) }) };
    case 1:
      if (first === 'ready') return { GET: async () => readiness(options.isReady()) };
      if (first === 'apply') return { POST: () => applyResources(store, request) };
      return listAcrossMeshes(store, request, first);
    case 2: {
      // /meshes/{name}, /global-secrets/{name}: a global kind is keyed with mesh = name.
      const type = byPlural(first);
      if (type?.scope !== 'global' || second === undefined) return undefined;
      return itemMethods(store, request, type, second, second);
    }
    case 3:
      return first === 'meshes' && second !== undefined ? listInMesh(store, request, second, third) : undefined;
    case 4: {
      const type = meshScoped(third);
      if (first !== 'meshes' || !type || second === undefined || fourth === undefined) return undefined;
      return itemMethods(store, request, type, second, fourth);
    }
    default:
      return undefined;
  }
}

/** GET /{plural}: every resource of a kind, across meshes (Kuma has it for every kind). */
function listAcrossMeshes(store: ResourceStore, request: ApiRequest, plural: string | undefined): Methods | undefined {
  const type = byPlural(plural);
  return type ? { GET: () => listResources(store, request, type.kind, undefined) } : undefined;
}

/** GET /meshes/{mesh}/{plural}. */
function listInMesh(store: ResourceStore, request: ApiRequest, mesh: string, plural: string | undefined) {
  const type = meshScoped(plural);
  return type ? { GET: () => listResources(store, request, type.kind, mesh) } : undefined;
}

/** GET, PUT and DELETE of one resource. */
function itemMethods(store: ResourceStore, request: ApiRequest, type: ResourceType, mesh: string, name: string) {
  const key = { kind: type.kind, mesh, name };
  return {
    GET: () => getResource(store, request, key),
    PUT: () => putResource(store, request, type, key),
    DELETE: () => deleteResource(store, request, key),
  };
}

/** The type whose REST segment is exactly `plural` (no aliases in URLs). */
function byPlural(plural: string | undefined): ResourceType | undefined {
  const type = plural === undefined ? undefined : findResourceType(plural);
  return type && type.plural === plural ? type : undefined;
}

/** A mesh-scoped type by its plural. */
function meshScoped(plural: string | undefined): ResourceType | undefined {
  const type = byPlural(plural);
  return type?.scope === 'mesh' ? type : undefined;
}

/** Decoded non-empty path segments (a trailing slash is ignored); undefined if undecodable. */
function pathSegments(pathname: string): string[] | undefined {
  try {
    return pathname.split('/').filter((s) => s !== '').map(decodeURIComponent);
  } catch {
    return undefined;
  }
}

/** GET / in the shape of Kuma's index endpoint. */
function rootInfo(version: string): Record<string, string> {
  return { product: 'Portico', tagline: 'Portico', version, basedOnKuma: '2.x', hostname: hostname() };
}

/** GET /ready: 200 once the store is loaded, 503 before (and again during shutdown). */
function readiness(ready: boolean): ApiResponse {
  return { status: ready ? 200 : 503, body: { ready } };
}

/** Map a thrown error to a response; only unexpected ones are logged, with their stack. */
function errorResponse(log: Logger, request: ApiRequest, err: unknown): ApiResponse {
  const path = request.url.pathname;
  if (err instanceof ConflictError) return conflict(path, err.message);
  if (err instanceof StoreUnavailableError) {
    log.warn({ err, method: request.method, path }, 'store unavailable');
    return unavailable(path);
  }
  log.error({ err, method: request.method, path }, 'request failed');
  return internalError(path);
}
