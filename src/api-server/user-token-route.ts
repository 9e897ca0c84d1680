// POST /tokens/user: Kuma's user-token endpoint. Body `{name, groups, validFor}` (validFor in Go
// duration syntax, `24h`); the answer is the token as text/plain, never stored or logged by the
// control plane. Admin only (the route table says so); the caller's own groups do not limit the
// groups it may grant, as in Kuma, because only admins get here.
import { parseGoDuration } from '../api/go-duration.js';
import type { Violation } from '../api/violation.js';
import { MAX_VALIDITY_SECONDS } from '../tokens/token-family.js';
import type { UserTokens } from '../tokens/user-token.js';
import { bodyFormat, parseSingleDocument } from './body.js';
import { problem, unsupportedMediaType, type ApiResponse } from './problem.js';
import type { ApiRequest } from './resources.js';
import type { Route } from './route.js';

/** Path of the user-token endpoint. */
export const USER_TOKEN_PATH = '/tokens/user';

/** A validated request: who the token is for and for how long. */
interface UserTokenRequest {
  readonly name: string;
  readonly groups: readonly string[];
  readonly validForSeconds: number;
}

/** The route issuing user tokens with `tokens`; `now` in ms. */
export function userTokenRoute(tokens: UserTokens, now: () => number = Date.now): Route {
  return {
    method: 'POST',
    path: USER_TOKEN_PATH,
    access: 'admin',
    handler: async (request) => {
      const parsed = parseRequest(request);
      if (!parsed.ok) return parsed.response;
      const { name, groups, validForSeconds } = parsed.value;
      const token = await tokens.issue({ name, groups }, validForSeconds, now());
      return { status: 200, headers: { 'cache-control': 'no-store' }, body: token, contentType: 'text/plain' };
    },
  };
}

/** The request body, or a 400 listing every problem with it (in Kuma's wording). */
function parseRequest(request: ApiRequest): { ok: true; value: UserTokenRequest } | { ok: false; response: ApiResponse } {
  const instance = request.url.pathname;
  const format = bodyFormat(request.headers['content-type']);
  if (!format) return { ok: false, response: unsupportedMediaType(instance, request.headers['content-type'] ?? '') };
  const doc = parseSingleDocument(request.body, format);
  if (!doc.ok) return { ok: false, response: invalidRequest(instance, doc.violations) };
  const body = doc.value !== null && typeof doc.value === 'object' && !Array.isArray(doc.value) ? (doc.value as Record<string, unknown>) : undefined;
  if (!body) return { ok: false, response: invalidRequest(instance, [{ field: '', message: 'must be an object' }]) };
  const violations: Violation[] = [];
  for (const key of Object.keys(body)) {
    if (!['name', 'groups', 'validFor'].includes(key)) violations.push({ field: key, message: `unknown field "${key}"` });
  }
  const name = body['name'];
  if (typeof name !== 'string' || name.trim() === '') violations.push({ field: 'name', message: 'cannot be empty' });
  const groups = body['groups'] ?? [];
  if (!Array.isArray(groups) || !groups.every((g) => typeof g === 'string' && g !== '')) {
    violations.push({ field: 'groups', message: 'must be a list of non-empty strings' });
  }
  const validFor = validity(body['validFor']);
  if (!validFor.ok) violations.push({ field: 'validFor', message: validFor.message });
  if (violations.length > 0 || !validFor.ok) return { ok: false, response: invalidRequest(instance, violations) };
  return { ok: true, value: { name: String(name), groups: groups as string[], validForSeconds: validFor.seconds } };
}

/** Whole seconds of `validFor`: required, at least 1s, at most the family's maximum. */
function validity(value: unknown): { ok: true; seconds: number } | { ok: false; message: string } {
  if (value === undefined || value === null || value === '') return { ok: false, message: 'cannot be empty' };
  if (typeof value !== 'string') return { ok: false, message: 'must be a duration such as 24h' };
  const parsed = parseGoDuration(value);
  if (!parsed.ok) return { ok: false, message: `is invalid: ${parsed.message}` };
  const seconds = Math.floor(parsed.ms / 1000);
  if (seconds < 1) return { ok: false, message: 'must be at least 1s' };
  if (seconds > MAX_VALIDITY_SECONDS) return { ok: false, message: `must be at most ${MAX_VALIDITY_SECONDS / 3600}h` };
  return { ok: true, seconds };
}

/** 400 in the shape Kuma's token endpoint answers. */
function invalidRequest(instance: string, violations: readonly Violation[]): ApiResponse {
  return problem(400, 'Invalid request', 'Resource is not valid', instance, violations);
}
