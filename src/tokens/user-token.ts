// User tokens, Kuma's way (docs/api-auth.md): RS256 JWTs of the user-token family (docs/tokens.md)
// whose claims are the user's `Name` and `Groups`. Every valid token also makes its holder a
// member of `mesh-system:authenticated`, whatever groups it was issued with.
import type { ResourceStore } from '../core/store.js';
import type { TokenFailure } from './jwt.js';
import { USER_REVOCATIONS } from './revocations.js';
import { USER_SIGNING_KEYS } from './signing-keys.js';
import { TokenFamily } from './token-family.js';

/** The group the REST API requires for writes, secret data and token generation. */
export const ADMIN_GROUP = 'mesh-system:admin';

/** The group of every authenticated user; reads require it. */
export const AUTHENTICATED_GROUP = 'mesh-system:authenticated';

/** Who a request acts as. */
export interface User {
  readonly name: string;
  readonly groups: readonly string[];
}

/** The admin user: the one loopback requests act as, and the owner of the admin user token. */
export const ADMIN_USER: User = { name: 'mesh-system:admin', groups: [ADMIN_GROUP, AUTHENTICATED_GROUP] };

/** A user token that verified, with the user it stands for. */
export interface ValidUserToken {
  readonly ok: true;
  readonly user: User;
  /** The token id, the handle for revoking it. */
  readonly jti: string;
}

/** What the REST API needs to accept user tokens (UserTokens implements it; tests may fake it). */
export interface UserTokenValidator {
  /** Verifies signature, time, revocation and claims; `now` in ms. */
  validate(token: string, now: number): Promise<ValidUserToken | TokenFailure>;
}

/** Issues and validates user tokens, keys and revocations kept in `store` as GlobalSecrets. */
export class UserTokens implements UserTokenValidator {
  private readonly family: TokenFamily;

  constructor(store: ResourceStore) {
    this.family = new TokenFamily(store, USER_SIGNING_KEYS, USER_REVOCATIONS);
  }

  /** A token for `user`, valid for `validForSeconds` from `now` (ms). */
  issue(user: User, validForSeconds: number, now: number): Promise<string> {
    return this.family.issue({ Name: user.name, Groups: [...user.groups] }, validForSeconds, now);
  }

  async validate(token: string, now: number): Promise<ValidUserToken | TokenFailure> {
    const valid = await this.family.validate(token, now);
    if (!valid.ok) return valid;
    const user = userOf(valid.claims);
    if (!user.ok) return user;
    return { ok: true, user: user.value, jti: valid.jti };
  }
}

/** The user in a token's claims: `Name` a non-empty string, `Groups` absent or a list of strings. */
function userOf(claims: Readonly<Record<string, unknown>>): { ok: true; value: User } | TokenFailure {
  const name = claims['Name'];
  if (typeof name !== 'string' || name === '') return { ok: false, message: 'token has no Name claim' };
  const groups = claims['Groups'] ?? [];
  if (!Array.isArray(groups) || !groups.every((g): g is string => typeof g === 'string')) {
    return { ok: false, message: 'token claim Groups must be a list of strings' };
  }
  return { ok: true, value: { name, groups: [...new Set([...groups, AUTHENTICATED_GROUP])] } };
}
