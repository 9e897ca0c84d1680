// User tokens: Kuma's claims, the implicit authenticated group, claim checks, and the admin user
// token created once on first start.
import { pino } from 'pino';
import { beforeEach, describe, expect, it } from 'vitest';
import { MemoryStore } from '../core/memory-store.js';
import { ConflictError } from '../core/store.js';
import { ADMIN_USER_TOKEN, ensureAdminUserToken } from './admin-user-token.js';
import { signToken } from './jwt.js';
import { AUTHENTICATED_GROUP, UserTokens } from './user-token.js';

const NOW = Date.UTC(2026, 11, 3, 12, 0, 0);

function claimsOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as Record<string, unknown>;
}

describe('UserTokens', () => {
  let store: MemoryStore;
  let tokens: UserTokens;

  beforeEach(() => {
    store = new MemoryStore({ logger: pino({ level: 'silent' }) });
    tokens = new UserTokens(store);
  });

  it('issues Kuma claims Name and Groups, and validates to the user plus mesh-system:authenticated', async () => {
    const token = await tokens.issue({ name: 'john', groups: ['team-a'] }, 24 * 3600, NOW);
    expect(claimsOf(token)).toMatchObject({ Name: 'john', Groups: ['team-a'], exp: NOW / 1000 + 24 * 3600 });
    expect(await tokens.validate(token, NOW)).toMatchObject({ ok: true, user: { name: 'john', groups: ['team-a', AUTHENTICATED_GROUP] } });
  });

  it('refuses a token of the family whose claims are not a user', async () => {
    await tokens.issue({ name: 'x', groups: [] }, 60, NOW);
    const key = await new UserTokens(store)['family'].keys.current();
    const sign = (claims: Record<string, unknown>) => signToken({ claims, privateKey: key.privateKey, kid: key.kid, jti: 'j', notBefore: NOW / 1000, expiresAt: NOW / 1000 + 60 });
    expect(await tokens.validate(await sign({ Groups: [] }), NOW)).toEqual({ ok: false, message: 'token has no Name claim' });
    expect(await tokens.validate(await sign({ Name: 'x', Groups: 'admin' }), NOW)).toEqual({ ok: false, message: 'token claim Groups must be a list of strings' });
  });
});

describe('ensureAdminUserToken', () => {
  it('creates GlobalSecret admin-user-token once, holding a 10-year admin token', async () => {
    const store = new MemoryStore({ logger: pino({ level: 'silent' }) });
    const tokens = new UserTokens(store);
    expect(await ensureAdminUserToken(store, tokens, NOW)).toBe(true);
    const secret = await store.get(ADMIN_USER_TOKEN);
    const token = Buffer.from(String((secret?.spec as { data?: string } | undefined)?.data), 'base64').toString();
    expect(claimsOf(token)).toMatchObject({ Name: 'mesh-system:admin', Groups: ['mesh-system:admin', 'mesh-system:authenticated'], exp: NOW / 1000 + 10 * 365 * 24 * 3600 });
    expect(await tokens.validate(token, NOW)).toMatchObject({ ok: true, user: { name: 'mesh-system:admin' } });
    expect(await ensureAdminUserToken(store, tokens, NOW + 1000)).toBe(false);
    expect((await store.get(ADMIN_USER_TOKEN))?.version).toBe(secret?.version);
  });

  it('keeps the token of a replica that created it first', async () => {
    const store = new MemoryStore({ logger: pino({ level: 'silent' }) });
    const put = store.put.bind(store);
    store.put = async (input, options) => {
      if (input.name === ADMIN_USER_TOKEN.name) {
        await put({ kind: 'GlobalSecret', mesh: input.mesh, name: input.name, spec: { data: Buffer.from('theirs').toString('base64') } });
        throw new ConflictError('created meanwhile', input);
      }
      return put(input, options);
    };
    expect(await ensureAdminUserToken(store, new UserTokens(store), NOW)).toBe(false);
    const stored = (await store.get(ADMIN_USER_TOKEN))?.spec as { data?: string } | undefined;
    expect(Buffer.from(String(stored?.data), 'base64').toString()).toBe('theirs');
  });
});
