// The pure request router of the REST API: a decoded request in, a response out, no sockets.
// Its routes are a table of data (route.ts), each with an access level checked before the
// handler runs (access.ts); it matches Kuma's paths, and is the one place where thrown store
// errors become status codes (409, 503) and anything unexpected becomes a logged 500.
import { hostname } from 'node:os';
import type { Logger } from 'pino';
import { RESOURCE_KINDS, type ResourceKind } from '../api/resource-kinds.js';
import { ConflictError, StoreUnavailableError, type ResourceStore } from '../core/store.js';
import type { UserTokens } from '../tokens/user-token.js';
import { decideAccess, DEFAULT_AUTH, type AuthSettings } from './access.js';
import { applyResources } from './apply.js';
import { NO_COMPANIONS, type WriteCompanions } from './write-companions.js';
import { NO_CHECKS, type WriteChecks } from './write-checks.js';
import { type ApiResponse, conflict, internalError, methodNotAllowed, notFound, problem, unavailable } from './problem.js';
import { putResource } from './put-resource.js';
import { deleteResource, getResource, listResources, type ApiRequest } from './resources.js';
import { matchPattern, type Access, type Route, type RouteSummary } from './route.js';
import { userTokenRoute } from './user-token-route.js';
import type { WriteRole } from '../api/multizone-rules.js';

/** A route the runtime adds next to the resource API; like every route it declares its access level. */
export type ExtraRoute = Route;

/** What the router needs. */
export interface RouterOptions {
  readonly store: ResourceStore;
  readonly logger: Logger;
  /** True once the store finished its initial load; drives GET /ready. */
  readonly isReady: () => boolean;
  /** Reported by GET /. */
  readonly version: string;
  /** Matched before the resource routes, in order. */
  readonly extraRoutes?: readonly ExtraRoute[];
  /**
   * When set, the resource API refuses writes with 405 and this explanation (Kubernetes mode: the
   * API server is the source of truth and `kubectl apply` goes through admission, as in Kuma).
   */
  readonly readOnly?: string;
  /** Authentication (default: loopback is admin, bearer tokens refused). */
  readonly auth?: AuthSettings;
  /** Issues user tokens on POST /tokens/user and validates bearer tokens (unless `auth` has a validator). */
  readonly userTokens?: UserTokens;
  /** Resources a write brings along in the same commit (a Mesh's builtin CA); none by default. */
  readonly companions?: WriteCompanions;
  /** Checks of a write that read the store or the disk (a provided mesh CA); none by default. */
  readonly checks?: WriteChecks;
  /** Multi-zone write rules (docs/multizone.md §5); absent = every kind writable, labels as given. */
  readonly role?: WriteRole;
}

const READ_METHODS = new Set(['GET', 'HEAD']);

/** The request handler (it never rejects: every failure is an error response) and its route table. */
export interface Router {
  (request: ApiRequest): Promise<ApiResponse>;
  /** Every route, in matching order, with its access level. */
  readonly routes: readonly RouteSummary[];
}

/** Build the router. */
export function createRouter(options: RouterOptions): Router {
  const log = options.logger.child({ module: 'api-server' });
  const auth: AuthSettings = { ...DEFAULT_AUTH, ...(options.userTokens ? { userTokens: options.userTokens } : {}), ...options.auth };
  const routes = routeTable(options);
  const handle = async (request: ApiRequest): Promise<ApiResponse> => {
    const path = request.url.pathname;
    try {
      const found = findRoute(routes, request);
      if (!found.ok) return found.response;
      const { route, params } = found;
      const decision = await decideAccess(request, route.access, auth);
      if (!decision.allowed) {
        log.debug({ method: request.method, path, status: decision.response.status, reason: decision.reason }, 'request refused');
        return decision.response;
      }
      if (options.readOnly && route.resourceWrite) return readOnlyRefusal(path, options.readOnly);
      return await route.handler(request, params);
    } catch (err) {
      return errorResponse(log, request, err);
    }
  };
  return Object.assign(handle, { routes: routes.map(({ method, path, access }) => ({ method, path, access })) });
}

/** Every route in matching order: the runtime's, the router's own, then the resource API. */
function routeTable(options: RouterOptions): Route[] {
  const { store } = options;
  const companions = options.companions ?? NO_COMPANIONS;
  const checks = options.checks ?? NO_CHECKS;
  return [
    ...(options.extraRoutes ?? []),
    { method: 'GET', path: '/', access: 'public', handler: async () => ({ status: 200, body: rootInfo(options.version) }) },
    { method: 'GET', path: '/ready', access: 'public', handler: async () => readiness(options.isReady()) },
    { method: 'POST', path: '/apply', access: 'admin', resourceWrite: true, handler: (request) => applyResources(store, request, companions, checks, options.role) },
    ...(options.userTokens ? [userTokenRoute(options.userTokens, options.auth?.now)] : []),
    ...RESOURCE_KINDS.flatMap((type) => resourceRoutes(store, type, companions, checks, options.role)),
  ];
}

/**
 * The routes of one kind. Reads need an authenticated user, except for confidential kinds
 * (Secret, GlobalSecret), which are admin resources as in Kuma: even their metadata is admin-only.
 * Writes are admin-only.
 */
function resourceRoutes(store: ResourceStore, type: ResourceKind, companions: WriteCompanions, checks: WriteChecks, role: WriteRole | undefined): Route[] {
  const read: Access = type.confidential ? 'admin' : 'authenticated';
  const item = type.scope === 'global' ? `/${type.plural}/{name}` : `/meshes/{mesh}/${type.plural}/{name}`;
  // A global kind is keyed with mesh = name.
  const key = (p: Readonly<Record<string, string>>) => ({ kind: type.kind, mesh: p['mesh'] ?? p['name'] ?? '', name: p['name'] ?? '' });
  return [
    // GET /{plural}: every resource of a kind, across meshes (Kuma has it for every kind).
    { method: 'GET', path: `/${type.plural}`, access: read, handler: (r) => listResources(store, r, type.kind, undefined) },
    ...(type.scope === 'mesh'
      ? [{ method: 'GET', path: `/meshes/{mesh}/${type.plural}`, access: read, handler: (r, p) => listResources(store, r, type.kind, p['mesh']) } satisfies Route]
      : []),
    { method: 'GET', path: item, access: read, handler: (r, p) => getResource(store, r, key(p)) },
    { method: 'PUT', path: item, access: 'admin', resourceWrite: true, handler: (r, p) => putResource(store, r, type, key(p), companions, checks, role) },
    { method: 'DELETE', path: item, access: 'admin', resourceWrite: true, handler: (r, p) => deleteResource(store, r, key(p), role) },
  ];
}

type Found = { ok: true; route: Route; params: Readonly<Record<string, string>> } | { ok: false; response: ApiResponse };

/** The route for the request's method and path; 404 when no path matches, 405 when only the method is wrong. */
function findRoute(routes: readonly Route[], request: ApiRequest): Found {
  const path = request.url.pathname;
  const segments = pathSegments(path);
  if (segments === undefined) return { ok: false, response: notFound(path) };
  const allowed: string[] = [];
  for (const route of routes) {
    const params = matchPattern(route.path, segments);
    if (!params) continue;
    if (route.method === request.method) return { ok: true, route, params };
    if (!allowed.includes(route.method)) allowed.push(route.method);
  }
  return { ok: false, response: allowed.length > 0 ? methodNotAllowed(path, allowed) : notFound(path) };
}

function readOnlyRefusal(path: string, reason: string): ApiResponse {
  return problem(405, 'Method Not Allowed', reason, path, [], { allow: [...READ_METHODS].join(', ') });
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
// kumactl (`config control-planes add`) accepts a control plane whose `tagline` is its product,
// "Kuma"; `product` says what actually answers, so people and Portico's own tools can tell
// (docs/differences-from-kuma.md, "The API index").
function rootInfo(version: string): Record<string, string> {
  return { product: 'Portico', tagline: 'Kuma', version, basedOnKuma: '2.x', hostname: hostname() };
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
