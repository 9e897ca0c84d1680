// The admin user token Kuma creates on the first start of a control plane (docs/api-auth.md): a
// 10-year user token for `mesh-system:admin`, kept as GlobalSecret `admin-user-token` so an
// operator on the control-plane machine can read it over loopback and hand it to remote admins.
// It is created once and never overwritten: deleting it and switching the bootstrap off is how
// an operator retires it.
import type { ResourceKey } from '../core/resource.js';
import { ConflictError, type ResourceStore } from '../core/store.js';
import { MAX_VALIDITY_SECONDS } from './token-family.js';
import { ADMIN_USER, type UserTokens } from './user-token.js';

/** Where the admin user token is kept. */
export const ADMIN_USER_TOKEN: ResourceKey = { kind: 'GlobalSecret', mesh: 'admin-user-token', name: 'admin-user-token' };

/** Validity of the admin user token (Kuma's: 10 years). */
export const ADMIN_USER_TOKEN_VALIDITY_SECONDS = MAX_VALIDITY_SECONDS;

/**
 * Creates the admin user token unless it exists; true when this call created it. A replica that
 * loses the race to create it keeps the winner's token.
 */
export async function ensureAdminUserToken(store: ResourceStore, tokens: UserTokens, now: number): Promise<boolean> {
  if (await store.get(ADMIN_USER_TOKEN)) return false;
  const token = await tokens.issue(ADMIN_USER, ADMIN_USER_TOKEN_VALIDITY_SECONDS, now);
  try {
    await store.put({ ...ADMIN_USER_TOKEN, spec: { data: Buffer.from(token).toString('base64') } }, { mustCreate: true });
    return true;
  } catch (err) {
    if (err instanceof ConflictError) return false;
    throw new Error(`create GlobalSecret ${ADMIN_USER_TOKEN.name}`, { cause: err });
  }
}
