// POST /tokens/dataplane (Kuma's path and body): issues a dataplane token signed with the mesh's
// current key and answers it as text/plain, as Kuma does, so `curl ... > token` just works. The
// body is `{name, mesh, tags: {k: [v...]}, type, validFor: "24h"}`; mistakes are a 400 listing
// every field. Issuing tokens is an admin's act (docs/api-auth.md).
import type { ResourceStore } from '../core/store.js';
import { parseDataplaneTokenRequest, type DataplaneTokens } from '../tokens/dataplane-token.js';
import { parseSingleDocument } from './body.js';
import { badRequest, type ApiResponse } from './problem.js';
import type { ApiRequest } from './resources.js';
import type { ExtraRoute } from './router.js';

/** Path of the route. */
export const DATAPLANE_TOKEN_PATH = '/tokens/dataplane';

/** The route; `now` in ms (tests pin it). */
export function dataplaneTokenRoute(store: ResourceStore, tokens: DataplaneTokens, now: () => number = Date.now): ExtraRoute {
  return { method: 'POST', path: DATAPLANE_TOKEN_PATH, access: 'admin', handler: (request) => issue(store, tokens, request, now()) };
}

async function issue(store: ResourceStore, tokens: DataplaneTokens, request: ApiRequest, now: number): Promise<ApiResponse> {
  // The API's one body decoder (size, nesting and duplicate-key checks included), as JSON whatever
  // the content type, since Kuma's clients send JSON; an empty body means all defaults.
  const body = parseSingleDocument(request.body.trim() === '' ? '{}' : request.body, 'json');
  if (!body.ok) return badRequest(DATAPLANE_TOKEN_PATH, 'request body is not valid JSON', body.violations);
  const parsed = parseDataplaneTokenRequest(body.value);
  if (!parsed.ok) return badRequest(DATAPLANE_TOKEN_PATH, 'invalid dataplane token request', parsed.violations);
  const mesh = parsed.value.mesh;
  if (!(await store.get({ kind: 'Mesh', mesh, name: mesh }))) {
    return badRequest(DATAPLANE_TOKEN_PATH, 'invalid dataplane token request', [{ field: 'mesh', message: `mesh ${JSON.stringify(mesh)} does not exist` }]);
  }
  const token = await tokens.issue(parsed.value, now);
  return { status: 200, contentType: 'text/plain', body: token };
}
