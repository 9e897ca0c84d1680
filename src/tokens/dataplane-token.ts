// Dataplane tokens (docs/dataplane-auth.md): Kuma's claims `Name` (optional), `Mesh`, `Tags`
// (tag -> allowed values, optional) and `Type` (proxy type) in a TokenFamily JWT signed by the
// mesh's own keys. This file issues them (from the store's keys, or offline from a key file),
// validates them for a mesh, and holds the binding checks against a Dataplane, each with Kuma's
// exact message (docs/xds-server.md §17).
import type { Violation } from '../api/violation.js';
import type { ResourceStore } from '../core/store.js';
import { parseDuration } from './duration.js';
import type { TokenFailure } from './jwt.js';
import { dataplaneRevocations } from './revocations.js';
import { dataplaneSigningKeys } from './signing-keys.js';
import { MAX_VALIDITY_SECONDS, signWithKeyFile, TokenFamily } from './token-family.js';

/** The proxy type of a Dataplane (gateways included); the only type this control plane serves. */
export const DATAPLANE_PROXY_TYPE = 'dataplane';

/** Validity when a request names none: Kuma's default of 10 years. */
export const DEFAULT_DATAPLANE_TOKEN_VALIDITY_SECONDS = MAX_VALIDITY_SECONDS;

/** What a dataplane token says about its holder (Kuma's claim names). */
export interface DataplaneTokenClaims {
  /** The one Dataplane name it is for; empty = any name in the mesh. */
  readonly Name: string;
  readonly Mesh: string;
  /** Tags the Dataplane must have, each with one of these values; empty = no tag constraint. */
  readonly Tags: Readonly<Record<string, readonly string[]>>;
  /** Proxy type (`dataplane`); empty in tokens that predate the claim. */
  readonly Type: string;
}

/** A request to issue a token (the REST body and the CLI flags, validated). */
export interface DataplaneTokenRequest {
  readonly name: string;
  readonly mesh: string;
  readonly tags: Readonly<Record<string, readonly string[]>>;
  readonly type: string;
  readonly validForSeconds: number;
}

/** Validates Kuma's body `{name, mesh, tags: {k: [v...]}, type, validFor: "24h"}`; every violation at once. */
export function parseDataplaneTokenRequest(body: unknown): { ok: true; value: DataplaneTokenRequest } | { ok: false; violations: Violation[] } {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return { ok: false, violations: [{ field: '', message: 'must be a JSON object' }] };
  const b = body as Record<string, unknown>;
  const violations: Violation[] = [];
  const text = (key: string): string => {
    const v = b[key];
    if (v === undefined || v === null) return '';
    if (typeof v !== 'string') violations.push({ field: key, message: 'must be a string' });
    return typeof v === 'string' ? v : '';
  };
  const name = text('name');
  const mesh = text('mesh');
  const type = text('type') || DATAPLANE_PROXY_TYPE;
  const validFor = text('validFor');
  if (mesh === '') violations.push({ field: 'mesh', message: 'cannot be empty' });
  if (type !== DATAPLANE_PROXY_TYPE) violations.push({ field: 'type', message: `must be "${DATAPLANE_PROXY_TYPE}" (ingress and egress proxies are not served)` });
  let validForSeconds = DEFAULT_DATAPLANE_TOKEN_VALIDITY_SECONDS;
  if (validFor !== '') {
    const parsed = parseDuration(validFor);
    if (!parsed.ok) violations.push({ field: 'validFor', message: parsed.message });
    else if (parsed.seconds > MAX_VALIDITY_SECONDS) violations.push({ field: 'validFor', message: `must be at most ${MAX_VALIDITY_SECONDS / 3600}h` });
    else validForSeconds = parsed.seconds;
  }
  const tags = parseTags(b['tags'], violations);
  return violations.length > 0 ? { ok: false, violations } : { ok: true, value: { name, mesh, tags, type, validForSeconds } };
}

function parseTags(value: unknown, violations: Violation[]): Record<string, string[]> {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    violations.push({ field: 'tags', message: 'must be an object of tag name to a list of values' });
    return {};
  }
  const tags: Record<string, string[]> = {};
  for (const [tag, values] of Object.entries(value as Record<string, unknown>)) {
    const field = `tags[${JSON.stringify(tag)}]`;
    if (tag === '') violations.push({ field, message: 'tag name cannot be empty' });
    if (!Array.isArray(values) || values.length === 0 || values.some((v) => typeof v !== 'string' || v === '')) {
      violations.push({ field, message: 'must be a non-empty list of non-empty strings' });
      continue;
    }
    tags[tag] = [...new Set(values as string[])].sort();
  }
  return tags;
}

/** The claims a request puts in its token. */
export function claimsOf(request: DataplaneTokenRequest): DataplaneTokenClaims & Readonly<Record<string, unknown>> {
  return { Name: request.name, Mesh: request.mesh, Tags: request.tags, Type: request.type };
}

/** A dataplane token that verified, is not revoked, and has well-formed claims. */
export interface ValidDataplaneToken {
  readonly ok: true;
  readonly jti: string;
  readonly claims: DataplaneTokenClaims;
}

/** Meshes whose signing keys stay parsed in memory. */
const MAX_CACHED_MESHES = 256;

/** Issues and validates the dataplane tokens of every mesh, each mesh with its own keys. */
export class DataplaneTokens {
  private readonly families = new Map<string, TokenFamily>();

  constructor(private readonly store: ResourceStore) {}

  /** Issues a token; the mesh's first signing key is created when it has none. */
  issue(request: DataplaneTokenRequest, now: number): Promise<string> {
    return this.family(request.mesh).issue(claimsOf(request), request.validForSeconds, now);
  }

  /** Validates a token presented by a proxy of `mesh`, with that mesh's keys and revocations. */
  async validate(token: string, mesh: string, now: number): Promise<ValidDataplaneToken | TokenFailure> {
    const valid = await this.family(mesh).validate(token, now);
    if (!valid.ok) return valid;
    const claims = readClaims(valid.claims);
    return claims === undefined ? { ok: false, message: 'token claims are not those of a dataplane token' } : { ok: true, jti: valid.jti, claims };
  }

  // The mesh comes from the caller's claimed node id, so anyone can name any mesh: the cache of
  // families (and their parsed keys) is bounded, least recently used out first.
  private family(mesh: string): TokenFamily {
    let family = this.families.get(mesh);
    if (family) this.families.delete(mesh);
    else family = new TokenFamily(this.store, dataplaneSigningKeys(mesh), dataplaneRevocations(mesh));
    this.families.set(mesh, family);
    if (this.families.size > MAX_CACHED_MESHES) this.families.delete(this.families.keys().next().value as string);
    return family;
  }
}

/**
 * Issues a token offline, with a signing key read from a file (Kuma's `--signing-key-path` and
 * `--kid`): no control plane needed. The key must be the one stored as
 * `dataplane-token-signing-key-<mesh>-<kid>`, or the control plane refuses the token.
 */
export async function issueOfflineDataplaneToken(request: DataplaneTokenRequest, keyPem: string, kid: string, now: number): Promise<string> {
  return signWithKeyFile(keyPem, kid, claimsOf(request), request.validForSeconds, now);
}

/** The claims of a verified payload, or undefined when they are not shaped like Kuma's. */
function readClaims(payload: Readonly<Record<string, unknown>>): DataplaneTokenClaims | undefined {
  const str = (v: unknown): string | undefined => (v === undefined || v === null ? '' : typeof v === 'string' ? v : undefined);
  const [name, mesh, type] = [str(payload['Name']), str(payload['Mesh']), str(payload['Type'])];
  if (name === undefined || mesh === undefined || type === undefined) return undefined;
  const raw = payload['Tags'] ?? {};
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return undefined;
  const tags: Record<string, readonly string[]> = {};
  for (const [tag, values] of Object.entries(raw)) {
    if (!Array.isArray(values) || values.some((v) => typeof v !== 'string')) return undefined;
    tags[tag] = values as string[];
  }
  return { Name: name, Mesh: mesh, Tags: tags, Type: type };
}

/** The proxy a token is checked against: who it claims to be and the tags its Dataplane has. */
export interface TokenSubject {
  readonly mesh: string;
  readonly name: string;
  /** Every value of every tag of the Dataplane (inbounds merged), or empty when there is none. */
  readonly tags: Readonly<Record<string, readonly string[]>>;
}

/**
 * Binds token claims to a proxy; undefined when they match, else Kuma's message. Name first, then
 * mesh, then type, then each token tag in name order: present on the Dataplane, and every value
 * the Dataplane has for it allowed by the token.
 */
export function checkDataplaneBinding(claims: DataplaneTokenClaims, subject: TokenSubject): string | undefined {
  if (claims.Name !== '' && claims.Name !== subject.name) return `proxy name from requestor: ${subject.name} is different than in token: ${claims.Name}`;
  if (claims.Mesh !== '' && claims.Mesh !== subject.mesh) return `proxy mesh from requestor: ${subject.mesh} is different than in token: ${claims.Mesh}`;
  if (claims.Type !== '' && claims.Type !== DATAPLANE_PROXY_TYPE) return `proxy type from requestor: ${DATAPLANE_PROXY_TYPE} is different than in token: ${claims.Type}`;
  for (const tag of Object.keys(claims.Tags).sort()) {
    const allowed = [...(claims.Tags[tag] ?? [])].sort();
    const actual = subject.tags[tag] ?? [];
    if (actual.length === 0) return `dataplane has no tag ${JSON.stringify(tag)} required by the token`;
    const refused = [...actual].sort().find((v) => !allowed.includes(v));
    if (refused !== undefined) {
      return `dataplane contains tag ${JSON.stringify(tag)} with value ${JSON.stringify(refused)} which is not allowed with this token. Allowed values in token are [${allowed.map((v) => JSON.stringify(v)).join(' ')}]`;
    }
  }
  return undefined;
}

/** Issue-request fields from CLI-style strings: `--tag k=v` (repeatable) and `--valid-for 24h`. */
export function requestFromFlags(flags: { mesh: string; name?: string; tags?: readonly string[]; validFor?: string; proxyType?: string }): ReturnType<typeof parseDataplaneTokenRequest> {
  const tags: Record<string, string[]> = {};
  const bad: Violation[] = [];
  for (const pair of flags.tags ?? []) {
    const eq = pair.indexOf('=');
    if (eq <= 0) bad.push({ field: 'tag', message: `${JSON.stringify(pair)} is not of the form name=value` });
    else (tags[pair.slice(0, eq)] ??= []).push(pair.slice(eq + 1));
  }
  const parsed = parseDataplaneTokenRequest({ mesh: flags.mesh, name: flags.name, tags, type: flags.proxyType, validFor: flags.validFor });
  if (bad.length === 0) return parsed;
  return { ok: false, violations: [...bad, ...(parsed.ok ? [] : parsed.violations)] };
}
