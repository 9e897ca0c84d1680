// The access decision of the REST API (docs/api-auth.md): who the caller is (authentication),
// then whether the route's access level admits them (authorization). Explicit credentials win:
// a request with an Authorization header is judged by its token alone, even from loopback, so an
// operator can try a member's token on the control-plane machine. Without one, a direct loopback
// request is the admin user (unless switched off); anyone else is anonymous.
import { ADMIN_GROUP, ADMIN_USER, AUTHENTICATED_GROUP, type User, type UserTokenValidator } from '../tokens/user-token.js';
import { notDirectLoopback } from './direct-loopback.js';
import { problem, type ApiResponse } from './problem.js';
import type { ApiRequest } from './resources.js';
import type { Access } from './route.js';

/** How the API authenticates callers. */
export interface AuthSettings {
  /** Direct loopback requests without credentials act as the admin user (Kuma's default: true). */
  readonly localhostIsAdmin: boolean;
  /** Validates bearer tokens; absent, every bearer token is refused. */
  readonly userTokens?: UserTokenValidator;
  /** Which socket peers count as loopback (default: 127.0.0.0/8 and ::1); tests narrow it. */
  readonly isLoopbackPeer?: (address: string) => boolean;
  /** Clock for token validity, in ms (default Date.now). */
  readonly now?: () => number;
}

/** Settings of a server nobody configured: loopback is admin, tokens are refused. */
export const DEFAULT_AUTH: AuthSettings = { localhostIsAdmin: true };

/** The outcome: the caller may proceed, or the 401/403 answer and why (for the debug log). */
export type AccessDecision =
  | { readonly allowed: true; readonly user: User | undefined }
  | { readonly allowed: false; readonly response: ApiResponse; readonly reason: string };

/** Decide whether `request` may call a route of level `access`. Never throws for bad input. */
export async function decideAccess(request: ApiRequest, access: Access, settings: AuthSettings): Promise<AccessDecision> {
  if (access === 'public') return { allowed: true, user: undefined };
  const caller = await authenticate(request, settings);
  if (!caller.ok) return caller.decision;
  const missing = access === 'admin' ? ADMIN_GROUP : AUTHENTICATED_GROUP;
  if (caller.user.groups.includes(missing)) return { allowed: true, user: caller.user };
  const detail = `user "${caller.user.name}" (groups: ${caller.user.groups.join(', ')}) cannot ${request.method} ${request.url.pathname}: it needs group ${missing}`;
  return { allowed: false, reason: detail, response: problem(403, 'Access Denied', detail, request.url.pathname) };
}

type Authentication = { readonly ok: true; readonly user: User } | { readonly ok: false; readonly decision: AccessDecision };

/** Who the caller is: the token's user, the loopback admin, or a 401. */
async function authenticate(request: ApiRequest, settings: AuthSettings): Promise<Authentication> {
  const header = request.headers['authorization'];
  if (header !== undefined) return authenticateToken(request, header, settings);
  const notLoopback = notDirectLoopback(request.remoteAddress, request.headers, settings.isLoopbackPeer);
  if (settings.localhostIsAdmin && notLoopback === undefined) return { ok: true, user: ADMIN_USER };
  const why = settings.localhostIsAdmin ? `no credentials, and loopback admin does not apply: ${notLoopback ?? ''}` : 'no credentials';
  const detail = 'this route needs a user token: send the header "Authorization: Bearer <token>"';
  return { ok: false, decision: unauthenticated(request, 'Unauthenticated', detail, why) };
}

/** The user of a bearer token, or a 401 saying what is wrong with it (never quoting it). */
async function authenticateToken(request: ApiRequest, header: string, settings: AuthSettings): Promise<Authentication> {
  const token = /^Bearer +(\S+) *$/i.exec(header)?.[1];
  if (token === undefined) {
    return { ok: false, decision: unauthenticated(request, 'Invalid authentication data', 'the Authorization header must be "Bearer <token>"', 'malformed Authorization header') };
  }
  if (!settings.userTokens) {
    return { ok: false, decision: unauthenticated(request, 'Invalid authentication data', 'user tokens are not accepted by this server', 'no token validator') };
  }
  const valid = await settings.userTokens.validate(token, (settings.now ?? Date.now)());
  if (!valid.ok) return { ok: false, decision: unauthenticated(request, 'Invalid authentication data', valid.message, valid.message) };
  return { ok: true, user: valid.user };
}

/** 401 in Kuma's error shape, with the Bearer challenge of RFC 6750. */
function unauthenticated(request: ApiRequest, title: string, detail: string, reason: string): AccessDecision {
  const response = problem(401, title, detail, request.url.pathname, [], { 'www-authenticate': 'Bearer realm="portico"' });
  return { allowed: false, response, reason };
}
