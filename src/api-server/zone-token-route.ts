// POST /tokens/zone (Kuma's path and body): issues a zone token signed with the current
// `zone-token-signing-key-<N>` and answers it as text/plain, so `curl ... > zone.token` works. The
// body is `{zone, scope: ["cp", ...], validFor: "24h"}`; mistakes are a 400 listing every field.
// Admin only, like every token route (docs/api-auth.md); the token is never stored or logged.
import { parseZoneTokenRequest, type ZoneTokens } from '../tokens/zone-token.js';
import { parseSingleDocument } from './body.js';
import { badRequest, type ApiResponse } from './problem.js';
import type { ApiRequest } from './resources.js';
import type { ExtraRoute } from './router.js';

/** Path of the route. */
export const ZONE_TOKEN_PATH = '/tokens/zone';

/** The route; `now` in ms (tests pin it). */
export function zoneTokenRoute(tokens: ZoneTokens, now: () => number = Date.now): ExtraRoute {
  return { method: 'POST', path: ZONE_TOKEN_PATH, access: 'admin', handler: (request) => issue(tokens, request, now()) };
}

async function issue(tokens: ZoneTokens, request: ApiRequest, now: number): Promise<ApiResponse> {
  // The API's bounded decoder, as JSON whatever the content type (Kuma's clients send JSON).
  const body = parseSingleDocument(request.body.trim() === '' ? '{}' : request.body, 'json');
  if (!body.ok) return badRequest(ZONE_TOKEN_PATH, 'request body is not valid JSON', body.violations);
  const parsed = parseZoneTokenRequest(body.value);
  if (!parsed.ok) return badRequest(ZONE_TOKEN_PATH, 'invalid zone token request', parsed.violations);
  const token = await tokens.issue(parsed.value, now);
  return { status: 200, headers: { 'cache-control': 'no-store' }, contentType: 'text/plain', body: token };
}
