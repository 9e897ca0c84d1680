// Token signing keys kept in the store, Kuma's way (docs/tokens.md): RSA 2048 private keys as PEM
// in secrets named `<prefix>-<N>`; the kid of a token is its key's N. New tokens use the highest N;
// rotation is adding N+1, reissuing, deleting N. The first key is created when first needed, and a
// race between replicas creating it resolves through the store's create-only write.
import { createPrivateKey, createPublicKey, generateKeyPair, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import type { Kind, ResourceKey, StoredResource } from '../core/resource.js';
import { ConflictError, type ResourceStore } from '../core/store.js';
import type { TokenFailure } from './jwt.js';

const generateRsaKeyPair = promisify(generateKeyPair);

/** Where one family of signing keys lives. */
export interface SigningKeyScope {
  /** `Secret` (inside `mesh`) or `GlobalSecret`. */
  readonly kind: Extract<Kind, 'Secret' | 'GlobalSecret'>;
  /** Mesh of mesh-scoped keys; ignored for GlobalSecrets. */
  readonly mesh?: string;
  /** Secret name prefix; key N is `<prefix>-<N>`. */
  readonly prefix: string;
}

/** The key new tokens are signed with. */
export interface SigningKey {
  readonly kid: string;
  readonly privateKey: KeyObject;
}

/** Scope of a mesh's dataplane-token signing keys (`dataplane-token-signing-key-<mesh>-<N>`). */
export function dataplaneSigningKeys(mesh: string): SigningKeyScope {
  return { kind: 'Secret', mesh, prefix: `dataplane-token-signing-key-${mesh}` };
}

/** Scope of zone-token signing keys (GlobalSecrets `zone-token-signing-key-<N>`, on the global control plane). */
export const ZONE_SIGNING_KEYS: SigningKeyScope = { kind: 'GlobalSecret', prefix: 'zone-token-signing-key' };

/** Prefix of the public halves of zone-token keys, the only ones a zone holds (docs/multizone.md §2). */
export const ZONE_SIGNING_PUBLIC_KEY_PREFIX = 'zone-token-signing-public-key';

/** Scope of user-token signing keys (GlobalSecrets `user-token-signing-key-<N>`). */
export const USER_SIGNING_KEYS: SigningKeyScope = { kind: 'GlobalSecret', prefix: 'user-token-signing-key' };

/** Name of key N of a scope. */
export function signingKeyName(scope: SigningKeyScope, kid: string): string {
  return `${scope.prefix}-${kid}`;
}

/** PEM (PKCS#1, as Kuma stores it) of a new RSA 2048 private key. */
export async function newSigningKeyPem(): Promise<string> {
  const { privateKey } = await generateRsaKeyPair('rsa', { modulusLength: 2048 });
  return privateKey.export({ type: 'pkcs1', format: 'pem' }) as string;
}

/** Reads, creates and caches the keys of one scope. Public keys are parsed once per secret version. */
export class SigningKeys {
  private readonly parsed = new Map<string, { version: string; privateKey: KeyObject; publicKey: KeyObject }>();

  constructor(
    private readonly store: ResourceStore,
    readonly scope: SigningKeyScope,
  ) {}

  /** The key with the highest N; creates key 1 when the scope has none. */
  async current(): Promise<SigningKey> {
    const newest = await this.newest();
    if (newest) return { kid: newest.kid, privateKey: this.parse(newest.secret).privateKey };
    return this.createFirst();
  }

  /** The public key of `kid`, or Kuma's message for a key that is not there (rotated away). */
  async publicKey(kid: string): Promise<KeyObject | TokenFailure> {
    const secret = /^[1-9][0-9]{0,8}$/.test(kid) ? await this.store.get(this.key(kid)) : undefined;
    if (!secret) {
      const where = this.scope.kind === 'Secret' ? `Secret of name "${signingKeyName(this.scope, kid)}" in mesh "${this.scope.mesh ?? ''}"` : `Global secret of name "${signingKeyName(this.scope, kid)}"`;
      return { ok: false, message: `there is no signing key with KID ${kid}. ${where} is not found. If signing key was rotated, regenerate the token`, reason: 'unknown-kid' };
    }
    try {
      return this.parse(secret).publicKey;
    } catch {
      return { ok: false, message: `signing key ${secret.name} is not a valid PEM private key`, reason: 'unknown-kid' };
    }
  }

  private async newest(): Promise<{ kid: string; secret: StoredResource } | undefined> {
    const secrets = await this.store.list(this.scope.kind, this.scope.kind === 'Secret' ? { mesh: this.scope.mesh ?? '' } : undefined);
    let best: { kid: string; secret: StoredResource } | undefined;
    for (const secret of secrets) {
      const kid = this.kidOf(secret.name);
      if (kid !== undefined && (best === undefined || Number(kid) > Number(best.kid))) best = { kid, secret };
    }
    return best;
  }

  private async createFirst(): Promise<SigningKey> {
    const pem = await newSigningKeyPem();
    try {
      const key = this.key('1');
      await this.store.put({ ...key, kind: this.scope.kind, spec: { data: Buffer.from(pem).toString('base64') } }, { mustCreate: true });
    } catch (err) {
      // Another replica (or request) created it first: use theirs.
      if (!(err instanceof ConflictError)) throw new Error(`create signing key ${signingKeyName(this.scope, '1')}`, { cause: err });
    }
    const created = await this.newest();
    if (!created) throw new Error(`signing key ${signingKeyName(this.scope, '1')} vanished right after it was created`);
    return { kid: created.kid, privateKey: this.parse(created.secret).privateKey };
  }

  private key(kid: string): ResourceKey {
    const name = signingKeyName(this.scope, kid);
    return { kind: this.scope.kind, mesh: this.scope.kind === 'Secret' ? (this.scope.mesh ?? '') : name, name };
  }

  private kidOf(name: string): string | undefined {
    const rest = name.startsWith(`${this.scope.prefix}-`) ? name.slice(this.scope.prefix.length + 1) : '';
    return /^[1-9][0-9]{0,8}$/.test(rest) ? rest : undefined;
  }

  private parse(secret: StoredResource): { privateKey: KeyObject; publicKey: KeyObject } {
    const cached = this.parsed.get(secret.name);
    if (cached && cached.version === secret.version) return cached;
    const pem = Buffer.from((secret.spec as { data: string }).data, 'base64');
    let privateKey: KeyObject;
    try {
      privateKey = createPrivateKey(pem);
    } catch (err) {
      throw new Error(`signing key ${secret.name} is not a PEM private key`, { cause: err });
    }
    const entry = { version: secret.version, privateKey, publicKey: createPublicKey(privateKey) };
    this.parsed.set(secret.name, entry);
    return entry;
  }
}
