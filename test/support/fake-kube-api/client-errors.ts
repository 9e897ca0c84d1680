// What @kubernetes/client-node 1.4 hands a caller when a request fails: an ApiException whose
// `body` is the raw response text (a JSON Status string, not an object), or undefined for 401,
// which the generated client answers without reading the body.
import { ApiException } from '@kubernetes/client-node';
import type { Obj } from './json.js';

/** The failed request's HTTP code and parsed Status body (`{}` when the client dropped it); throws if it succeeded. */
export async function apiFailure(request: Promise<unknown>): Promise<{ code: number; status: Obj }> {
  try {
    await request;
  } catch (error) {
    if (!(error instanceof ApiException)) throw error;
    const body: unknown = error.body;
    return { code: error.code, status: typeof body === 'string' && body.length > 0 ? (JSON.parse(body) as Obj) : {} };
  }
  throw new Error('expected the request to fail');
}
