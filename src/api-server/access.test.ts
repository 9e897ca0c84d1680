// The access decision as a table (docs/robustness.md S8 at unit level): loopback admin on and off, every
// proxy and browser header, no token, a bad, expired or revoked token, and member versus admin
// tokens at each access level. Tokens are real ones from a real signing key.
import { pino } from 'pino';
import { beforeAll, describe, expect, it } from 'vitest';
import { MemoryStore } from '../core/memory-store.js';
import { ADMIN_USER, UserTokens } from '../tokens/user-token.js';
import { decideAccess, type AuthSettings } from './access.js';
import { BROWSER_HEADERS, isLoopbackAddress, isLoopbackHost, PROXY_HEADERS } from './direct-loopback.js';
import type { ProblemBody } from './problem.js';
import type { ApiRequest } from './resources.js';
import type { Access } from './route.js';

const NOW = Date.UTC(2026, 11, 3, 12, 0, 0);
const HOUR = 3600;

let tokens: UserTokens;
let store: MemoryStore;
let member: string;
let admin: string;
let expired: string;
let revoked: string;

beforeAll(async () => {
  store = new MemoryStore({ logger: pino({ level: 'silent' }) });
  tokens = new UserTokens(store);
  member = await tokens.issue({ name: 'john', groups: ['team-a'] }, HOUR, NOW);
  admin = await tokens.issue(ADMIN_USER, HOUR, NOW);
  expired = await tokens.issue({ name: 'old', groups: ['mesh-system:admin'] }, HOUR, NOW - 2 * HOUR * 1000);
  revoked = await tokens.issue({ name: 'gone', groups: ['mesh-system:admin'] }, HOUR, NOW);
  const jti = String(JSON.parse(Buffer.from(revoked.split('.')[1] ?? '', 'base64url').toString())['jti']);
  await store.put({ kind: 'GlobalSecret', mesh: 'user-token-revocations', name: 'user-token-revocations', spec: { data: Buffer.from(jti).toString('base64') } });
});

function settings(localhostIsAdmin = true): AuthSettings {
  return { localhostIsAdmin, userTokens: tokens, now: () => NOW };
}

/** A request from `peer` with `headers` (Host defaults to the loopback address). */
function request(peer: string | undefined, headers: Record<string, string> = {}, method = 'PUT'): ApiRequest {
  return {
    method,
    url: new URL('http://127.0.0.1:5681/meshes/default'),
    headers: { host: '127.0.0.1:5681', ...headers },
    body: '',
    ...(peer === undefined ? {} : { remoteAddress: peer }),
  };
}

/** The status the decision leads to: 200 when allowed, else the refusal's status. */
async function statusOf(req: ApiRequest, access: Access, s: AuthSettings = settings()): Promise<number> {
  const decision = await decideAccess(req, access, s);
  return decision.allowed ? 200 : decision.response.status;
}

async function refusal(req: ApiRequest, access: Access, s: AuthSettings = settings()): Promise<ProblemBody & { headers?: Record<string, string> }> {
  const decision = await decideAccess(req, access, s);
  if (decision.allowed) throw new Error('expected a refusal');
  return { ...(decision.response.body as ProblemBody), ...(decision.response.headers ? { headers: { ...decision.response.headers } } : {}) };
}

describe('direct loopback requests', () => {
  it.each(['127.0.0.1', '127.4.5.6', '::1', '::ffff:127.0.0.1'])('make %s the admin user when loopback admin is on', async (peer) => {
    const decision = await decideAccess(request(peer), 'admin', settings());
    expect(decision).toEqual({ allowed: true, user: ADMIN_USER });
  });

  it.each(['10.0.0.7', '::ffff:10.0.0.7', '2001:db8::1', '128.0.0.1'])('do not include %s', async (peer) => {
    expect(await statusOf(request(peer), 'authenticated')).toBe(401);
  });

  it('are anonymous when loopback admin is off, and without a known peer', async () => {
    expect(await statusOf(request('127.0.0.1'), 'authenticated', settings(false))).toBe(401);
    expect(await statusOf(request(undefined), 'authenticated')).toBe(401);
  });

  it.each([...PROXY_HEADERS, ...BROWSER_HEADERS])('lose admin with a %s header', async (header) => {
    const body = await refusal(request('127.0.0.1', { [header]: 'http://127.0.0.1:5681' }), 'authenticated');
    expect(body).toMatchObject({ status: 401, title: 'Unauthenticated', details: body.detail });
  });

  it('keep admin with Sec-Fetch-Mode alone (what Node fetch sends), not with the other Sec-Fetch headers', async () => {
    expect(await statusOf(request('127.0.0.1', { 'sec-fetch-mode': 'cors' }), 'admin')).toBe(200);
    expect(await statusOf(request('127.0.0.1', { 'sec-fetch-mode': 'cors', 'sec-fetch-site': 'same-origin' }), 'admin')).toBe(401);
  });

  it.each([['localhost:5681', 200], ['[::1]:5681', 200], ['127.0.0.1', 200], ['rebound.example:5681', 401], ['10.0.0.1:5681', 401]] as const)(
    'with Host %s answer %i (a rebinding DNS name does not pass)',
    async (host, status) => {
      expect(await statusOf(request('127.0.0.1', { host }), 'admin')).toBe(status);
    },
  );
});

describe('anonymous and bad credentials', () => {
  it('answer 401 in Kuma shape with a Bearer challenge', async () => {
    const body = await refusal(request('10.0.0.7'), 'authenticated');
    expect(body).toMatchObject({
      type: '/std-errors',
      status: 401,
      title: 'Unauthenticated',
      detail: 'this route needs a user token: send the header "Authorization: Bearer <token>"',
      instance: '/meshes/default',
      causes: [],
      invalid_parameters: [],
      headers: { 'www-authenticate': 'Bearer realm="portico"' },
    });
  });

  it.each([
    ['garbage', 'Bearer not-a-jwt', 'token is not a valid JWT'],
    ['another scheme', 'Basic dXNlcjpwYXNz', 'the Authorization header must be "Bearer <token>"'],
    ['an empty bearer', 'Bearer ', 'the Authorization header must be "Bearer <token>"'],
  ])('refuse %s with 401 Invalid authentication data', async (_name, authorization, detail) => {
    expect(await refusal(request('10.0.0.7', { authorization }), 'authenticated')).toMatchObject({ status: 401, title: 'Invalid authentication data', detail });
  });

  it('refuse an expired and a revoked admin token', async () => {
    expect(await refusal(request('10.0.0.7', { authorization: `Bearer ${expired}` }), 'authenticated')).toMatchObject({ status: 401, detail: 'token is expired' });
    expect(await refusal(request('10.0.0.7', { authorization: `Bearer ${revoked}` }), 'admin')).toMatchObject({ status: 401, detail: 'token is revoked' });
  });

  it('refuse every token when the server has no validator', async () => {
    const noTokens: AuthSettings = { localhostIsAdmin: true };
    expect(await refusal(request('10.0.0.7', { authorization: `Bearer ${admin}` }), 'authenticated', noTokens)).toMatchObject({ status: 401, detail: 'user tokens are not accepted by this server' });
  });

  it('judge a request with a token by the token alone, even from loopback', async () => {
    expect(await statusOf(request('127.0.0.1', { authorization: `Bearer ${member}` }), 'admin')).toBe(403);
    expect(await statusOf(request('127.0.0.1', { authorization: 'Bearer bad' }), 'authenticated')).toBe(401);
  });
});

describe('access levels', () => {
  // [caller, public, authenticated, admin]
  const table: [string, () => ApiRequest, number, number, number][] = [
    ['anonymous', () => request('10.0.0.7'), 200, 401, 401],
    ['a bad token', () => request('10.0.0.7', { authorization: 'Bearer x.y.z' }), 200, 401, 401],
    ['a member token', () => request('10.0.0.7', { authorization: `Bearer ${member}` }), 200, 200, 403],
    ['an admin token', () => request('10.0.0.7', { authorization: `bearer ${admin}` }), 200, 200, 200],
    ['direct loopback', () => request('127.0.0.1'), 200, 200, 200],
  ];

  it.each(table)('%s: public %i, authenticated %i, admin %i', async (_caller, req, pub, authenticated, adminOnly) => {
    expect([await statusOf(req(), 'public'), await statusOf(req(), 'authenticated'), await statusOf(req(), 'admin')]).toEqual([pub, authenticated, adminOnly]);
  });

  it('names the user, its groups and the group it lacks in a 403', async () => {
    expect(await refusal(request('10.0.0.7', { authorization: `Bearer ${member}` }), 'admin')).toMatchObject({
      status: 403,
      title: 'Access Denied',
      detail: 'user "john" (groups: team-a, mesh-system:authenticated) cannot PUT /meshes/default: it needs group mesh-system:admin',
    });
  });

  it('never quotes the token in a refusal', async () => {
    for (const token of [member, expired, revoked]) {
      const decision = await decideAccess(request('10.0.0.7', { authorization: `Bearer ${token}` }), 'admin', settings());
      expect(decision.allowed).toBe(false);
      expect(JSON.stringify(decision)).not.toContain(token.split('.')[2]);
    }
  });
});

describe('address classification', () => {
  it('knows loopback addresses and hosts', () => {
    expect(['127.0.0.1', '127.255.0.9', '::1', '::ffff:127.0.0.2'].every(isLoopbackAddress)).toBe(true);
    expect(['10.0.0.1', '::ffff:192.168.0.1', '0.0.0.0', '::', 'localhost'].some(isLoopbackAddress)).toBe(false);
    expect(['localhost', 'LOCALHOST:80', 'localhost.', '127.0.0.1:5681', '[::1]:5681'].every(isLoopbackHost)).toBe(true);
    expect([undefined, 'localhost.example', '127.0.0.1.nip.io', '[::2]:1'].some(isLoopbackHost)).toBe(false);
  });
});
