// Zone tokens over a real control plane (docs/tokens.md, docs/multizone.md §12): POST /tokens/zone is
// admin only; `portico generate zone-token` asks it (online) or signs with the key file (offline);
// the tokens verify for their zone and scope on the global (private key) and in a zone that holds
// only the public key secret; neither tokens nor key material reach a log line or a list.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import type { CliIo } from '../../src/cli/output.js';
import { MemoryStore } from '../../src/core/memory-store.js';
import { DEFAULT_CONFIG, startControlPlane, type ControlPlane } from '../../src/runtime/control-plane.js';
import { ADMIN_GROUP, UserTokens } from '../../src/tokens/user-token.js';
import { publicSigningKeySecret, ZoneTokens } from '../../src/tokens/zone-token.js';

const SIGNING_KEY_1 = { kind: 'GlobalSecret' as const, mesh: 'zone-token-signing-key-1', name: 'zone-token-signing-key-1' };
const CP_OF_ZONE_1 = { zone: 'zone-1', scope: 'cp' } as const;

const logLines: string[] = [];
const issued: string[] = [];
let cp: ControlPlane;
let api: string;
let admin: string;
let member: string;
let dir: string;

beforeAll(async () => {
  const logger = pino({ level: 'trace' }, { write: (line: string) => void logLines.push(line) });
  // Loopback is not admin here, so the route's own access rule is what is tested.
  cp = await startControlPlane({ ...DEFAULT_CONFIG, store: 'memory', apiPort: 0, xdsPort: 0, debounceMs: 10, apiAuth: { localhostIsAdmin: false, bootstrapAdminToken: false }, tls: { ...DEFAULT_CONFIG.tls, xdsPlaintext: true }, logger });
  api = `http://127.0.0.1:${cp.apiPort}`;
  const users = new UserTokens(cp.store);
  admin = await users.issue({ name: 'ops', groups: [ADMIN_GROUP] }, 3600, Date.now());
  member = await users.issue({ name: 'john', groups: ['team-a'] }, 3600, Date.now());
  dir = await mkdtemp(path.join(tmpdir(), 'portico-zone-token-'));
}, 60_000);

afterAll(async () => {
  await cp?.stop();
  await rm(dir, { recursive: true, force: true });
});

const post = (headers: Record<string, string>, body: unknown) =>
  fetch(`${api}/tokens/zone`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

async function cli(args: string[]) {
  let stdout = '';
  let stderr = '';
  const io: CliIo = { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), readStdin: () => Promise.resolve(''), now: () => new Date() };
  const code = await main(['node', 'portico', '--api', api, ...args], io);
  return { code, stdout, stderr };
}

describe('POST /tokens/zone', () => {
  it('refuses anonymous callers (401) and non-admins (403), and issues nothing for them', async () => {
    expect((await post({}, { zone: 'zone-1', scope: ['cp'] })).status).toBe(401);
    expect((await post(bearer(member), { zone: 'zone-1', scope: ['cp'] })).status).toBe(403);
    expect(await cp.store.get(SIGNING_KEY_1)).toBeUndefined();
  });

  it('gives an admin a text/plain token, not cacheable, that verifies for its zone and scope only', async () => {
    const res = await post(bearer(admin), { zone: 'zone-1', scope: ['cp'], validFor: '24h' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const token = await res.text();
    issued.push(token);
    const tokens = new ZoneTokens(cp.store);
    expect(await tokens.verifyZoneToken(token, CP_OF_ZONE_1)).toMatchObject({ ok: true, zone: 'zone-1', scope: ['cp'] });
    expect(await tokens.verifyZoneToken(token, { zone: 'zone-2', scope: 'cp' })).toMatchObject({ ok: false, reason: 'zone-mismatch' });
    expect(await tokens.verifyZoneToken(token, { zone: 'zone-1', scope: 'ingress' })).toMatchObject({ ok: false, reason: 'scope-missing' });
  });

  it('answers a bad body with a 400 naming each field', async () => {
    const res = await post(bearer(admin), { zone: '', scope: ['root'], validFor: 'soon' });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { causes: unknown[] }).causes).toEqual([
      { field: 'zone', message: 'cannot be empty' },
      { field: 'scope[0]', message: 'must be one of "cp", "egress", "ingress"' },
      { field: 'validFor', message: 'invalid duration "soon": use a number with a unit (h, m, s), e.g. 24h, 30m, 8760h' },
    ]);
  });
});

describe('portico generate zone-token', () => {
  it('asks the control plane with an admin token and prints only the token', async () => {
    const r = await cli(['--api-token', admin, 'generate', 'zone-token', '--zone', 'zone-2', '--scope', 'cp', '--scope', 'ingress', '--valid-for', '1h']);
    expect(r).toMatchObject({ code: 0, stderr: '' });
    const token = r.stdout.trim();
    expect(r.stdout).toBe(`${token}\n`);
    issued.push(token);
    const verified = await new ZoneTokens(cp.store).verifyZoneToken(token, { zone: 'zone-2', scope: 'ingress' });
    expect(verified).toMatchObject({ ok: true, zone: 'zone-2', scope: ['cp', 'ingress'] });
  });

  it('fails with the API answer for a non-admin, and prints no token', async () => {
    const r = await cli(['--api-token', member, 'generate', 'zone-token', '--zone', 'zone-1', '--scope', 'cp']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('403');
  });

  it('signs offline with the global key file, and a zone holding only the public key accepts the token', async () => {
    const key = await cp.store.get(SIGNING_KEY_1);
    expect(key).toBeDefined();
    const keyFile = path.join(dir, 'zone-token-signing-key-1.pem');
    await writeFile(keyFile, Buffer.from(String(key?.spec.data), 'base64'), { mode: 0o600 });
    const r = await cli(['generate', 'zone-token', '--zone', 'zone-1', '--scope', 'cp', '--valid-for', '30m', '--signing-key-path', keyFile, '--kid', '1']);
    expect(r).toMatchObject({ code: 0, stderr: '' });
    const token = r.stdout.trim();
    issued.push(token);
    expect(await new ZoneTokens(cp.store).verifyZoneToken(token, CP_OF_ZONE_1)).toMatchObject({ ok: true, zone: 'zone-1' });

    const zoneStore = new MemoryStore({ logger: pino({ level: 'silent' }) });
    const publicKey = publicSigningKeySecret(key ?? { name: '', spec: {} });
    if (!publicKey) throw new Error('no public key derived from zone-token-signing-key-1');
    expect(publicKey.name).toBe('zone-token-signing-public-key-1');
    await zoneStore.put({ kind: 'GlobalSecret', mesh: publicKey.name, name: publicKey.name, spec: publicKey.spec });
    const inZone = new ZoneTokens(zoneStore);
    for (const t of issued.filter((_, i) => i !== 1)) expect(await inZone.verifyZoneToken(t, CP_OF_ZONE_1)).toMatchObject({ ok: true, zone: 'zone-1' });
    expect(await inZone.verifyZoneToken(issued[1], CP_OF_ZONE_1)).toMatchObject({ ok: false, reason: 'zone-mismatch' });
  });

  it('refuses a kid without a key file, and a bad scope, naming the flag', async () => {
    const half = await cli(['generate', 'zone-token', '--zone', 'zone-1', '--kid', '1']);
    expect(half).toMatchObject({ code: 1, stdout: '' });
    expect(half.stderr).toContain('--signing-key-path and --kid go together');
    const bad = await cli(['generate', 'zone-token', '--zone', 'zone-1', '--scope', 'cp,admin']);
    expect(bad).toMatchObject({ code: 1, stdout: '' });
    expect(bad.stderr).toContain('--scope: must be one of "cp", "egress", "ingress"');
  });
});

describe('revocation and secrecy', () => {
  it('refuses a token once its jti is in GlobalSecret zone-token-revocations', async () => {
    const token = issued[0] ?? '';
    const jti = String((JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as { jti: string }).jti);
    const res = await fetch(`${api}/global-secrets/zone-token-revocations`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', ...bearer(admin) },
      body: JSON.stringify({ type: 'GlobalSecret', name: 'zone-token-revocations', data: Buffer.from(jti).toString('base64') }),
    });
    expect(res.status).toBeLessThan(300);
    expect(await new ZoneTokens(cp.store).verifyZoneToken(token, CP_OF_ZONE_1)).toEqual({ ok: false, reason: 'revoked', message: 'token is revoked' });
  });

  it('keeps the signing key out of lists and plain GETs, and tokens and keys out of every log line', async () => {
    const keyData = String((await cp.store.get(SIGNING_KEY_1))?.spec.data);
    const list = await fetch(`${api}/global-secrets`, { headers: bearer(admin) });
    const listText = await list.text();
    expect(list.status).toBe(200);
    expect(listText).toContain('zone-token-signing-key-1'); // the key is listed, so the check below is not vacuous
    expect(listText).not.toContain(keyData);
    const one = await fetch(`${api}/global-secrets/zone-token-signing-key-1`, { headers: bearer(admin) });
    expect(one.status).toBe(200);
    expect(await one.text()).not.toContain(keyData);
    const log = logLines.join('');
    expect(log).toContain('/tokens/zone'); // the requests were logged
    expect(issued.length).toBe(3);
    for (const token of issued) {
      expect(log).not.toContain(token.split('.')[1]);
      expect(log).not.toContain(token.split('.')[2]);
    }
    expect(log).not.toContain(keyData.slice(0, 64));
  });
});
