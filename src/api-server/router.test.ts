import { pino } from 'pino';
import { beforeEach, describe, expect, it } from 'vitest';
import { MemoryStore } from '../core/memory-store.js';
import { ConflictError, StoreUnavailableError, type ResourceStore } from '../core/store.js';
import type { ProblemBody } from './problem.js';
import { createRouter, type Router } from './router.js';

const silent = pino({ level: 'silent' });

const GATEWAY = {
  type: 'MeshGateway',
  mesh: 'default',
  name: 'edge',
  selectors: [{ match: { 'kuma.io/service': 'edge' } }],
  conf: { listeners: [{ port: 8080, protocol: 'HTTP' }] },
};

interface CallOptions {
  readonly body?: unknown;
  readonly contentType?: string;
  readonly headers?: Record<string, string>;
}

/** Send one request through the router; objects are sent as JSON unless a content type says otherwise. */
function call(router: Router, method: string, path: string, options: CallOptions = {}) {
  const body = typeof options.body === 'string' ? options.body : options.body === undefined ? '' : JSON.stringify(options.body);
  const contentType = options.contentType ?? (options.body === undefined ? undefined : 'application/json');
  return router({
    method,
    url: new URL(`http://api.test${path}`),
    headers: { host: '127.0.0.1:5681', ...(contentType ? { 'content-type': contentType } : {}), ...options.headers },
    body,
    // A direct loopback caller: the admin user (access.test.ts covers everyone else).
    remoteAddress: '127.0.0.1',
  });
}

/** The body of an error response, typed. */
function problemOf(response: { body: unknown }): ProblemBody {
  return response.body as ProblemBody;
}

describe('router', () => {
  let store: MemoryStore;
  let ready: boolean;
  let router: Router;

  beforeEach(async () => {
    store = new MemoryStore();
    ready = true;
    router = createRouter({ store, logger: silent, isReady: () => ready, version: '9.9.9' });
    await call(router, 'PUT', '/meshes/default', { body: { type: 'Mesh', name: 'default' } });
  });

  it('answers GET / with the product and version', async () => {
    const res = await call(router, 'GET', '/');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ product: 'Portico', version: '9.9.9' });
    // What kumactl config control-planes add compares with its own product name.
    expect(res.body).toMatchObject({ tagline: 'Kuma', basedOnKuma: '2.x' });
  });

  it('answers /ready with 200 only when ready', async () => {
    expect(await call(router, 'GET', '/ready')).toMatchObject({ status: 200, body: { ready: true } });
    ready = false;
    expect(await call(router, 'GET', '/ready')).toMatchObject({ status: 503, body: { ready: false } });
  });

  it('creates with 201, updates with 200 and keeps the version when nothing changed', async () => {
    const created = await call(router, 'PUT', '/meshes/default/meshgateways/edge', { body: GATEWAY });
    expect(created.status).toBe(201);
    const v1 = created.headers?.['x-portico-version'];
    expect(v1).toBeDefined();
    const same = await call(router, 'PUT', '/meshes/default/meshgateways/edge', { body: GATEWAY });
    expect(same.status).toBe(200);
    expect(same.headers?.['x-portico-version']).toBe(v1);
    const changed = { ...GATEWAY, conf: { listeners: [{ port: 9090, protocol: 'HTTP' }] } };
    const updated = await call(router, 'PUT', '/meshes/default/meshgateways/edge', { body: changed });
    expect(updated.status).toBe(200);
    expect(updated.headers?.['x-portico-version']).not.toBe(v1);
  });

  it('returns the universal form on GET', async () => {
    await call(router, 'PUT', '/meshes/default/meshgateways/edge', { body: GATEWAY });
    const res = await call(router, 'GET', '/meshes/default/meshgateways/edge');
    expect(res.status).toBe(200);
    expect(Object.keys(res.body as object).slice(0, 5)).toEqual(['type', 'mesh', 'name', 'creationTime', 'modificationTime']);
    expect(res.body).toMatchObject({ type: 'MeshGateway', mesh: 'default', name: 'edge', selectors: GATEWAY.selectors });
    const mesh = await call(router, 'GET', '/meshes/default');
    expect(mesh.body).toMatchObject({ type: 'Mesh', name: 'default' });
    expect(mesh.body).not.toHaveProperty('mesh');
  });

  it('accepts YAML bodies', async () => {
    const yaml = 'type: Mesh\nname: other\nlabels:\n  team: a\n';
    const res = await call(router, 'PUT', '/meshes/other', { body: yaml, contentType: 'application/yaml' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ name: 'other', labels: { team: 'a' } });
  });

  it('lists every violation in one 400 in Kuma and RFC 7807 shape', async () => {
    const bad = { ...GATEWAY, name: 'other', conf: { listners: [], listeners: [{ port: 0, protocol: 'HTTP' }] } };
    const res = await call(router, 'PUT', '/meshes/default/meshgateways/edge', { body: bad });
    expect(res.status).toBe(400);
    const p = problemOf(res);
    expect(p).toMatchObject({ status: 400, title: 'Could not process a resource', details: 'Resource is not valid' });
    expect(p.instance).toBe('/meshes/default/meshgateways/edge');
    const fields = p.causes.map((c) => c.field);
    expect(fields).toEqual(expect.arrayContaining(['conf.listners', 'name']));
    expect(p.causes).toContainEqual({ field: 'name', message: 'name from the URL has to be the same as in body' });
    expect(p.invalid_parameters).toEqual(p.causes.map((c) => ({ field: c.field, reason: c.message })));
  });

  it('reports a body mesh or type that differs from the URL', async () => {
    const res = await call(router, 'PUT', '/meshes/default/dataplanes/edge', { body: { ...GATEWAY, mesh: 'other' } });
    expect(res.status).toBe(400);
    expect(problemOf(res).causes).toEqual(
      expect.arrayContaining([
        { field: 'type', message: 'type from the URL has to be the same as in body' },
        { field: 'mesh', message: 'mesh from the URL has to be the same as in body' },
      ]),
    );
  });

  it('refuses a resource in a mesh that does not exist', async () => {
    const body = { ...GATEWAY, mesh: 'nope' };
    const res = await call(router, 'PUT', '/meshes/nope/meshgateways/edge', { body });
    expect(res.status).toBe(400);
    expect(problemOf(res).causes).toContainEqual({ field: 'mesh', message: 'mesh not found' });
    expect(await store.list('MeshGateway')).toEqual([]);
  });

  it('rejects duplicate keys in JSON and YAML with line and column', async () => {
    const json = '{"type": "Mesh", "name": "x", "name": "y"}';
    const res = await call(router, 'PUT', '/meshes/x', { body: json, contentType: 'application/json' });
    expect(res.status).toBe(400);
    expect(problemOf(res).causes[0]?.message).toMatch(/unique at line 1, column \d+/);
    const yaml = 'type: Mesh\nname: x\nname: y\n';
    const res2 = await call(router, 'PUT', '/meshes/x', { body: yaml, contentType: 'text/yaml' });
    expect(problemOf(res2).causes[0]?.message).toMatch(/unique at line 3, column 1/);
  });

  it('reports malformed YAML with line and column', async () => {
    const res = await call(router, 'PUT', '/meshes/x', { body: 'type: Mesh\nname: "x\n', contentType: 'application/yaml' });
    expect(res.status).toBe(400);
    expect(problemOf(res).causes[0]?.message).toMatch(/^invalid YAML: .* at line \d+, column \d+$/);
  });

  it('answers 415 for other content types', async () => {
    const res = await call(router, 'PUT', '/meshes/x', { body: 'name=x', contentType: 'application/x-www-form-urlencoded' });
    expect(res.status).toBe(415);
  });

  it('answers 404 in Kuma wording, and 405 for a wrong method', async () => {
    const res = await call(router, 'GET', '/meshes/default/meshgateways/missing');
    expect(res.status).toBe(404);
    expect(problemOf(res)).toMatchObject({ title: 'Could not find a resource', details: 'Not found' });
    expect((await call(router, 'GET', '/nothing/here')).status).toBe(404);
    expect((await call(router, 'DELETE', '/meshes/default/meshgateways/missing')).status).toBe(404);
    const wrong = await call(router, 'POST', '/meshes/default');
    expect(wrong.status).toBe(405);
    expect(wrong.headers?.['allow']).toBe('GET, PUT, DELETE');
  });

  it('honours If-Match on PUT and DELETE with 409 on a stale version', async () => {
    const created = await call(router, 'PUT', '/meshes/default/meshgateways/edge', { body: GATEWAY });
    const v1 = created.headers?.['x-portico-version'] ?? '';
    const changed = { ...GATEWAY, conf: { listeners: [{ port: 9090, protocol: 'HTTP' }] } };
    const ok = await call(router, 'PUT', '/meshes/default/meshgateways/edge', { body: changed, headers: { 'if-match': `"${v1}"` } });
    expect(ok.status).toBe(200);
    const stale = await call(router, 'PUT', '/meshes/default/meshgateways/edge', { body: GATEWAY, headers: { 'if-match': v1 } });
    expect(stale.status).toBe(409);
    const staleDelete = await call(router, 'DELETE', '/meshes/default/meshgateways/edge', { headers: { 'if-match': v1 } });
    expect(staleDelete.status).toBe(409);
    const v2 = ok.headers?.['x-portico-version'] ?? '';
    const deleted = await call(router, 'DELETE', '/meshes/default/meshgateways/edge', { headers: { 'if-match': v2 } });
    expect(deleted.status).toBe(200);
    expect(await store.list('MeshGateway')).toEqual([]);
  });

  it('refuses to delete a mesh that still holds resources, naming them', async () => {
    await call(router, 'PUT', '/meshes/default/meshgateways/edge', { body: GATEWAY });
    const res = await call(router, 'DELETE', '/meshes/default');
    expect(res.status).toBe(400);
    expect(problemOf(res).detail).toBe('mesh is in use');
    expect(problemOf(res).causes).toEqual([{ field: 'mesh', message: 'mesh is in use by meshgateways: edge' }]);
    await call(router, 'DELETE', '/meshes/default/meshgateways/edge');
    expect((await call(router, 'DELETE', '/meshes/default')).status).toBe(200);
  });

  it('pages lists with total and a full next URL', async () => {
    for (const name of ['a', 'b', 'c']) {
      await call(router, 'PUT', `/meshes/${name}`, { body: { type: 'Mesh', name } });
    }
    const first = await call(router, 'GET', '/meshes?size=2');
    expect(first.body).toMatchObject({ total: 4, next: 'http://api.test/meshes?size=2&offset=2' });
    expect((first.body as { items: { name: string }[] }).items.map((i) => i.name)).toEqual(['a', 'b']);
    const last = await call(router, 'GET', '/meshes?size=2&offset=2');
    expect(last.body).toMatchObject({ total: 4, next: null });
    expect((last.body as { items: { name: string }[] }).items.map((i) => i.name)).toEqual(['c', 'default']);
    const bad = await call(router, 'GET', '/meshes?size=1001&offset=-1');
    expect(bad.status).toBe(400);
    expect(problemOf(bad).causes.map((c) => c.field)).toEqual(['size', 'offset']);
  });

  it('lists in one mesh and across meshes', async () => {
    await call(router, 'PUT', '/meshes/other', { body: { type: 'Mesh', name: 'other' } });
    await call(router, 'PUT', '/meshes/default/meshgateways/edge', { body: GATEWAY });
    await call(router, 'PUT', '/meshes/other/meshgateways/edge', { body: { ...GATEWAY, mesh: 'other' } });
    expect((await call(router, 'GET', '/meshes/other/meshgateways')).body).toMatchObject({ total: 1, next: null });
    expect((await call(router, 'GET', '/meshgateways')).body).toMatchObject({ total: 2 });
  });
});

describe('router store failures', () => {
  /** A store whose every method fails with `error`. */
  function failingStore(error: Error): ResourceStore {
    const fail = () => Promise.reject(error);
    return { atomicCommit: true, get: fail, list: fail, put: fail, delete: fail, commit: fail, watch: () => () => {}, close: fail };
  }

  it('answers 503 when the store is unavailable', async () => {
    const router = createRouter({ store: failingStore(new StoreUnavailableError('db down')), logger: silent, isReady: () => true, version: '1' });
    const res = await call(router, 'GET', '/meshes/default');
    expect(res.status).toBe(503);
    expect((await call(router, 'GET', '/meshes')).status).toBe(503);
  });

  it('retries a PUT that lost a race, and answers 409 when it keeps losing', async () => {
    const store = new MemoryStore();
    await store.put({ kind: 'Mesh', mesh: 'default', name: 'default', spec: {} });
    let failures = 1;
    const put = store.put.bind(store);
    store.put = (input, options) => {
      if (failures-- > 0) return Promise.reject(new ConflictError('raced', input));
      return put(input, options);
    };
    const router = createRouter({ store, logger: silent, isReady: () => true, version: '1' });
    const body = { type: 'Mesh', name: 'a' };
    expect((await call(router, 'PUT', '/meshes/a', { body })).status).toBe(201);
    failures = 10;
    const res = await call(router, 'PUT', '/meshes/b', { body: { type: 'Mesh', name: 'b' } });
    expect(res.status).toBe(409);
    expect(problemOf(res)).toMatchObject({ title: 'Resource conflict', detail: 'raced' });
  });

  it('answers 500 without leaking the error, and logs it', async () => {
    const lines: string[] = [];
    const logger = pino({ level: 'error' }, { write: (line: string) => void lines.push(line) });
    const router = createRouter({ store: failingStore(new Error('secret internals')), logger, isReady: () => true, version: '1' });
    const res = await call(router, 'GET', '/meshes/default');
    expect(res.status).toBe(500);
    expect(JSON.stringify(res.body)).not.toContain('secret internals');
    expect(lines.join('')).toContain('secret internals');
  });
});

describe('router extra routes', () => {
  it('matches `{param}` segments of extra routes, one non-empty segment each, before resource routes', async () => {
    const seen: string[] = [];
    const router = createRouter({
      store: new MemoryStore(),
      logger: pino({ level: 'silent' }),
      isReady: () => true,
      version: 'test',
      extraRoutes: [
        {
          method: 'GET',
          path: '/meshes/{mesh}/dataplanes/{name}/xds',
          access: 'authenticated',
          handler: async (r) => {
            seen.push(r.url.pathname);
            return { status: 200, headers: {}, body: { ok: true } };
          },
        },
      ],
    });
    expect((await call(router, 'GET', '/meshes/default/dataplanes/gw-1/xds')).status).toBe(200);
    expect(seen).toEqual(['/meshes/default/dataplanes/gw-1/xds']);
    expect((await call(router, 'GET', '/meshes/default/dataplanes//xds')).status).toBe(404);
    expect((await call(router, 'GET', '/meshes/default/dataplanes/gw-1/xds/more')).status).toBe(404);
    expect((await call(router, 'POST', '/meshes/default/dataplanes/gw-1/xds')).status).not.toBe(200);
  });
});

describe('router in read-only mode', () => {
  it('serves reads and refuses every write, /apply included, with 405 and the reason', async () => {
    const store = new MemoryStore();
    await store.put({ kind: 'Mesh', mesh: 'default', name: 'default', spec: {} });
    const router = createRouter({ store, logger: silent, isReady: () => true, version: 'test', readOnly: 'read-only in Kubernetes mode' });
    expect((await call(router, 'GET', '/meshes/default')).status).toBe(200);
    for (const [method, path] of [['PUT', '/meshes/other'], ['DELETE', '/meshes/default'], ['POST', '/apply']] as const) {
      const res = await call(router, method, path, { body: { type: 'Mesh', name: 'other' } });
      expect(res.status).toBe(405);
      expect(problemOf(res).detail).toBe('read-only in Kubernetes mode');
    }
    expect(await store.get({ kind: 'Mesh', mesh: 'other', name: 'other' })).toBeUndefined();
    expect(await store.get({ kind: 'Mesh', mesh: 'default', name: 'default' })).toBeDefined();
  });
});
