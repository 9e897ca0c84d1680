// `portico generate dataplane-token` against a real REST API (POST /tokens/dataplane answers the
// token as text/plain), and offline with a signing-key file: both tokens validate with the mesh's
// stored keys; mistakes are reported by flag.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataplaneTokenRoute } from '../api-server/dataplane-token-route.js';
import { createApiServer, type ApiServer } from '../api-server/server.js';
import { MemoryStore } from '../core/memory-store.js';
import { DataplaneTokens } from '../tokens/dataplane-token.js';
import { newSigningKeyPem } from '../tokens/signing-keys.js';
import { main } from './main.js';
import type { CliIo } from './output.js';

async function run(api: string, args: string[]) {
  let stdout = '';
  let stderr = '';
  const io: CliIo = { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), readStdin: () => Promise.resolve(''), now: () => new Date() };
  const code = await main(['node', 'portico', '--api', api, ...args], io);
  return { code, stdout, stderr };
}

describe('portico generate dataplane-token', () => {
  let server: ApiServer;
  let store: MemoryStore;
  let tokens: DataplaneTokens;
  let api: string;
  let dir: string;

  beforeAll(async () => {
    store = new MemoryStore();
    tokens = new DataplaneTokens(store);
    await store.put({ kind: 'Mesh', mesh: 'default', name: 'default', spec: {} });
    server = createApiServer({ store, logger: pino({ level: 'silent' }), isReady: () => true, extraRoutes: [dataplaneTokenRoute(store, tokens)] });
    api = `http://127.0.0.1:${await server.listen(0, '127.0.0.1')}`;
    dir = await mkdtemp(path.join(tmpdir(), 'portico-gen-'));
  });

  afterAll(async () => {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('asks the control plane and prints only the token', async () => {
    const r = await run(api, ['generate', 'dataplane-token', '--mesh', 'default', '--name', 'gw-1', '--tag', 'kuma.io/service=edge', '--valid-for', '24h']);
    expect(r).toMatchObject({ code: 0, stderr: '' });
    const token = r.stdout.trim();
    expect(r.stdout).toBe(`${token}\n`);
    const valid = await tokens.validate(token, 'default', Date.now());
    expect(valid).toMatchObject({ ok: true, claims: { Name: 'gw-1', Mesh: 'default', Tags: { 'kuma.io/service': ['edge'] }, Type: 'dataplane' } });
  });

  it('answers the REST body as text/plain, and a bad body with a 400 naming each field', async () => {
    const ok = await fetch(`${api}/tokens/dataplane`, { method: 'POST', body: JSON.stringify({ mesh: 'default', validFor: '30m' }) });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-type')).toMatch(/^text\/plain/);
    expect((await ok.text()).split('.')).toHaveLength(3);
    const bad = await fetch(`${api}/tokens/dataplane`, { method: 'POST', body: JSON.stringify({ mesh: 'nope', tags: { a: 'b' }, validFor: 'forever' }) });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { causes: unknown[] }).causes).toEqual([
      { field: 'validFor', message: 'invalid duration "forever": use a number with a unit (h, m, s), e.g. 24h, 30m, 8760h' },
      { field: 'tags["a"]', message: 'must be a non-empty list of non-empty strings' },
    ]);
    const unknownMesh = await fetch(`${api}/tokens/dataplane`, { method: 'POST', body: JSON.stringify({ mesh: 'nope' }) });
    expect(((await unknownMesh.json()) as { causes: unknown[] }).causes).toEqual([{ field: 'mesh', message: 'mesh "nope" does not exist' }]);
  });

  it('decodes the body with the API\'s bounded decoder: too deep, or a duplicated key, is a 400', async () => {
    const deep = await fetch(`${api}/tokens/dataplane`, { method: 'POST', body: `${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}` });
    expect(deep.status).toBe(400);
    expect(JSON.stringify(await deep.json())).toContain('nesting deeper than 64 levels');
    const duplicate = await fetch(`${api}/tokens/dataplane`, { method: 'POST', body: '{"mesh":"default","mesh":"other"}' });
    expect(duplicate.status).toBe(400);
  });

  it('signs offline with --signing-key-path and --kid, no control plane needed', async () => {
    const pem = await newSigningKeyPem();
    await store.put({ kind: 'Secret', mesh: 'default', name: 'dataplane-token-signing-key-default-7', spec: { data: Buffer.from(pem).toString('base64') } });
    const keyFile = path.join(dir, 'key.pem');
    await writeFile(keyFile, pem);
    const r = await run('http://127.0.0.1:1', ['generate', 'dataplane-token', '--mesh', 'default', '--name', 'gw-2', '--signing-key-path', keyFile, '--kid', '7']);
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(await tokens.validate(r.stdout.trim(), 'default', Date.now())).toMatchObject({ ok: true, claims: { Name: 'gw-2' } });
  });

  it('reports mistakes by flag and prints no token', async () => {
    const r = await run(api, ['generate', 'dataplane-token', '--mesh', 'default', '--valid-for', '1d', '--tag', 'oops']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('--tag: "oops" is not of the form name=value');
    expect(r.stderr).toContain('--valid-for: invalid duration "1d"');
    const half = await run(api, ['generate', 'dataplane-token', '--mesh', 'default', '--kid', '1']);
    expect(half).toMatchObject({ code: 1, stdout: '' });
    expect(half.stderr).toContain('--signing-key-path and --kid go together');
  });
});
