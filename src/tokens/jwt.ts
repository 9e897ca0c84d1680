// RS256 JSON Web Tokens with a string `kid`, the one token format Portico issues and accepts
// (dataplane tokens and user tokens, docs/tokens.md). Signing and signature checks are jose's;
// this file adds the rules jose leaves to its caller, each with its own message, and checks the
// cheap ones first so a hostile token costs no RSA work: a size cap, a header that must say RS256
// with a string kid (no `none`, no HS256 "signed" with a public key), then the signature, then
// the time claims against an injected clock.
import type { KeyObject } from 'node:crypto';
import { SignJWT, decodeProtectedHeader, errors, jwtVerify, type JWTPayload } from 'jose';

/** The only algorithm accepted (docs/xds-server.md §17: RS256 only). */
export const TOKEN_ALGORITHM = 'RS256';

/** Longest token accepted, in bytes; a real one is under 2 KiB. */
export const MAX_TOKEN_BYTES = 16 * 1024;

/**
 * Why a token was refused, for callers that answer differently by cause (the zone sync server,
 * docs/tokens.md); absent where only the message matters.
 */
export type TokenFailureReason = 'malformed' | 'bad-signature' | 'expired' | 'not-yet-valid' | 'unknown-kid' | 'revoked';

/** A check that failed, with the message the caller shows (and logs without the token). */
export interface TokenFailure {
  readonly ok: false;
  readonly message: string;
  readonly reason?: TokenFailureReason;
}

/** A token whose signature and time claims hold. */
export interface VerifiedToken {
  readonly ok: true;
  readonly kid: string;
  readonly claims: JWTPayload;
}

/** The public key for a kid, or a message saying why there is none. */
export type KeyLookup = (kid: string) => Promise<KeyObject | TokenFailure>;

/** What is signed: the claims, the key and its id, and the time window. */
export interface SignInput {
  readonly claims: Readonly<Record<string, unknown>>;
  readonly privateKey: KeyObject;
  readonly kid: string;
  /** Unique token id, for revocation. */
  readonly jti: string;
  /** Seconds since the epoch the token counts from (the issuer backdates it for clock skew). */
  readonly notBefore: number;
  /** Seconds since the epoch after which it is refused. */
  readonly expiresAt: number;
}

/** Signs a token: header `{alg: RS256, kid, typ: JWT}`, iat = nbf, and the given claims. */
export async function signToken(input: SignInput): Promise<string> {
  return new SignJWT({ ...input.claims })
    .setProtectedHeader({ alg: TOKEN_ALGORITHM, kid: input.kid, typ: 'JWT' })
    .setJti(input.jti)
    .setIssuedAt(input.notBefore)
    .setNotBefore(input.notBefore)
    .setExpirationTime(input.expiresAt)
    .sign(input.privateKey);
}

/** Verifies a token's form, signature and time claims; `now` is in milliseconds. */
export async function verifyToken(token: string, keyFor: KeyLookup, now: number): Promise<VerifiedToken | TokenFailure> {
  if (Buffer.byteLength(token) > MAX_TOKEN_BYTES) return fail(`token is larger than ${MAX_TOKEN_BYTES} bytes`);
  const header = readHeader(token);
  if (!header.ok) return header;
  const key = await keyFor(header.kid);
  if (!isKey(key)) return key;
  try {
    const { payload } = await jwtVerify(token, key, { algorithms: [TOKEN_ALGORITHM], currentDate: new Date(now), requiredClaims: ['exp'] });
    return { ok: true, kid: header.kid, claims: payload };
  } catch (err) {
    return fail(verifyMessage(err, now), reasonOf(err));
  }
}

function readHeader(token: string): { ok: true; kid: string } | TokenFailure {
  let header: Record<string, unknown>;
  try {
    header = decodeProtectedHeader(token) as Record<string, unknown>;
  } catch {
    return fail('token is not a valid JWT');
  }
  if (header['alg'] !== TOKEN_ALGORITHM) return fail(`token must be signed with ${TOKEN_ALGORITHM}, not ${JSON.stringify(header['alg'] ?? null)}`);
  const kid = header['kid'];
  if (kid === undefined) return fail('kid header not found');
  if (typeof kid !== 'string' || kid === '') return fail('kid header is invalid. Expected string.');
  return { ok: true, kid };
}

function isKey(key: KeyObject | TokenFailure): key is KeyObject {
  return !('ok' in key && key.ok === false);
}

// Messages for what jose reports; the not-yet-valid one points at the usual cause.
function verifyMessage(err: unknown, now: number): string {
  if (err instanceof errors.JWTExpired) return 'token is expired';
  if (err instanceof errors.JWTClaimValidationFailed && err.claim === 'nbf') {
    const nbf = Number(err.payload['nbf']);
    const ahead = Number.isFinite(nbf) ? ` (${Math.ceil(nbf - now / 1000)} s in the future)` : '';
    return `token is not valid yet${ahead}: check that the clocks of the control plane and of the machine that issued the token are in sync`;
  }
  if (err instanceof errors.JWTClaimValidationFailed) return `token claim ${err.claim} is invalid: ${err.reason}`;
  if (err instanceof errors.JWSSignatureVerificationFailed) return 'token signature is invalid';
  return 'token is not a valid JWT';
}

function reasonOf(err: unknown): TokenFailureReason {
  if (err instanceof errors.JWTExpired) return 'expired';
  if (err instanceof errors.JWTClaimValidationFailed && err.claim === 'nbf') return 'not-yet-valid';
  if (err instanceof errors.JWSSignatureVerificationFailed) return 'bad-signature';
  return 'malformed';
}

function fail(message: string, reason: TokenFailureReason = 'malformed'): TokenFailure {
  return { ok: false, message, reason };
}
