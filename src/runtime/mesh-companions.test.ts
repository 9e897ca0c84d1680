// A new Mesh's default policies (docs/mesh-mtls.md §5.5), over the REST API with the runtime's write
// companions: created in the Mesh's commit, skipped on request, never re-created, and gone with
// the Mesh without keeping it in use.
import { DEFAULT_POLICIES } from '../api/mesh-default-policies.js';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { createRouter, type Router } from '../api-server/router.js';
import { MemoryStore } from '../core/memory-store.js';
import { meshCompanions } from './mesh-companions.js';

const silent = pino({ level: 'silent' });

function routerFor(store: MemoryStore, defaultPolicies = true): Router {
  return createRouter({ store, logger: silent, isReady: () => true, version: '1', companions: meshCompanions(store, { defaultPolicies }) });
}

function request(router: Router, method: string, path: string, body = '', contentType = 'application/json') {
  return router({ method, url: new URL(`http://api.test${path}`), headers: { host: '127.0.0.1', 'content-type': contentType }, body, remoteAddress: '127.0.0.1' });
}

const mesh = (extra: Record<string, unknown> = {}) => JSON.stringify({ type: 'Mesh', name: 'prod', ...extra });
const ALLOW_ALL = { sources: [{ match: { 'kuma.io/service': '*' } }], destinations: [{ match: { 'kuma.io/service': '*' } }] };

async function permissionNames(router: Router): Promise<string[]> {
  const res = await request(router, 'GET', '/meshes/prod/traffic-permissions');
  return (res.body as { items: { name: string }[] }).items.map((i) => i.name);
}

describe('the default TrafficPermission of a new Mesh', () => {
  it('is created with the Mesh, in the same commit, as allow-all-<mesh>', async () => {
    const store = new MemoryStore();
    const commits: number[] = [];
    const commit = store.commit.bind(store);
    store.commit = (ops) => {
      commits.push(ops.length);
      return commit(ops);
    };
    const router = routerFor(store);
    expect((await request(router, 'PUT', '/meshes/prod', mesh())).status).toBe(201);
    // The Mesh and its default policies: allow-all-prod, timeout-all-prod, retry-all-prod, circuit-breaker-all-prod.
    expect(commits).toEqual([1 + DEFAULT_POLICIES.length]);
    expect(DEFAULT_POLICIES.map((d) => d.kind)).toEqual(['TrafficPermission', 'Timeout', 'Retry', 'CircuitBreaker']);
    const res = await request(router, 'GET', '/meshes/prod/traffic-permissions/allow-all-prod');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ type: 'TrafficPermission', mesh: 'prod', name: 'allow-all-prod', ...ALLOW_ALL });
  });

  it.each([['TrafficPermission'], ['*']])('is skipped when skipCreatingInitialPolicies lists %s', async (skip) => {
    const router = routerFor(new MemoryStore());
    expect((await request(router, 'PUT', '/meshes/prod', mesh({ skipCreatingInitialPolicies: [skip] }))).status).toBe(201);
    expect(await permissionNames(router)).toEqual([]);
  });

  it('is created by apply, and never re-created by a later Mesh write once deleted', async () => {
    const store = new MemoryStore();
    const router = routerFor(store);
    expect((await request(router, 'POST', '/apply', 'type: Mesh\nname: prod\n', 'application/yaml')).status).toBe(200);
    expect(await permissionNames(router)).toEqual(['allow-all-prod']);
    expect((await request(router, 'DELETE', '/meshes/prod/traffic-permissions/allow-all-prod')).status).toBe(200);
    expect((await request(router, 'PUT', '/meshes/prod', mesh({ skipCreatingInitialPolicies: [] }))).status).toBe(200);
    expect((await request(router, 'POST', '/apply', 'type: Mesh\nname: prod\nlogging: {}\n', 'application/yaml')).status).toBe(200);
    expect(await permissionNames(router)).toEqual([]);
  });

  it("gives way to the document's own allow-all-<mesh> applied with the new Mesh", async () => {
    const router = routerFor(new MemoryStore());
    const own = 'type: TrafficPermission\nmesh: prod\nname: allow-all-prod\nsources: [{match: {kuma.io/service: web}}]\ndestinations: [{match: {kuma.io/service: "*"}}]\n';
    expect((await request(router, 'POST', '/apply', `type: Mesh\nname: prod\n---\n${own}`, 'application/yaml')).status).toBe(200);
    const res = await request(router, 'GET', '/meshes/prod/traffic-permissions/allow-all-prod');
    expect(res.body).toMatchObject({ sources: [{ match: { 'kuma.io/service': 'web' } }] });
  });

  it('does not keep the Mesh in use, and is deleted with it; a policy of the user does', async () => {
    const store = new MemoryStore();
    const router = routerFor(store);
    expect((await request(router, 'PUT', '/meshes/prod', mesh())).status).toBe(201);
    const user = JSON.stringify({ type: 'TrafficPermission', mesh: 'prod', name: 'web-to-api', sources: [{ match: { 'kuma.io/service': 'web' } }], destinations: [{ match: { 'kuma.io/service': 'api' } }] });
    expect((await request(router, 'PUT', '/meshes/prod/traffic-permissions/web-to-api', user)).status).toBe(201);
    const refused = await request(router, 'DELETE', '/meshes/prod');
    expect(refused.status).toBe(400);
    expect(JSON.stringify(refused.body)).toContain('mesh is in use by traffic-permissions: web-to-api"');
    expect((await request(router, 'DELETE', '/meshes/prod/traffic-permissions/web-to-api')).status).toBe(200);
    expect((await request(router, 'DELETE', '/meshes/prod')).status).toBe(200);
    expect(await store.list('TrafficPermission')).toEqual([]);
    expect(await store.list('Timeout')).toEqual([]);
  });
});

async function timeoutNames(router: Router): Promise<string[]> {
  const res = await request(router, 'GET', '/meshes/prod/timeouts');
  return (res.body as { items: { name: string }[] }).items.map((i) => i.name);
}

describe('the default Timeout of a new Mesh', () => {
  it("is timeout-all-<mesh> with Kuma 2.5's values, as Kuma's API shows them", async () => {
    const router = routerFor(new MemoryStore());
    expect((await request(router, 'PUT', '/meshes/prod', mesh())).status).toBe(201);
    const res = await request(router, 'GET', '/meshes/prod/timeouts/timeout-all-prod');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      type: 'Timeout',
      mesh: 'prod',
      name: 'timeout-all-prod',
      ...ALLOW_ALL,
      conf: {
        connectTimeout: '5s',
        tcp: { idleTimeout: '3600s' },
        http: { requestTimeout: '15s', idleTimeout: '3600s', streamIdleTimeout: '1800s', maxStreamDuration: '0s' },
      },
    });
  });

  it.each([['Timeout'], ['*']])('is skipped when skipCreatingInitialPolicies lists %s', async (skip) => {
    const router = routerFor(new MemoryStore());
    expect((await request(router, 'PUT', '/meshes/prod', mesh({ skipCreatingInitialPolicies: [skip] }))).status).toBe(201);
    expect(await timeoutNames(router)).toEqual([]);
    // Skipping one kind leaves the others.
    expect(await permissionNames(router)).toEqual(skip === '*' ? [] : ['allow-all-prod']);
  });

  it('is deleted with the Mesh and does not keep it in use; a Timeout of the user does', async () => {
    const store = new MemoryStore();
    const router = routerFor(store);
    expect((await request(router, 'PUT', '/meshes/prod', mesh())).status).toBe(201);
    const own = JSON.stringify({ type: 'Timeout', mesh: 'prod', name: 'slow', sources: [{ match: { 'kuma.io/service': '*' } }], destinations: [{ match: { 'kuma.io/service': 'api' } }], conf: { connectTimeout: '9s' } });
    expect((await request(router, 'PUT', '/meshes/prod/timeouts/slow', own)).status).toBe(201);
    const refused = await request(router, 'DELETE', '/meshes/prod');
    expect(refused.status).toBe(400);
    expect(JSON.stringify(refused.body)).toContain('mesh is in use by timeouts: slow"');
    expect((await request(router, 'DELETE', '/meshes/prod/timeouts/slow')).status).toBe(200);
    expect((await request(router, 'DELETE', '/meshes/prod')).status).toBe(200);
    expect(await store.list('Timeout')).toEqual([]);
  });
});

describe('the control-plane setting turning default policies off', () => {
  it('creates no default policy, but still the builtin CA Secrets', async () => {
    const store = new MemoryStore();
    const router = routerFor(store, false);
    const res = await request(router, 'POST', '/apply', 'type: Mesh\nname: prod\nmtls:\n  backends:\n  - name: ca-1\n    type: builtin\n', 'application/yaml');
    expect(res.status).toBe(200);
    expect(await permissionNames(router)).toEqual([]);
    expect(await timeoutNames(router)).toEqual([]);
    expect((await store.list('Secret', { mesh: 'prod' })).length).toBe(2);
  });
});
