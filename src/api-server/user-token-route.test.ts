// POST /tokens/user through the router: Kuma's body and validation messages, the token as text,
// and only admins may call it.
import { pino } from 'pino';
import { beforeAll, describe, expect, it } from 'vitest';
import { MemoryStore } from '../core/memory-store.js';
import { UserTokens } from '../tokens/user-token.js';
import type { ProblemBody } from './problem.js';
import { createRouter, type Router } from './router.js';

const NOW = Date.UTC(2026, 11, 3, 12, 0, 0);

let tokens: UserTokens;
let router: Router;

beforeAll(() => {
  const store = new MemoryStore({ logger: pino({ level: 'silent' }) });
  tokens = new UserTokens(store);
  router = createRouter({ store, logger: pino({ level: 'silent' }), isReady: () => true, version: '1', userTokens: tokens, auth: { localhostIsAdmin: true, now: () => NOW } });
});

/** POST /tokens/user from loopback (admin) or from elsewhere with `authorization`. */
function post(body: unknown, from: { authorization?: string } = {}) {
  return router({
    method: 'POST',
    url: new URL('http://127.0.0.1:5681/tokens/user'),
    headers: { host: '127.0.0.1:5681', 'content-type': 'application/json', ...(from.authorization ? { authorization: from.authorization } : {}) },
    body: typeof body === 'string' ? body : JSON.stringify(body),
    remoteAddress: from.authorization ? '10.0.0.7' : '127.0.0.1',
  });
}

describe('POST /tokens/user', () => {
  it('answers a token for the name and groups as text/plain, valid for validFor', async () => {
    const res = await post({ name: 'john', groups: ['team-a', 'team-b'], validFor: '24h' });
    expect(res).toMatchObject({ status: 200, contentType: 'text/plain', headers: { 'cache-control': 'no-store' } });
    const token = String(res.body);
    expect(await tokens.validate(token, NOW + 23 * 3600_000)).toMatchObject({ ok: true, user: { name: 'john', groups: ['team-a', 'team-b', 'mesh-system:authenticated'] } });
    expect(await tokens.validate(token, NOW + 25 * 3600_000)).toEqual({ ok: false, reason: 'expired', message: 'token is expired' });
  });

  it('accepts a token without groups', async () => {
    const res = await post({ name: 'ci', validFor: '8760h' });
    expect(await tokens.validate(String(res.body), NOW)).toMatchObject({ ok: true, user: { groups: ['mesh-system:authenticated'] } });
  });

  it.each([
    [{ groups: ['a'], validFor: '1h' }, [{ field: 'name', message: 'cannot be empty' }]],
    [{ name: 'john' }, [{ field: 'validFor', message: 'cannot be empty' }]],
    [{ name: 'john', validFor: '1d' }, [{ field: 'validFor', message: 'is invalid: invalid duration "1d": use a number and a unit (ns, us, ms, s, m, h), e.g. 24h or 1h30m' }]],
    [{ name: 'john', validFor: '100ms' }, [{ field: 'validFor', message: 'must be at least 1s' }]],
    [{ name: 'john', validFor: '87601h' }, [{ field: 'validFor', message: 'must be at most 87600h' }]],
    [{ name: 'john', validFor: '1h', groups: 'admins', role: 'x' }, [{ field: 'role', message: 'unknown field "role"' }, { field: 'groups', message: 'must be a list of non-empty strings' }]],
  ])('refuses %j with 400 listing every problem', async (body, causes) => {
    const res = await post(body);
    expect(res.status).toBe(400);
    expect(res.body as ProblemBody).toMatchObject({ title: 'Invalid request', detail: 'Resource is not valid', causes });
  });

  it('is for admins only: a member token gets 403, a bad one 401, an admin token a token', async () => {
    const member = await tokens.issue({ name: 'john', groups: ['team-a'] }, 3600, NOW);
    const admin = await tokens.issue({ name: 'root', groups: ['mesh-system:admin'] }, 3600, NOW);
    expect((await post({ name: 'x', validFor: '1h' }, { authorization: `Bearer ${member}` })).status).toBe(403);
    expect((await post({ name: 'x', validFor: '1h' }, { authorization: 'Bearer nope' })).status).toBe(401);
    expect((await post({ name: 'x', validFor: '1h' }, { authorization: `Bearer ${admin}` })).status).toBe(200);
  });
});
