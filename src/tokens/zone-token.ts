// Zone tokens (docs/tokens.md, docs/multizone.md §12): the credential a zone control plane (scope `cp`),
// a ZoneIngress (`ingress`) or a ZoneEgress (`egress`) presents to prove which zone it belongs
// to. Kuma's claims `Zone` and `Scope` in a TokenFamily JWT signed by the global's GlobalSecrets
// `zone-token-signing-key-<N>` and revoked through `zone-token-revocations`. Zones never hold the
// private keys: they receive `zone-token-signing-public-key-<N>` (built by publicSigningKeySecret
// below) and verify with those, so verification accepts either form of key N.
import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import type { Violation } from '../api/violation.js';
import type { ResourceKey, StoredResource } from '../core/resource.js';
import type { ResourceStore } from '../core/store.js';
import { parseDuration } from './duration.js';
import type { KeyLookup, TokenFailure, TokenFailureReason } from './jwt.js';
import { ZONE_REVOCATIONS } from './revocations.js';
import { SigningKeys, ZONE_SIGNING_KEYS, ZONE_SIGNING_PUBLIC_KEY_PREFIX } from './signing-keys.js';
import { MAX_VALIDITY_SECONDS, signWithKeyFile, TokenFamily } from './token-family.js';

/** What a zone token can identify: a zone control plane, its ingresses, its egresses. */
export const ZONE_TOKEN_SCOPES = ['cp', 'egress', 'ingress'] as const;
export type ZoneTokenScope = (typeof ZONE_TOKEN_SCOPES)[number];

/** Validity when a request names none: the longest accepted (10 years), as for dataplane tokens. */
export const DEFAULT_ZONE_TOKEN_VALIDITY_SECONDS = MAX_VALIDITY_SECONDS;

/** What a zone token says about its holder (Kuma's claim names). */
export interface ZoneTokenClaims {
  readonly Zone: string;
  readonly Scope: readonly ZoneTokenScope[];
}

/** A request to issue a zone token (the REST body or the CLI flags, validated). */
export interface ZoneTokenRequest {
  readonly zone: string;
  /** Sorted, without duplicates. */
  readonly scope: readonly ZoneTokenScope[];
  readonly validForSeconds: number;
}

const REQUEST_FIELDS = ['zone', 'scope', 'validFor'];

/**
 * Validates Kuma's body `{zone, scope: [...], validFor: "24h"}`, every violation at once. A missing
 * or empty scope means every scope (kumactl's default); a missing validFor the default validity.
 */
export function parseZoneTokenRequest(body: unknown): { ok: true; value: ZoneTokenRequest } | { ok: false; violations: Violation[] } {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return { ok: false, violations: [{ field: '', message: 'must be a JSON object' }] };
  const b = body as Record<string, unknown>;
  const violations: Violation[] = [];
  for (const key of Object.keys(b)) {
    if (!REQUEST_FIELDS.includes(key)) violations.push({ field: key, message: `unknown field "${key}"` });
  }
  const zone = b['zone'];
  if (zone !== undefined && zone !== null && typeof zone !== 'string') violations.push({ field: 'zone', message: 'must be a string' });
  else if (typeof zone !== 'string' || zone.trim() === '') violations.push({ field: 'zone', message: 'cannot be empty' });
  const scope = parseScope(b['scope'], violations);
  let validForSeconds = DEFAULT_ZONE_TOKEN_VALIDITY_SECONDS;
  const validFor = b['validFor'];
  if (validFor !== undefined && validFor !== null && validFor !== '') {
    if (typeof validFor !== 'string') violations.push({ field: 'validFor', message: 'must be a string' });
    else {
      const parsed = parseDuration(validFor);
      if (!parsed.ok) violations.push({ field: 'validFor', message: parsed.message });
      else if (parsed.seconds > MAX_VALIDITY_SECONDS) violations.push({ field: 'validFor', message: `must be at most ${MAX_VALIDITY_SECONDS / 3600}h` });
      else validForSeconds = parsed.seconds;
    }
  }
  if (violations.length > 0) return { ok: false, violations };
  return { ok: true, value: { zone: zone as string, scope, validForSeconds } };
}

function parseScope(value: unknown, violations: Violation[]): ZoneTokenScope[] {
  if (value === undefined || value === null) return [...ZONE_TOKEN_SCOPES];
  if (!Array.isArray(value)) {
    violations.push({ field: 'scope', message: 'must be a list of scopes' });
    return [];
  }
  if (value.length === 0) return [...ZONE_TOKEN_SCOPES];
  const scopes = new Set<ZoneTokenScope>();
  value.forEach((s: unknown, i) => {
    if (isScope(s)) scopes.add(s);
    else violations.push({ field: `scope[${i}]`, message: `must be one of ${ZONE_TOKEN_SCOPES.map((v) => JSON.stringify(v)).join(', ')}` });
  });
  return [...scopes].sort();
}

function isScope(value: unknown): value is ZoneTokenScope {
  return typeof value === 'string' && (ZONE_TOKEN_SCOPES as readonly string[]).includes(value);
}

/** The claims a request puts in its token. */
export function zoneClaimsOf(request: ZoneTokenRequest): ZoneTokenClaims & Readonly<Record<string, unknown>> {
  return { Zone: request.zone, Scope: [...request.scope] };
}

/** What the verifier expects: the zone the stream says it is (its client id) and the scope it needs. */
export interface ZoneTokenExpectation {
  readonly zone: string;
  readonly scope: ZoneTokenScope;
}

/** Why a zone token was refused: a token failure, or a valid token for another zone or scope. */
export type ZoneTokenRefusalReason = TokenFailureReason | 'zone-mismatch' | 'scope-missing';

/** A zone token that verified for the expected zone and scope: the zone identity. */
export interface VerifiedZoneToken {
  readonly ok: true;
  readonly zone: string;
  readonly scope: readonly ZoneTokenScope[];
  readonly jti: string;
}

/** A refused zone token. The message never quotes the token. */
export interface RefusedZoneToken {
  readonly ok: false;
  readonly reason: ZoneTokenRefusalReason;
  readonly message: string;
}

/**
 * Issues zone tokens with the GlobalSecrets `zone-token-signing-key-<N>` (the global control plane)
 * and verifies them with those or with `zone-token-signing-public-key-<N>` (a zone).
 */
export class ZoneTokens {
  private readonly family: TokenFamily;
  private readonly publicKeys: PublicKeyCache;

  constructor(store: ResourceStore) {
    const privateKeys = new SigningKeys(store, ZONE_SIGNING_KEYS);
    this.publicKeys = new PublicKeyCache(store);
    this.family = new TokenFamily(store, ZONE_SIGNING_KEYS, ZONE_REVOCATIONS, verificationKeys(store, privateKeys, this.publicKeys));
  }

  /** Issues a token; the first signing key is created when there is none. */
  issue(request: ZoneTokenRequest, now: number): Promise<string> {
    return this.family.issue(zoneClaimsOf(request), request.validForSeconds, now);
  }

  /**
   * Verifies a token presented by `expected.zone` for `expected.scope`: form, signature, time,
   * revocation, then that the token is that zone's and carries that scope. Bad input of any shape
   * is a refusal, never an exception; only a failing store throws (the caller's INTERNAL).
   */
  async verifyZoneToken(token: unknown, expected: ZoneTokenExpectation, now: number = Date.now()): Promise<VerifiedZoneToken | RefusedZoneToken> {
    if (typeof token !== 'string' || token === '') return refuse('malformed', 'zone token is missing');
    const valid = await this.family.validate(token, now);
    if (!valid.ok) return refuse(valid.reason ?? 'malformed', valid.message);
    const claims = readZoneClaims(valid.claims);
    if (!claims) return refuse('malformed', 'token claims are not those of a zone token');
    if (claims.Zone !== expected.zone) return refuse('zone-mismatch', `zone from requestor: ${expected.zone} is different than in token: ${claims.Zone}`);
    if (!claims.Scope.includes(expected.scope)) {
      return refuse('scope-missing', `token has no scope "${expected.scope}" (its scopes are [${claims.Scope.map((s) => JSON.stringify(s)).join(' ')}])`);
    }
    return { ok: true, zone: claims.Zone, scope: claims.Scope, jti: valid.jti };
  }
}

function refuse(reason: ZoneTokenRefusalReason, message: string): RefusedZoneToken {
  return { ok: false, reason, message };
}

/** The claims of a verified payload, or undefined when they are not a zone token's. */
function readZoneClaims(payload: Readonly<Record<string, unknown>>): ZoneTokenClaims | undefined {
  const zone = payload['Zone'];
  const scope = payload['Scope'];
  if (typeof zone !== 'string' || zone === '') return undefined;
  // Scopes this version does not know are ignored, so a newer issuer's token still works for the known ones.
  if (!Array.isArray(scope) || scope.some((s) => typeof s !== 'string')) return undefined;
  return { Zone: zone, Scope: scope.filter(isScope) };
}

/**
 * Key N for verification: the private key secret where it exists (the global), else the public
 * key secret (a zone). Both missing is Kuma's "no signing key" message naming both secrets.
 */
function verificationKeys(store: ResourceStore, privateKeys: SigningKeys, publicKeys: PublicKeyCache): KeyLookup {
  return async (kid) => {
    if (!/^[1-9][0-9]{0,8}$/.test(kid)) return unknownKid(kid);
    if (await store.get(zoneKeyKey(`${ZONE_SIGNING_KEYS.prefix}-${kid}`))) return privateKeys.publicKey(kid);
    const key = await publicKeys.get(kid);
    return key ?? unknownKid(kid);
  };
}

function unknownKid(kid: string): TokenFailure {
  return {
    ok: false,
    reason: 'unknown-kid',
    message: `there is no signing key with KID ${kid}. Global secret of name "${ZONE_SIGNING_KEYS.prefix}-${kid}" or "${ZONE_SIGNING_PUBLIC_KEY_PREFIX}-${kid}" is not found. If signing key was rotated, regenerate the token`,
  };
}

/** Public key secrets, parsed once per secret version. */
class PublicKeyCache {
  private readonly parsed = new Map<string, { version: string; key: KeyObject | TokenFailure }>();

  constructor(private readonly store: ResourceStore) {}

  async get(kid: string): Promise<KeyObject | TokenFailure | undefined> {
    const secret = await this.store.get(zoneKeyKey(`${ZONE_SIGNING_PUBLIC_KEY_PREFIX}-${kid}`));
    if (!secret) return undefined;
    const cached = this.parsed.get(kid);
    if (cached && cached.version === secret.version) return cached.key;
    const key = parsePublicKey(secret);
    this.parsed.set(kid, { version: secret.version, key });
    return key;
  }
}

function parsePublicKey(secret: StoredResource): KeyObject | TokenFailure {
  try {
    const key = createPublicKey(Buffer.from((secret.spec as { data: string }).data, 'base64'));
    if (key.asymmetricKeyType === 'rsa') return key;
  } catch {
    // reported below
  }
  return { ok: false, reason: 'unknown-kid', message: `signing key ${secret.name} is not a valid PEM RSA public key` };
}

function zoneKeyKey(name: string): ResourceKey {
  return { kind: 'GlobalSecret', mesh: name, name };
}

/** The key number of a zone-token private signing key secret name, or undefined for any other name. */
export function zoneSigningKeyKid(name: string): string | undefined {
  const rest = name.startsWith(`${ZONE_SIGNING_KEYS.prefix}-`) ? name.slice(ZONE_SIGNING_KEYS.prefix.length + 1) : '';
  return /^[1-9][0-9]{0,8}$/.test(rest) ? rest : undefined;
}

/** PEM (SPKI `PUBLIC KEY`) of the public half of an RSA private key in PEM. Throws on a key that is not one. */
export function publicKeyPem(privateKeyPem: string | Buffer): string {
  const privateKey = createPrivateKey(privateKeyPem);
  if (privateKey.asymmetricKeyType !== 'rsa') throw new Error(`the signing key must be an RSA key, not ${privateKey.asymmetricKeyType ?? 'unknown'}`);
  return createPublicKey(privateKey).export({ type: 'spki', format: 'pem' }) as string;
}

/**
 * What a zone receives in place of the global's `zone-token-signing-key-<N>` (docs/multizone.md §2):
 * GlobalSecret `zone-token-signing-public-key-<N>` holding only the public key. Undefined for a
 * secret that is not a zone-token signing key; throws when its data is not an RSA private key.
 */
export function publicSigningKeySecret(secret: { readonly name: string; readonly spec: unknown }): { name: string; spec: { data: string } } | undefined {
  const kid = zoneSigningKeyKid(secret.name);
  if (kid === undefined) return undefined;
  const data = (secret.spec as { data?: unknown } | null)?.data;
  if (typeof data !== 'string') throw new Error(`GlobalSecret ${secret.name} has no data`);
  const pem = publicKeyPem(Buffer.from(data, 'base64'));
  return { name: `${ZONE_SIGNING_PUBLIC_KEY_PREFIX}-${kid}`, spec: { data: Buffer.from(pem).toString('base64') } };
}

/**
 * Issues a zone token offline, with a signing key read from a file (`--signing-key-path`, `--kid`):
 * no control plane needed. The key must be the global's `zone-token-signing-key-<kid>`.
 */
export async function issueOfflineZoneToken(request: ZoneTokenRequest, keyPem: string, kid: string, now: number): Promise<string> {
  return signWithKeyFile(keyPem, kid, zoneClaimsOf(request), request.validForSeconds, now);
}

/** Request fields from CLI strings: `--zone`, `--scope` (repeatable, or comma-separated), `--valid-for`. */
export function zoneRequestFromFlags(flags: { zone: string; scope?: readonly string[]; validFor?: string }): ReturnType<typeof parseZoneTokenRequest> {
  const scope = (flags.scope ?? []).flatMap((s) => s.split(',')).map((s) => s.trim()).filter((s) => s !== '');
  return parseZoneTokenRequest({ zone: flags.zone, scope, ...(flags.validFor !== undefined ? { validFor: flags.validFor } : {}) });
}
