// authentication.k8s.io/v1 TokenReview answered from a table the test fills, with the real
// response shape: status.user is `{}` and `authenticated` is omitted for unknown tokens, and a
// review whose requested audiences share none with the token's is unauthenticated.
import type { Obj } from './json.js';
import { child, isObj, items, str } from './json.js';
import { badRequest } from './status-errors.js';

/** What the "authenticator" says about one token. */
export interface TokenReviewResult {
  readonly authenticated: boolean;
  readonly user?: { readonly username: string; readonly uid?: string; readonly groups?: readonly string[]; readonly extra?: Readonly<Record<string, readonly string[]>> };
  /** The audiences the token is valid for; default: the API server's own audience. */
  readonly audiences?: readonly string[];
  readonly error?: string;
}

/** The API server's own audience, which tokens get when no audience is requested. */
export const API_SERVER_AUDIENCE = 'https://kubernetes.default.svc.cluster.local';

/** The token table and the review logic. */
export class TokenReviews {
  private readonly table = new Map<string, TokenReviewResult>();

  /** Sets the answer for one token. */
  set(token: string, result: TokenReviewResult): void {
    this.table.set(token, result);
  }

  /** Answers a TokenReview create; the review is not stored. */
  review(body: unknown): Obj {
    if (!isObj(body)) throw badRequest('couldn\'t get version/kind; json parse error');
    const spec = child(body, 'spec') ?? {};
    const token = str(spec, 'token');
    if (!token) throw badRequest('token is required for TokenReview in authentication');
    const requested = items(spec, 'audiences').filter((a): a is string => typeof a === 'string');
    return { kind: 'TokenReview', apiVersion: 'authentication.k8s.io/v1', metadata: { creationTimestamp: null }, spec, status: this.statusFor(token, requested) };
  }

  private statusFor(token: string, requested: readonly string[]): Obj {
    const result = this.table.get(token);
    if (!result) return { user: {}, error: 'invalid bearer token' };
    if (!result.authenticated) return { user: {}, ...(result.error ? { error: result.error } : {}) };
    const valid = result.audiences ?? [API_SERVER_AUDIENCE];
    const wanted = requested.length > 0 ? requested : [API_SERVER_AUDIENCE];
    const granted = valid.filter((a) => wanted.includes(a));
    if (granted.length === 0) return { user: {}, error: `[invalid bearer token, token audiences ${JSON.stringify(valid)} is invalid for the target audiences ${JSON.stringify(wanted)}]` };
    return { authenticated: true, user: { ...result.user }, audiences: granted };
  }
}
