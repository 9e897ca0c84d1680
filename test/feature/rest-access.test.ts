// docs/robustness.md S3, S7 and S8 for the REST API, over real HTTP on loopback. Every route is taken
// from the server's own route table (the runtime's extra routes included, through the same list
// the control plane uses), so a new route is checked without anyone adding it here.
//
// "Non-loopback" callers: the server listens on 127.0.0.1 and the test connects from source
// address 127.0.0.2, so the socket peer really differs; the server is told that only 127.0.0.1
// is loopback (the one injected piece). The default classification (all of 127.0.0.0/8 and ::1)
// is unit-tested in src/api-server/access.test.ts. Binding a non-loopback interface instead would
// depend on the test machine's network and expose the server beyond it.
import http from 'node:http';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiServer, type ApiServer } from '../../src/api-server/server.js';
import { ACCESS_LEVELS, type RouteSummary } from '../../src/api-server/route.js';
import { RESOURCE_KINDS } from '../../src/api/resource-kinds.js';
import { MemoryStore } from '../../src/core/memory-store.js';
import { runtimeApiRoutes } from '../../src/runtime/api-routes.js';
import { cacheDelivery, ResourceStatuses } from '../../src/runtime/resource-status.js';
import { ADMIN_USER_TOKEN, ensureAdminUserToken } from '../../src/tokens/admin-user-token.js';
import { UserTokens } from '../../src/tokens/user-token.js';
import { DataplaneTokens } from '../../src/tokens/dataplane-token.js';
import { SnapshotCache } from '../../src/xds/cache/snapshot-cache.js';

/** The only routes anyone may call without credentials (Kuma leaves its index and health open). */
const PUBLIC_ALLOWLIST = ['GET /', 'GET /ready'];

const CANARY = 'CANARY-rest-access-7f3a'; // secret data that must never reach a log line
const lines: string[] = [];
let api: ApiServer;
let port: number;
let member: string;
let admin: string;
let adminUserToken: string;

beforeAll(async () => {
  const logger = pino({ level: 'trace' }, { write: (line: string) => void lines.push(line) });
  const store = new MemoryStore({ logger });
  const tokens = new UserTokens(store);
  const now = Date.now();
  member = await tokens.issue({ name: 'john', groups: ['team-a'] }, 3600, now);
  admin = await tokens.issue({ name: 'ops', groups: ['mesh-system:admin'] }, 3600, now);
  await ensureAdminUserToken(store, tokens, now);
  adminUserToken = Buffer.from(String(((await store.get(ADMIN_USER_TOKEN))?.spec as { data?: string } | undefined)?.data), 'base64').toString();
  await store.put({ kind: 'Mesh', mesh: 'default', name: 'default', spec: {} });
  // Not at a sample URL, so the DELETEs of the route sweep leave it in place.
  await store.put({ kind: 'Secret', mesh: 'default', name: 'canary', spec: { data: Buffer.from(CANARY).toString('base64') } });
  const cache = new SnapshotCache();
  api = createApiServer({
    store,
    logger,
    isReady: () => true,
    extraRoutes: runtimeApiRoutes(store, cache, new ResourceStatuses({ delivery: cacheDelivery(cache) }), { dataplaneTokens: new DataplaneTokens(store) }),
    userTokens: tokens,
    auth: { localhostIsAdmin: true, isLoopbackPeer: (address) => address === '127.0.0.1' || address === '::ffff:127.0.0.1' },
  });
  port = await api.listen(0, '127.0.0.1');
});

afterAll(async () => {
  await api.close();
});

interface Caller {
  /** Source address of the connection: 127.0.0.1 is loopback, 127.0.0.2 stands for a remote host. */
  readonly from: '127.0.0.1' | '127.0.0.2';
  readonly headers?: http.OutgoingHttpHeaders;
}

const ANONYMOUS: Caller = { from: '127.0.0.2' };
const asMember = (): Caller => ({ from: '127.0.0.2', headers: { authorization: `Bearer ${member}` } });
const asAdmin = (): Caller => ({ from: '127.0.0.2', headers: { authorization: `Bearer ${admin}` } });
const LOOPBACK: Caller = { from: '127.0.0.1' };

/** One request with node:http (so the source address can be chosen); status and body text. */
function send(caller: Caller, method: string, path: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const headers = { host: `127.0.0.1:${port}`, 'content-type': 'application/json', ...caller.headers };
    const req = http.request({ host: '127.0.0.1', port, method, path, localAddress: caller.from, headers, agent: false }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (c: Buffer) => parts.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(parts).toString() }));
    });
    req.on('error', reject);
    req.end(method === 'GET' || method === 'DELETE' ? undefined : '{}');
  });
}

/** A URL for a route pattern: each `{param}` filled with a sample value. */
function sampleUrl(route: RouteSummary): string {
  return route.path.replace(/\{mesh\}/g, 'default').replace(/\{(\w+)\}/g, 'sample');
}

const name = (r: RouteSummary) => `${r.method} ${r.path}`;

describe('the route table', () => {
  it('lists every route with a known access level, the resource API and the runtime routes included', () => {
    expect(api.routes.length).toBeGreaterThan(RESOURCE_KINDS.length * 4);
    for (const route of api.routes) expect(ACCESS_LEVELS, name(route)).toContain(route.access);
    const names = api.routes.map(name);
    for (const expected of [
      'POST /apply',
      'POST /tokens/user',
      'POST /tokens/dataplane',
      'GET /meshes/{mesh}/dataplanes/{name}/xds',
      'GET /meshes/{mesh}/dataplanes/{name}/policies',
      'GET /meshes/{mesh}/dataplanes/{name}/stats',
      'GET /mesh-insights',
      'GET /mesh-insights/{mesh}',
      'GET /meshes/_overview',
      'GET /meshes/{mesh}/meshgateways/_overview',
      'GET /meshes/{mesh}/meshgatewayroutes/_overview',
      'PUT /global-secrets/{name}',
      'GET /meshes/{mesh}/secrets/{name}',
    ]) {
      expect(names).toContain(expected);
    }
  });

  it('leaves only the allowlist public', () => {
    expect(api.routes.filter((r) => r.access === 'public').map(name)).toEqual(PUBLIC_ALLOWLIST);
  });

  it("makes every write, secret route, the xDS dump, the Envoy admin views and token generation admin-only", () => {
    const mustBeAdmin = api.routes.filter((r) => r.method !== 'GET' || /secrets|\/(xds|stats|clusters)$/.test(r.path));
    expect(mustBeAdmin.length).toBeGreaterThan(10);
    for (const route of mustBeAdmin) expect(route.access, name(route)).toBe('admin');
  });
});

describe('every route over real HTTP', () => {
  it('refuses anonymous remote callers with 401, except the allowlist', async () => {
    for (const route of api.routes) {
      const res = await send(ANONYMOUS, route.method, sampleUrl(route));
      if (route.access === 'public') expect(res.status, name(route)).toBe(200);
      else {
        expect(res.status, name(route)).toBe(401);
        expect(JSON.parse(res.text), name(route)).toMatchObject({ status: 401, title: 'Unauthenticated' });
      }
    }
  });

  it('gives a member token 403 on admin routes and lets it through the others', async () => {
    for (const route of api.routes) {
      const res = await send(asMember(), route.method, sampleUrl(route));
      if (route.access === 'admin') {
        expect(res.status, name(route)).toBe(403);
        expect(JSON.parse(res.text), name(route)).toMatchObject({ status: 403, title: 'Access Denied' });
      } else expect([401, 403], name(route)).not.toContain(res.status);
    }
  });

  it('lets an admin token and a direct loopback caller through every route', async () => {
    for (const caller of [asAdmin(), LOOPBACK]) {
      for (const route of api.routes) {
        const res = await send(caller, route.method, sampleUrl(route));
        expect([401, 403], `${caller.from} ${name(route)}: ${res.text}`).not.toContain(res.status);
      }
    }
  });

  it('does not make a loopback caller admin when it comes through a proxy or a browser', async () => {
    const headers = [{ 'x-forwarded-for': '203.0.113.9' }, { forwarded: 'for=203.0.113.9' }, { 'x-real-ip': '203.0.113.9' }, { origin: 'http://evil.example' }, { 'sec-fetch-site': 'cross-site' }, { host: 'rebound.example' }];
    for (const h of headers) {
      expect((await send({ from: '127.0.0.1', headers: h }, 'GET', '/meshes')).status, JSON.stringify(h)).toBe(401);
      expect((await send({ from: '127.0.0.1', headers: h }, 'GET', '/ready')).status, JSON.stringify(h)).toBe(200);
    }
  });
});

describe('the admin user token', () => {
  it('is readable from loopback only, and works as an admin credential from anywhere', async () => {
    const path = `/global-secrets/${ADMIN_USER_TOKEN.name}?reveal=true`;
    const local = await send(LOOPBACK, 'GET', path);
    expect(local.status).toBe(200);
    expect(Buffer.from(String(JSON.parse(local.text).data), 'base64').toString()).toBe(adminUserToken);
    expect((await send(ANONYMOUS, 'GET', path)).status).toBe(401);
    expect((await send(asMember(), 'GET', path)).status).toBe(403);
    const remoteAdmin = await send({ from: '127.0.0.2', headers: { authorization: `Bearer ${adminUserToken}` } }, 'GET', '/meshes/default/secrets/canary?reveal=true');
    expect(remoteAdmin.status).toBe(200);
    expect(remoteAdmin.text).toContain(Buffer.from(CANARY).toString('base64'));
  });
});

describe('S7: tokens and secret data stay out of logs and lists', () => {
  it('holds after every request above, with trace logging', async () => {
    const list = await send(LOOPBACK, 'GET', '/global-secrets');
    expect(list.status).toBe(200);
    expect(list.text).not.toContain(Buffer.from(adminUserToken).toString('base64'));
    await send({ from: '127.0.0.2', headers: { authorization: `Bearer ${member}x` } }, 'GET', '/meshes');
    const log = lines.join('');
    expect(log).toContain('request refused'); // refusals were logged, so the checks below are not vacuous
    for (const token of [member, admin, adminUserToken]) {
      expect(log).not.toContain(token);
      expect(log).not.toContain(token.split('.')[2]);
    }
    expect(log).not.toContain(Buffer.from(CANARY).toString('base64'));
    expect(log).not.toContain(CANARY);
  });
});
