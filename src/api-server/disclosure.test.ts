// The Secret disclosure rules of disclosure.ts, through the router, and docs/robustness.md S7 (no
// Secret data in any log line) through the real HTTP server with trace logging.
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MemoryStore } from '../core/memory-store.js';
import { StoreUnavailableError } from '../core/store.js';
import type { ProblemBody } from './problem.js';
import { createRouter, type Router } from './router.js';
import { createApiServer, type ApiServer } from './server.js';

const DATA = Buffer.from('top secret bytes!').toString('base64');
const SECRET = { type: 'Secret', mesh: 'default', name: 'tls', data: DATA };
const METADATA_KEYS = ['type', 'mesh', 'name', 'creationTime', 'modificationTime'];

function call(router: Router, method: string, path: string, body?: unknown, contentType = 'application/json') {
  const text = body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body);
  return router({ method, url: new URL(`http://api.test${path}`), headers: { host: '127.0.0.1', 'content-type': contentType }, body: text, remoteAddress: '127.0.0.1' });
}

function itemsOf(response: { body: unknown }): Record<string, unknown>[] {
  return (response.body as { items: Record<string, unknown>[] }).items;
}

describe('GlobalSecrets over REST (/global-secrets)', () => {
  const GLOBAL = { type: 'GlobalSecret', name: 'signing-key-1', data: DATA };
  const GLOBAL_KEYS = ['type', 'name', 'creationTime', 'modificationTime'];
  let router: Router;

  beforeEach(() => {
    router = createRouter({ store: new MemoryStore({ logger: pino({ level: 'silent' }) }), logger: pino({ level: 'silent' }), isReady: () => true, version: '1' });
  });

  it('creates, reads, lists and deletes with no mesh, disclosing data only on ?reveal=true', async () => {
    const created = await call(router, 'PUT', '/global-secrets/signing-key-1', GLOBAL);
    expect(created.status).toBe(201);
    expect(Object.keys(created.body as object)).toEqual(GLOBAL_KEYS);
    expect(Object.keys((await call(router, 'GET', '/global-secrets/signing-key-1')).body as object)).toEqual(GLOBAL_KEYS);
    expect((await call(router, 'GET', '/global-secrets/signing-key-1?reveal=true')).body).toMatchObject(GLOBAL);
    const list = await call(router, 'GET', '/global-secrets');
    expect(itemsOf(list).map((i) => Object.keys(i))).toEqual([GLOBAL_KEYS]);
    expect((await call(router, 'DELETE', '/global-secrets/signing-key-1')).status).toBe(200);
    expect((await call(router, 'GET', '/global-secrets/signing-key-1')).status).toBe(404);
  });

  it('is not reachable inside a mesh', async () => {
    expect((await call(router, 'GET', '/meshes/default/global-secrets')).status).toBe(404);
  });
});

describe('Secret disclosure over REST', () => {
  let store: MemoryStore;
  let router: Router;

  beforeEach(async () => {
    store = new MemoryStore({ logger: pino({ level: 'silent' }) });
    router = createRouter({ store, logger: pino({ level: 'silent' }), isReady: () => true, version: '1' });
    await call(router, 'PUT', '/meshes/default', { type: 'Mesh', name: 'default' });
    await call(router, 'PUT', '/meshes/default/secrets/tls', SECRET);
  });

  it('answers a PUT with metadata only, created and unchanged alike', async () => {
    const again = await call(router, 'PUT', '/meshes/default/secrets/tls', SECRET);
    expect(again.status).toBe(200);
    expect(Object.keys(again.body as object)).toEqual(METADATA_KEYS);
    const created = await call(router, 'PUT', '/meshes/default/secrets/other', { ...SECRET, name: 'other', labels: { team: 'a' } });
    expect(created.status).toBe(201);
    expect(Object.keys(created.body as object)).toEqual([...METADATA_KEYS, 'labels']);
  });

  it('shows data on a single GET only with ?reveal=true', async () => {
    const hidden = await call(router, 'GET', '/meshes/default/secrets/tls');
    expect(hidden.status).toBe(200);
    expect(Object.keys(hidden.body as object)).toEqual(METADATA_KEYS);
    expect(hidden.headers?.['x-portico-version']).toBe('1');
    expect((await call(router, 'GET', '/meshes/default/secrets/tls?reveal=false')).body).not.toHaveProperty('data');
    expect((await call(router, 'GET', '/meshes/default/secrets/tls?reveal=true')).body).toMatchObject({ ...SECRET });
    const bad = await call(router, 'GET', '/meshes/default/secrets/tls?reveal=yes');
    expect(bad.status).toBe(400);
    expect((bad.body as ProblemBody).causes).toEqual([{ field: 'reveal', message: 'must be "true" or "false"' }]);
  });

  it('never lists data, in one mesh or across meshes, and refuses ?reveal on lists', async () => {
    for (const path of ['/meshes/default/secrets', '/secrets']) {
      const list = await call(router, 'GET', path);
      expect(list.body).toMatchObject({ total: 1, next: null });
      expect(itemsOf(list).map((i) => Object.keys(i))).toEqual([METADATA_KEYS]);
      const revealed = await call(router, 'GET', `${path}?reveal=true`);
      expect(revealed.status).toBe(400);
      expect((revealed.body as ProblemBody).causes).toEqual([{ field: 'reveal', message: 'is accepted only when getting one resource' }]);
    }
  });

  it('accepts the Kubernetes form and stores the same resource', async () => {
    const yaml = `apiVersion: v1\nkind: Secret\ntype: system.kuma.io/secret\nmetadata:\n  name: k8s\ndata:\n  value: ${DATA}\n`;
    expect((await call(router, 'PUT', '/meshes/default/secrets/k8s', yaml, 'application/yaml')).status).toBe(201);
    expect((await store.get({ kind: 'Secret', mesh: 'default', name: 'k8s' }))?.spec).toEqual({ data: DATA });
  });

  it('rejects bad data without quoting it', async () => {
    const res = await call(router, 'PUT', '/meshes/default/secrets/tls', { ...SECRET, data: `${DATA}!` });
    expect(res.status).toBe(400);
    expect((res.body as ProblemBody).causes).toEqual([{ field: 'data', message: 'must be valid base64' }]);
    expect(JSON.stringify(res.body)).not.toContain(DATA);
  });

  it('keeps other kinds whole whatever ?reveal says, and names secrets that block a mesh delete', async () => {
    const mesh = await call(router, 'GET', '/meshes/default?reveal=false');
    expect(mesh.body).toMatchObject({ type: 'Mesh', name: 'default' });
    const blocked = await call(router, 'DELETE', '/meshes/default');
    expect((blocked.body as ProblemBody).causes).toEqual([{ field: 'mesh', message: 'mesh is in use by secrets: tls' }]);
  });

  it('answers /apply without data', async () => {
    const res = await call(router, 'POST', '/apply', { items: [{ ...SECRET, name: 'applied' }] });
    expect(res.status).toBe(200);
    expect(JSON.stringify(res.body)).not.toContain(DATA);
    expect(res.body).toMatchObject({ items: [{ type: 'Secret', mesh: 'default', name: 'applied', result: 'created' }] });
  });
});

describe('S7: Secret data never reaches a log line', () => {
  const CANARY = 'CANARY-7f3a9c-do-not-log'; // 24 bytes: its base64 has no padding to normalise away
  const CANARY_DATA = Buffer.from(CANARY).toString('base64');
  let lines: string[];
  let api: ApiServer;
  let base: string;
  let failNextPut: Error | undefined;

  beforeEach(async () => {
    lines = [];
    const logger = pino({ level: 'trace' }, { write: (line: string) => void lines.push(line) });
    const store = new MemoryStore({ logger });
    const put = store.put.bind(store);
    store.put = (input, options) => {
      const err = failNextPut;
      failNextPut = undefined;
      return err ? Promise.reject(err) : put(input, options);
    };
    api = createApiServer({ store, logger, isReady: () => true });
    base = `http://127.0.0.1:${await api.listen(0)}`;
    await send('PUT', '/meshes/default', { type: 'Mesh', name: 'default' });
  });

  afterEach(async () => {
    await api.close();
  });

  async function send(method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<{ status: number; text: string }> {
    const text = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
    const res = await fetch(`${base}${path}`, { method, headers: { 'content-type': contentType }, body: text ?? null });
    return { status: res.status, text: await res.text() };
  }

  it('holds through PUT, GET, reveal, list, failing writes, /apply and store failures', async () => {
    const secret = { type: 'Secret', mesh: 'default', name: 'canary', data: CANARY_DATA };
    expect((await send('PUT', '/meshes/default/secrets/canary', secret)).status).toBe(201);
    expect((await send('GET', '/meshes/default/secrets/canary')).text).not.toContain(CANARY_DATA);
    expect((await send('GET', '/meshes/default/secrets/canary?reveal=true')).text).toContain(CANARY_DATA);
    expect((await send('GET', '/meshes/default/secrets')).text).not.toContain(CANARY_DATA);
    expect((await send('GET', '/secrets?size=1')).status).toBe(200);
    const bad = await send('PUT', '/meshes/default/secrets/canary', { ...secret, name: 'other', extra: CANARY_DATA, mesh: 'nope' });
    expect(bad.status).toBe(400);
    expect(bad.text).not.toContain(CANARY_DATA);
    const yaml = `type: Secret\nmesh: default\nname: y\ndata: ${CANARY_DATA}\ndata: ${CANARY_DATA}\n`;
    expect((await send('PUT', '/meshes/default/secrets/y', yaml, 'application/yaml')).status).toBe(400);
    expect((await send('POST', '/apply', { items: [{ ...secret, name: 'applied' }] })).status).toBe(200);
    expect((await send('POST', '/apply', { items: [{ ...secret, name: 'x', unknown: CANARY }] })).status).toBe(400);
    failNextPut = new StoreUnavailableError('database is down');
    expect((await send('PUT', '/meshes/default/secrets/down', { ...secret, name: 'down' })).status).toBe(503);
    failNextPut = new Error('unexpected store failure');
    expect((await send('PUT', '/meshes/default/secrets/boom', { ...secret, name: 'boom' })).status).toBe(500);
    await api.close();

    const log = lines.join('');
    // The error paths did log (so the check below is not vacuous), but only method, path and error.
    expect(log).toContain('store unavailable');
    expect(log).toContain('request failed');
    expect(log).not.toContain(CANARY_DATA);
    expect(log).not.toContain(CANARY);
  });
});
