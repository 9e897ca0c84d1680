// Zone tokens (docs/tokens.md, docs/multizone.md §12): issued with the global's private keys, verified
// with those or with the public halves a zone holds, for one zone and one scope; every refusal
// has its reason, and bad input of any shape is a refusal, never an exception.
import { createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { pino } from 'pino';
import { beforeEach, describe, expect, it } from 'vitest';
import { MemoryStore } from '../core/memory-store.js';
import { newSigningKeyPem } from './signing-keys.js';
import { signWithKey } from './token-family.js';
import {
  issueOfflineZoneToken,
  parseZoneTokenRequest,
  publicKeyPem,
  publicSigningKeySecret,
  zoneRequestFromFlags,
  ZoneTokens,
  type ZoneTokenRequest,
} from './zone-token.js';

const NOW = Date.UTC(2026, 11, 3, 12, 0, 0);
const HOUR = 3600;
const CP = { zone: 'zone-1', scope: 'cp' } as const;

const b64 = (text: string) => Buffer.from(text).toString('base64');
const claimsOf = (token: string) => JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as Record<string, unknown>;
const request = (over: Partial<ZoneTokenRequest> = {}): ZoneTokenRequest => ({ zone: 'zone-1', scope: ['cp'], validForSeconds: HOUR, ...over });
const newStore = () => new MemoryStore({ logger: pino({ level: 'silent' }) });
const globalSecret = (name: string, data: string) => ({ kind: 'GlobalSecret' as const, mesh: name, name, spec: { data } });

describe('issuing', () => {
  it("signs Kuma's claims Zone and Scope with GlobalSecret zone-token-signing-key-1, created on first use", async () => {
    const store = newStore();
    const token = await new ZoneTokens(store).issue(request({ scope: ['cp', 'ingress'] }), NOW);
    const key = await store.get({ kind: 'GlobalSecret', mesh: 'zone-token-signing-key-1', name: 'zone-token-signing-key-1' });
    expect(createPrivateKey(Buffer.from(String(key?.spec.data), 'base64')).asymmetricKeyDetails?.modulusLength).toBe(2048);
    const header = JSON.parse(Buffer.from(token.split('.')[0] ?? '', 'base64url').toString()) as Record<string, unknown>;
    expect(header).toEqual({ alg: 'RS256', kid: '1', typ: 'JWT' });
    const claims = claimsOf(token);
    expect(claims).toMatchObject({ Zone: 'zone-1', Scope: ['cp', 'ingress'], iat: NOW / 1000 - 5, nbf: NOW / 1000 - 5, exp: NOW / 1000 + HOUR });
    expect(typeof claims['jti']).toBe('string');
  });

  it('parses the REST body: every scope by default, the default validity, every mistake at once', () => {
    expect(parseZoneTokenRequest({ zone: 'zone-1' })).toEqual({ ok: true, value: { zone: 'zone-1', scope: ['cp', 'egress', 'ingress'], validForSeconds: 87600 * 3600 } });
    expect(parseZoneTokenRequest({ zone: 'z', scope: ['ingress', 'cp', 'cp'], validFor: '24h' })).toEqual({ ok: true, value: { zone: 'z', scope: ['cp', 'ingress'], validForSeconds: 86400 } });
    expect(parseZoneTokenRequest({ zone: '', scope: ['cp', 'admin'], validFor: 'forever', extra: 1 })).toEqual({
      ok: false,
      violations: [
        { field: 'extra', message: 'unknown field "extra"' },
        { field: 'zone', message: 'cannot be empty' },
        { field: 'scope[1]', message: 'must be one of "cp", "egress", "ingress"' },
        { field: 'validFor', message: 'invalid duration "forever": use a number with a unit (h, m, s), e.g. 24h, 30m, 8760h' },
      ],
    });
    expect(parseZoneTokenRequest({ zone: 1, scope: 'cp', validFor: '87601h' })).toEqual({
      ok: false,
      violations: [
        { field: 'zone', message: 'must be a string' },
        { field: 'scope', message: 'must be a list of scopes' },
        { field: 'validFor', message: 'must be at most 87600h' },
      ],
    });
    expect(parseZoneTokenRequest([])).toEqual({ ok: false, violations: [{ field: '', message: 'must be a JSON object' }] });
  });

  it('reads CLI flags: --scope repeated or comma-separated', () => {
    expect(zoneRequestFromFlags({ zone: 'z', scope: ['cp,ingress', 'egress'], validFor: '1h' })).toEqual({ ok: true, value: { zone: 'z', scope: ['cp', 'egress', 'ingress'], validForSeconds: 3600 } });
    expect(zoneRequestFromFlags({ zone: 'z' })).toMatchObject({ ok: true, value: { scope: ['cp', 'egress', 'ingress'] } });
  });
});

describe('verifyZoneToken on the global (private keys)', () => {
  let store: MemoryStore;
  let tokens: ZoneTokens;

  beforeEach(() => {
    store = newStore();
    tokens = new ZoneTokens(store);
  });

  it('returns the zone identity for its zone and scope', async () => {
    const token = await tokens.issue(request({ scope: ['cp', 'ingress'] }), NOW);
    expect(await tokens.verifyZoneToken(token, CP, NOW)).toEqual({ ok: true, zone: 'zone-1', scope: ['cp', 'ingress'], jti: claimsOf(token)['jti'] });
    expect(await tokens.verifyZoneToken(token, { zone: 'zone-1', scope: 'ingress' }, NOW)).toMatchObject({ ok: true, zone: 'zone-1' });
  });

  it('refuses a token of another zone: a zone cannot impersonate another', async () => {
    const token = await tokens.issue(request({ zone: 'zone-2' }), NOW);
    expect(await tokens.verifyZoneToken(token, CP, NOW)).toEqual({ ok: false, reason: 'zone-mismatch', message: 'zone from requestor: zone-1 is different than in token: zone-2' });
  });

  it('refuses a token without the needed scope', async () => {
    const token = await tokens.issue(request({ scope: ['ingress'] }), NOW);
    expect(await tokens.verifyZoneToken(token, CP, NOW)).toEqual({ ok: false, reason: 'scope-missing', message: 'token has no scope "cp" (its scopes are ["ingress"])' });
  });

  it('refuses an expired token, and one not valid yet', async () => {
    const token = await tokens.issue(request(), NOW);
    expect(await tokens.verifyZoneToken(token, CP, NOW + (HOUR + 1) * 1000)).toEqual({ ok: false, reason: 'expired', message: 'token is expired' });
    expect(await tokens.verifyZoneToken(token, CP, NOW - 60_000)).toMatchObject({ ok: false, reason: 'not-yet-valid' });
  });

  it('refuses a revoked token from the next check on, and keeps others', async () => {
    const revoked = await tokens.issue(request(), NOW);
    const kept = await tokens.issue(request(), NOW);
    expect(await tokens.verifyZoneToken(revoked, CP, NOW)).toMatchObject({ ok: true });
    await store.put(globalSecret('zone-token-revocations', b64(`other, ${String(claimsOf(revoked)['jti'])}`)));
    expect(await tokens.verifyZoneToken(revoked, CP, NOW)).toEqual({ ok: false, reason: 'revoked', message: 'token is revoked' });
    expect(await tokens.verifyZoneToken(kept, CP, NOW)).toMatchObject({ ok: true });
  });

  it('refuses a token signed by another key under the same kid, and a tampered payload', async () => {
    const forged = await issueOfflineZoneToken(request(), await newSigningKeyPem(), '1', NOW);
    await tokens.issue(request(), NOW); // creates key 1
    expect(await tokens.verifyZoneToken(forged, CP, NOW)).toEqual({ ok: false, reason: 'bad-signature', message: 'token signature is invalid' });
    const genuine = (await tokens.issue(request({ zone: 'zone-2' }), NOW)).split('.');
    const payload = Buffer.from(JSON.stringify({ ...claimsOf(genuine.join('.')), Zone: 'zone-1' })).toString('base64url');
    expect(await tokens.verifyZoneToken(`${genuine[0]}.${payload}.${genuine[2]}`, CP, NOW)).toMatchObject({ ok: false, reason: 'bad-signature' });
  });

  it('refuses a token whose key was rotated away, naming both secrets it looked for', async () => {
    const token = await issueOfflineZoneToken(request(), await newSigningKeyPem(), '4', NOW);
    expect(await tokens.verifyZoneToken(token, CP, NOW)).toEqual({
      ok: false,
      reason: 'unknown-kid',
      message:
        'there is no signing key with KID 4. Global secret of name "zone-token-signing-key-4" or "zone-token-signing-public-key-4" is not found. If signing key was rotated, regenerate the token',
    });
  });

  it('never throws on bad input: each is a malformed refusal', async () => {
    const other = await newSigningKeyPem();
    await store.put(globalSecret('zone-token-signing-key-1', b64(other)));
    const valid = await issueOfflineZoneToken(request(), other, '1', NOW);
    // Validly signed, but a dataplane token's claims.
    const noClaims = await signWithKey({ kid: '1', privateKey: createPrivateKey(other) }, { Mesh: 'default' }, HOUR, NOW);
    const inputs: unknown[] = [undefined, null, 42, '', 'x', 'a.b.c', '....', 'x'.repeat(20_000), { token: valid }, [valid], noClaims];
    for (const input of inputs) {
      const result = await tokens.verifyZoneToken(input, CP, NOW);
      expect(result.ok, String(input).slice(0, 20)).toBe(false);
      if (!result.ok) expect(result.reason).toBe('malformed');
    }
    expect(await tokens.verifyZoneToken(noClaims, CP, NOW)).toEqual({ ok: false, reason: 'malformed', message: 'token claims are not those of a zone token' });
  });
});

describe('verifyZoneToken in a zone (public keys only)', () => {
  it('accepts a global-issued token with only zone-token-signing-public-key-<N>, as derived for sync', async () => {
    const global = newStore();
    const issuer = new ZoneTokens(global);
    const token = await issuer.issue(request(), NOW);
    const privateSecret = await global.get({ kind: 'GlobalSecret', mesh: 'zone-token-signing-key-1', name: 'zone-token-signing-key-1' });
    const derived = publicSigningKeySecret(privateSecret ?? { name: '', spec: {} });
    expect(derived?.name).toBe('zone-token-signing-public-key-1');
    const pem = Buffer.from(derived?.spec.data ?? '', 'base64').toString();
    expect(pem).toMatch(/^-----BEGIN PUBLIC KEY-----\n/);
    expect(pem).not.toContain('PRIVATE');

    const zone = newStore();
    await zone.put(globalSecret(derived?.name ?? '', derived?.spec.data ?? ''));
    const verifier = new ZoneTokens(zone);
    expect(await verifier.verifyZoneToken(token, CP, NOW)).toMatchObject({ ok: true, zone: 'zone-1' });
    expect(await verifier.verifyZoneToken(token, { zone: 'zone-2', scope: 'cp' }, NOW)).toMatchObject({ ok: false, reason: 'zone-mismatch' });
    const forged = await issueOfflineZoneToken(request(), await newSigningKeyPem(), '1', NOW);
    expect(await verifier.verifyZoneToken(forged, CP, NOW)).toMatchObject({ ok: false, reason: 'bad-signature' });
    await zone.put(globalSecret('zone-token-revocations', b64(String(claimsOf(token)['jti']))));
    expect(await verifier.verifyZoneToken(token, CP, NOW)).toMatchObject({ ok: false, reason: 'revoked' });
  });

  it('accepts a PKCS#1 public key too, and refuses a public key secret that is not an RSA key', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const zone = newStore();
    await zone.put(globalSecret('zone-token-signing-public-key-2', b64(publicKey.export({ type: 'pkcs1', format: 'pem' }) as string)));
    const token = await issueOfflineZoneToken(request(), privateKey.export({ type: 'pkcs1', format: 'pem' }) as string, '2', NOW);
    expect(await new ZoneTokens(zone).verifyZoneToken(token, CP, NOW)).toMatchObject({ ok: true });
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'pem' }) as string;
    await zone.put(globalSecret('zone-token-signing-public-key-2', b64(ec)));
    expect(await new ZoneTokens(zone).verifyZoneToken(token, CP, NOW)).toEqual({ ok: false, reason: 'unknown-kid', message: 'signing key zone-token-signing-public-key-2 is not a valid PEM RSA public key' });
  });

  it('derives nothing from other secrets, and the public key of a private one', async () => {
    expect(publicSigningKeySecret({ name: 'user-token-signing-key-1', spec: { data: b64('x') } })).toBeUndefined();
    expect(publicSigningKeySecret({ name: 'zone-token-signing-key-x', spec: { data: b64('x') } })).toBeUndefined();
    expect(() => publicSigningKeySecret({ name: 'zone-token-signing-key-1', spec: { data: b64('not a key') } })).toThrow();
    const pem = await newSigningKeyPem();
    const derived = createPublicKey(publicKeyPem(pem)).export({ type: 'spki', format: 'der' });
    expect(derived.equals(createPublicKey(createPrivateKey(pem)).export({ type: 'spki', format: 'der' }))).toBe(true);
  });
});

describe('offline issuing', () => {
  it('signs with a key file and kid, verified by the stored key of that number', async () => {
    const store = newStore();
    const pem = await newSigningKeyPem();
    await store.put(globalSecret('zone-token-signing-key-3', b64(pem)));
    const token = await issueOfflineZoneToken(request({ scope: ['egress'] }), pem, '3', NOW);
    expect(await new ZoneTokens(store).verifyZoneToken(token, { zone: 'zone-1', scope: 'egress' }, NOW)).toMatchObject({ ok: true, scope: ['egress'] });
    await expect(issueOfflineZoneToken(request(), pem, 'one', NOW)).rejects.toThrow('kid must be a positive key number');
    await expect(issueOfflineZoneToken(request(), 'nope', '1', NOW)).rejects.toThrow('the signing key is not a PEM private key');
  });
});
