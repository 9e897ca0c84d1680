// One family of tokens: the signing keys that sign them and the secret that revokes them. Issuing
// and validating are the same for dataplane and user tokens (docs/tokens.md); what the claims mean
// and bind to is the caller's business.
import { createPrivateKey, randomUUID } from 'node:crypto';
import type { ResourceKey } from '../core/resource.js';
import type { ResourceStore } from '../core/store.js';
import { signToken, verifyToken, type KeyLookup, type TokenFailure } from './jwt.js';
import { isRevoked } from './revocations.js';
import { SigningKeys, type SigningKey, type SigningKeyScope } from './signing-keys.js';

/** Seconds `iat`/`nbf` are backdated by, so a verifier whose clock is a little behind accepts a fresh token. */
export const CLOCK_SKEW_SECONDS = 5;

/** Longest validity accepted at issue time (10 years, like Kuma's default maximum for admin tokens). */
export const MAX_VALIDITY_SECONDS = 10 * 365 * 24 * 3600;

/** A token that verified and is not revoked. */
export interface ValidToken {
  readonly ok: true;
  readonly kid: string;
  readonly jti: string;
  readonly claims: Readonly<Record<string, unknown>>;
}

/** Signs and checks the tokens of one key scope against one revocation secret. */
export class TokenFamily {
  readonly keys: SigningKeys;

  constructor(
    private readonly store: ResourceStore,
    scope: SigningKeyScope,
    private readonly revocations: ResourceKey,
    /** Where verification finds a kid's public key; by default the scope's private keys. */
    private readonly verificationKeys?: KeyLookup,
  ) {
    this.keys = new SigningKeys(store, scope);
  }

  /** Issues a token with `claims`, valid for `validForSeconds` from `now` (ms). */
  async issue(claims: Readonly<Record<string, unknown>>, validForSeconds: number, now: number): Promise<string> {
    checkValidity(validForSeconds);
    return signWithKey(await this.keys.current(), claims, validForSeconds, now);
  }

  /** Verifies signature, time and revocation; `now` in ms. */
  async validate(token: string, now: number): Promise<ValidToken | TokenFailure> {
    const verified = await verifyToken(token, this.verificationKeys ?? ((kid) => this.keys.publicKey(kid)), now);
    if (!verified.ok) return verified;
    const jti = verified.claims.jti;
    if (typeof jti !== 'string' || jti === '') return { ok: false, message: 'token has no jti claim', reason: 'malformed' };
    if (await isRevoked(this.store, this.revocations, jti)) return { ok: false, message: 'token is revoked', reason: 'revoked' };
    return { ok: true, kid: verified.kid, jti, claims: verified.claims };
  }
}

/**
 * Signs a token with a given key, the issuer's conventions included (random jti, iat/nbf backdated
 * by CLOCK_SKEW_SECONDS). Used by `issue` and by offline issuing with a key file (no store).
 */
export async function signWithKey(key: SigningKey, claims: Readonly<Record<string, unknown>>, validForSeconds: number, now: number): Promise<string> {
  checkValidity(validForSeconds);
  const issuedAt = Math.floor(now / 1000);
  return signToken({
    claims,
    privateKey: key.privateKey,
    kid: key.kid,
    jti: randomUUID(),
    notBefore: issuedAt - CLOCK_SKEW_SECONDS,
    expiresAt: issuedAt + validForSeconds,
  });
}

/**
 * Signs a token offline with a private key (PEM) read from a file and its key number (Kuma's
 * `--signing-key-path` and `--kid`): no store. Throws with a user message for a bad kid or key.
 */
export async function signWithKeyFile(keyPem: string, kid: string, claims: Readonly<Record<string, unknown>>, validForSeconds: number, now: number): Promise<string> {
  if (!/^[1-9][0-9]{0,8}$/.test(kid)) throw new RangeError(`kid must be a positive key number, got ${JSON.stringify(kid)}`);
  let privateKey;
  try {
    privateKey = createPrivateKey(keyPem);
  } catch (err) {
    throw new Error('the signing key is not a PEM private key', { cause: err });
  }
  if (privateKey.asymmetricKeyType !== 'rsa') throw new Error(`the signing key must be an RSA key, not ${privateKey.asymmetricKeyType ?? 'unknown'}`);
  return signWithKey({ kid, privateKey }, claims, validForSeconds, now);
}

function checkValidity(validForSeconds: number): void {
  if (!Number.isInteger(validForSeconds) || validForSeconds <= 0 || validForSeconds > MAX_VALIDITY_SECONDS) {
    throw new RangeError(`validity must be a whole number of seconds in [1, ${MAX_VALIDITY_SECONDS}]`);
  }
}
