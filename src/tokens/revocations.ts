// Token revocation, Kuma's way (docs/tokens.md): a secret holding the revoked token ids (`jti`),
// comma-separated. The list is re-read on every check, so a revocation takes effect on the next
// stream or request without a restart.
import type { ResourceKey } from '../core/resource.js';
import type { ResourceStore } from '../core/store.js';

/** The revocation secret of a mesh's dataplane tokens. */
export function dataplaneRevocations(mesh: string): ResourceKey {
  return { kind: 'Secret', mesh, name: `dataplane-token-revocations-${mesh}` };
}

/** The revocation GlobalSecret of user tokens. */
export const USER_REVOCATIONS: ResourceKey = { kind: 'GlobalSecret', mesh: 'user-token-revocations', name: 'user-token-revocations' };

/** The revocation GlobalSecret of zone tokens. */
export const ZONE_REVOCATIONS: ResourceKey = { kind: 'GlobalSecret', mesh: 'zone-token-revocations', name: 'zone-token-revocations' };

/** The revoked ids in a secret's text: comma-separated, blanks and empty entries ignored. */
export function parseRevokedIds(text: string): ReadonlySet<string> {
  return new Set(text.split(',').map((s) => s.trim()).filter((s) => s !== ''));
}

/** True when `jti` is listed in the revocation secret at `key`. */
export async function isRevoked(store: ResourceStore, key: ResourceKey, jti: string): Promise<boolean> {
  const secret = await store.get(key);
  if (!secret) return false;
  const text = Buffer.from((secret.spec as { data: string }).data, 'base64').toString('utf8');
  return parseRevokedIds(text).has(jti);
}
