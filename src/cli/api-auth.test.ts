// The CLI against a real API server that requires tokens (loopback admin switched off): the token
// from --api-token, PORTICO_API_TOKEN or the config file, in that order; one-line 401 and 403
// errors that never print the token; `generate user-token` and `admin-token`.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiServer, type ApiServer } from '../api-server/server.js';
import { MemoryStore } from '../core/memory-store.js';
import { ADMIN_USER_TOKEN, ensureAdminUserToken } from '../tokens/admin-user-token.js';
import { UserTokens } from '../tokens/user-token.js';
import { configFilePath } from './api-connection.js';
import { main } from './main.js';
import type { CliIo } from './output.js';

let store: MemoryStore;
let tokens: UserTokens;
let server: ApiServer;
let open: ApiServer;
let api: string;
let openApi: string;
let admin: string;
let member: string;
let dir: string;

beforeAll(async () => {
  store = new MemoryStore({ logger: pino({ level: 'silent' }) });
  tokens = new UserTokens(store);
  admin = await tokens.issue({ name: 'ops', groups: ['mesh-system:admin'] }, 3600, Date.now());
  member = await tokens.issue({ name: 'john', groups: ['team-a'] }, 3600, Date.now());
  const common = { store, logger: pino({ level: 'silent' }), isReady: () => true, userTokens: tokens };
  server = createApiServer({ ...common, auth: { localhostIsAdmin: false } });
  api = `http://127.0.0.1:${await server.listen(0, '127.0.0.1')}`;
  open = createApiServer({ ...common, auth: { localhostIsAdmin: true } });
  openApi = `http://127.0.0.1:${await open.listen(0, '127.0.0.1')}`;
  dir = await mkdtemp(path.join(tmpdir(), 'portico-cli-auth-'));
});

afterAll(async () => {
  await server.close();
  await open.close();
  await rm(dir, { recursive: true, force: true });
});

/** Run the CLI with `env` as its whole environment. */
async function run(args: string[], env: Record<string, string> = {}) {
  let stdout = '';
  let stderr = '';
  const io: CliIo = { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), readStdin: async () => '', now: () => new Date(), env };
  const code = await main(['node', 'portico', ...args], io);
  return { code, stdout, stderr };
}

describe('portico with a token-only API', () => {
  it('prints a one-line 401 without a token, and never the token with a bad one', async () => {
    const r = await run(['--api', api, 'get', 'meshes']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      'Error: Unauthenticated: this route needs a user token: send the header "Authorization: Bearer <token>" (401: give a user token with --api-token, PORTICO_API_TOKEN or the config file; see docs/api-auth.md)\n',
    );
    const bad = await run(['--api', api, '--api-token', `${member}x`, 'get', 'meshes']);
    expect(bad.stderr).toMatch(/^Error: Invalid authentication data: token signature is invalid \(401: .*\)\n$/);
    expect(bad.stderr).not.toContain(member);
  });

  it('writes with an admin --api-token; a member token reads and gets a one-line 403 on writes', async () => {
    const file = path.join(dir, 'mesh.yaml');
    await writeFile(file, 'type: Mesh\nname: prod\n');
    expect(await run(['--api', api, '--api-token', admin, 'apply', '-f', file])).toMatchObject({ code: 0, stdout: 'mesh "prod" created\n' });
    const read = await run(['--api', api, 'get', 'mesh', 'prod', '-o', 'json'], { PORTICO_API_TOKEN: member });
    expect(read.code).toBe(0);
    expect(JSON.parse(read.stdout)).toMatchObject({ type: 'Mesh', name: 'prod' });
    const denied = await run(['--api', api, 'delete', 'mesh', 'prod'], { PORTICO_API_TOKEN: member });
    expect(denied.code).toBe(1);
    expect(denied.stderr).toBe(
      'Error: Access Denied: user "john" (groups: team-a, mesh-system:authenticated) cannot DELETE /meshes/prod: it needs group mesh-system:admin (403: this needs a token of a user in group mesh-system:admin)\n',
    );
    expect(await store.get({ kind: 'Mesh', mesh: 'prod', name: 'prod' })).toBeDefined();
  });

  it('takes the API and token from the config file, the flag over the environment over the file', async () => {
    const home = path.join(dir, 'xdg');
    const env = { XDG_CONFIG_HOME: home };
    const file = configFilePath(env) ?? '';
    expect(file).toBe(path.join(home, 'portico', 'config.yaml'));
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, `api: ${api}\ntoken: ${member}\n`);
    expect((await run(['get', 'meshes'], env)).code).toBe(0);
    expect((await run(['delete', 'mesh', 'nothing'], env)).stderr).toContain('(403: ');
    expect((await run(['delete', 'mesh', 'nothing'], { ...env, PORTICO_API_TOKEN: admin })).stderr).toBe('Error: mesh "nothing" not found\n');
    expect((await run(['--api-token', 'bad', 'delete', 'mesh', 'nothing'], { ...env, PORTICO_API_TOKEN: admin })).stderr).toContain('(401: ');
    expect(configFilePath({ HOME: '/home/ops' })).toBe('/home/ops/.portico/config.yaml');
    expect(configFilePath({})).toBeUndefined();
    await writeFile(file, 'token: [1]\n');
    expect((await run(['get', 'meshes'], env)).stderr).toBe(`Error: config file ${file}: token must be a string\n`);
  });

  it('generates a user token with an admin token, and refuses a member', async () => {
    const r = await run(['--api', api, '--api-token', admin, 'generate', 'user-token', '--name', 'jane', '--group', 'team-b', '--group', 'team-c', '--valid-for', '8760h']);
    expect(r).toMatchObject({ code: 0, stderr: '' });
    const token = r.stdout.trim();
    expect(r.stdout).toBe(`${token}\n`);
    expect(await tokens.validate(token, Date.now())).toMatchObject({ ok: true, user: { name: 'jane', groups: ['team-b', 'team-c', 'mesh-system:authenticated'] } });
    const bad = await run(['--api', api, '--api-token', admin, 'generate', 'user-token', '--name', 'jane', '--valid-for', '1d']);
    expect(bad.stderr).toContain('validFor: is invalid: invalid duration "1d"');
    const denied = await run(['--api', api, '--api-token', member, 'generate', 'user-token', '--name', 'x', '--valid-for', '1h']);
    expect(denied).toMatchObject({ code: 1, stdout: '' });
    expect(denied.stderr).toContain('(403: ');
  });
});

describe('portico admin-token', () => {
  it('prints the admin user token over loopback, and says when there is none', async () => {
    expect((await run(['--api', openApi, 'admin-token'])).stderr).toMatch(/^Error: there is no admin user token/);
    await ensureAdminUserToken(store, tokens, Date.now());
    const stored = Buffer.from(String(((await store.get(ADMIN_USER_TOKEN))?.spec as { data?: string }).data), 'base64').toString();
    const r = await run(['--api', openApi, 'admin-token']);
    expect(r).toEqual({ code: 0, stdout: `${stored}\n`, stderr: '' });
    expect(await tokens.validate(stored, Date.now())).toMatchObject({ ok: true, user: { name: 'mesh-system:admin' } });
    expect((await run(['--api', api, 'admin-token'])).stderr).toContain('(401: ');
  });
});
