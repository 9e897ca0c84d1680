// Token issuing and validation (docs/robustness.md S1 at unit level): every way a token can be wrong
// is refused with its own message, and rotation and revocation work through the store.
import { createHmac, createPublicKey, createPrivateKey } from 'node:crypto';
import { pino } from 'pino';
import { beforeEach, describe, expect, it } from 'vitest';
import { MemoryStore } from '../core/memory-store.js';
import { MAX_TOKEN_BYTES } from './jwt.js';
import { dataplaneRevocations, parseRevokedIds, USER_REVOCATIONS } from './revocations.js';
import { dataplaneSigningKeys, newSigningKeyPem, USER_SIGNING_KEYS } from './signing-keys.js';
import { TokenFamily } from './token-family.js';

const NOW = Date.UTC(2026, 11, 3, 12, 0, 0);
const HOUR = 3600;

const b64url = (v: unknown) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url');
function parts(token: string): [Record<string, unknown>, Record<string, unknown>, string] {
  const [h, p, s] = token.split('.');
  return [JSON.parse(Buffer.from(h ?? '', 'base64url').toString()), JSON.parse(Buffer.from(p ?? '', 'base64url').toString()), s ?? ''];
}

describe('TokenFamily (dataplane tokens of mesh "default")', () => {
  let store: MemoryStore;
  let family: TokenFamily;

  beforeEach(async () => {
    store = new MemoryStore({ logger: pino({ level: 'silent' }) });
    family = new TokenFamily(store, dataplaneSigningKeys('default'), dataplaneRevocations('default'));
  });

  async function putSecret(name: string, text: string): Promise<void> {
    await store.put({ kind: 'Secret', mesh: 'default', name, spec: { data: Buffer.from(text).toString('base64') } });
  }

  it('creates signing key 1 on first use, as a mesh Secret holding an RSA 2048 PEM key', async () => {
    const token = await family.issue({ Mesh: 'default' }, HOUR, NOW);
    const secret = await store.get({ kind: 'Secret', mesh: 'default', name: 'dataplane-token-signing-key-default-1' });
    expect(secret).toBeDefined();
    const key = createPrivateKey(Buffer.from(secret?.spec.data ?? '', 'base64'));
    expect(key.asymmetricKeyDetails?.modulusLength).toBe(2048);
    const [header, claims] = parts(token);
    expect(header).toEqual({ alg: 'RS256', kid: '1', typ: 'JWT' });
    expect(claims).toMatchObject({ Mesh: 'default', iat: NOW / 1000 - 5, nbf: NOW / 1000 - 5, exp: NOW / 1000 + HOUR });
    expect(typeof claims['jti']).toBe('string');
  });

  it('validates its own token and returns the claims', async () => {
    const token = await family.issue({ Mesh: 'default', Name: 'edge' }, HOUR, NOW);
    const valid = await family.validate(token, NOW + 1000);
    expect(valid).toMatchObject({ ok: true, kid: '1', claims: { Mesh: 'default', Name: 'edge' } });
  });

  it('accepts a token up to the backdated nbf (clock skew), refuses it before with a clock hint', async () => {
    const token = await family.issue({}, HOUR, NOW);
    expect((await family.validate(token, NOW - 4000)).ok).toBe(true);
    const early = await family.validate(token, NOW - 60_000);
    expect(early).toEqual({ ok: false, reason: 'not-yet-valid', message: expect.stringMatching(/^token is not valid yet \(55 s in the future\): check that the clocks/) });
  });

  it('refuses an expired token', async () => {
    const token = await family.issue({}, HOUR, NOW);
    expect(await family.validate(token, NOW + (HOUR + 1) * 1000)).toEqual({ ok: false, reason: 'expired', message: 'token is expired' });
  });

  it('refuses a revoked jti, re-reading the revocation secret on each check', async () => {
    const token = await family.issue({}, HOUR, NOW);
    const jti = String(parts(token)[1]['jti']);
    await putSecret('dataplane-token-revocations-default', `other, ${jti} ,`);
    expect(await family.validate(token, NOW)).toEqual({ ok: false, reason: 'revoked', message: 'token is revoked' });
    await putSecret('dataplane-token-revocations-default', 'other');
    expect((await family.validate(token, NOW)).ok).toBe(true);
  });

  it('signs new tokens with the highest key; after key 1 is deleted its tokens are refused with a rotation hint', async () => {
    const old = await family.issue({}, HOUR, NOW);
    await putSecret('dataplane-token-signing-key-default-2', await newSigningKeyPem());
    const fresh = await family.issue({}, HOUR, NOW);
    expect(parts(fresh)[0]['kid']).toBe('2');
    expect((await family.validate(old, NOW)).ok).toBe(true);
    await store.delete({ kind: 'Secret', mesh: 'default', name: 'dataplane-token-signing-key-default-1' });
    expect(await family.validate(old, NOW)).toEqual({
      ok: false,
      reason: 'unknown-kid',
      message:
        'there is no signing key with KID 1. Secret of name "dataplane-token-signing-key-default-1" in mesh "default" is not found. If signing key was rotated, regenerate the token',
    });
    expect((await family.validate(fresh, NOW)).ok).toBe(true);
  });

  it('refuses a token of another mesh: its kid names no key here, or the signature does not match', async () => {
    const other = new TokenFamily(store, dataplaneSigningKeys('other'), dataplaneRevocations('other'));
    const foreign = await other.issue({ Mesh: 'other' }, HOUR, NOW);
    expect(await family.validate(foreign, NOW)).toMatchObject({ ok: false, message: expect.stringContaining('there is no signing key with KID 1') });
    await family.issue({}, HOUR, NOW);
    expect(await family.validate(foreign, NOW)).toEqual({ ok: false, reason: 'bad-signature', message: 'token signature is invalid' });
  });

  describe('hostile tokens', () => {
    let good: string;
    beforeEach(async () => {
      good = await family.issue({ Mesh: 'default' }, HOUR, NOW);
    });

    it.each<[string, (t: string) => string, string, string]>([
      ['a numeric kid', (t) => reheader(t, { alg: 'RS256', kid: 1 }), 'kid header is invalid. Expected string.', 'malformed'],
      ['no kid', (t) => reheader(t, { alg: 'RS256' }), 'kid header not found', 'malformed'],
      ['alg none', (t) => `${b64url({ alg: 'none', kid: '1' })}.${t.split('.')[1]}.`, 'token must be signed with RS256, not "none"', 'malformed'],
      ['a tampered payload', (t) => { const [h, , s] = t.split('.'); return `${h}.${b64url({ Mesh: 'default', exp: NOW / 1000 + 9999, jti: 'x' })}.${s}`; }, 'token signature is invalid', 'bad-signature'],
      ['garbage', () => 'not-a-jwt', 'token is not a valid JWT', 'malformed'],
      ['an empty string', () => '', 'token is not a valid JWT', 'malformed'],
      ['a 100 KB token', (t) => t + 'A'.repeat(100 * 1024), `token is larger than ${MAX_TOKEN_BYTES} bytes`, 'malformed'],
    ])('refuses %s', async (_name, mutate, message, reason) => {
      expect(await family.validate(mutate(good), NOW)).toEqual({ ok: false, message, reason });
    });

    it('refuses HS256 "signed" with the public key as HMAC secret (algorithm confusion)', async () => {
      const secret = await store.get({ kind: 'Secret', mesh: 'default', name: 'dataplane-token-signing-key-default-1' });
      const publicPem = createPublicKey(createPrivateKey(Buffer.from(secret?.spec.data ?? '', 'base64'))).export({ type: 'spki', format: 'pem' });
      const signingInput = `${b64url({ alg: 'HS256', kid: '1' })}.${good.split('.')[1]}`;
      const forged = `${signingInput}.${createHmac('sha256', publicPem).update(signingInput).digest('base64url')}`;
      expect(await family.validate(forged, NOW)).toEqual({ ok: false, reason: 'malformed', message: 'token must be signed with RS256, not "HS256"' });
    });
  });
});

describe('user-token family', () => {
  it('keeps its signing key as GlobalSecret user-token-signing-key-1', async () => {
    const store = new MemoryStore({ logger: pino({ level: 'silent' }) });
    const family = new TokenFamily(store, USER_SIGNING_KEYS, USER_REVOCATIONS);
    const token = await family.issue({ Name: 'admin', Groups: ['mesh-system:admin'] }, HOUR, NOW);
    expect(await store.get({ kind: 'GlobalSecret', mesh: 'user-token-signing-key-1', name: 'user-token-signing-key-1' })).toBeDefined();
    expect(await family.validate(token, NOW)).toMatchObject({ ok: true, claims: { Name: 'admin', Groups: ['mesh-system:admin'] } });
  });
});

describe('parseRevokedIds', () => {
  it('reads comma-separated ids, ignoring blanks', () => {
    expect([...parseRevokedIds(' a,b ,, c\n')]).toEqual(['a', 'b', 'c']);
  });
});

describe('issue', () => {
  it('refuses a validity that is not a positive whole number of seconds', async () => {
    const family = new TokenFamily(new MemoryStore({ logger: pino({ level: 'silent' }) }), USER_SIGNING_KEYS, USER_REVOCATIONS);
    await expect(family.issue({}, 0, NOW)).rejects.toThrow(/validity must be/);
    await expect(family.issue({}, 1.5, NOW)).rejects.toThrow(/validity must be/);
  });
});

function reheader(token: string, header: Record<string, unknown>): string {
  const [, payload, signature] = token.split('.');
  return `${b64url(header)}.${payload}.${signature}`;
}
