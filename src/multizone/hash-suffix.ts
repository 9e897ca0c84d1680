// The name a synced copy gets on the receiving side (docs/multizone.md §4.1): `<display name>-<suffix>`,
// where the suffix is a hash of mesh, display name, zone and namespace. Names, not only behaviour,
// must match Kuma: users read them in `portico get`, and Envoy listener and route names derive from
// them, so the hash, the encoding and the truncation are Kuma's exactly.

/** Label holding the name a resource had where it was created, when a sync renamed it. */
export const DISPLAY_NAME_LABEL = 'kuma.io/display-name';
/** Label holding the zone a resource originated in. */
export const ZONE_LABEL = 'kuma.io/zone';
/** Label holding the Kubernetes namespace of a resource created in a Kubernetes zone. */
export const K8S_NAMESPACE_LABEL = 'k8s.kuma.io/namespace';

/**
 * Labels whose values enter the hash after the display name, in this order. They tell apart
 * copies of the same name from different zones and namespaces, so two zones' `backend-1`
 * Dataplanes never collide on global.
 */
export const HASHED_LABELS: readonly string[] = [ZONE_LABEL, K8S_NAMESPACE_LABEL];

/** Longest name Kubernetes accepts for most objects (a DNS subdomain). */
export const MAX_NAME_BYTES = 253;
/** Length of the suffix, without its dash: 8 hash bytes as 16 characters. */
export const SUFFIX_LENGTH = 16;
/** Bytes of the display name kept, so that name + `-` + suffix fits in MAX_NAME_BYTES (236). */
export const MAX_DISPLAY_NAME_BYTES = MAX_NAME_BYTES - 1 - SUFFIX_LENGTH;

const FNV64_OFFSET_BASIS = 14695981039346656037n;
const FNV64_PRIME = 1099511628211n;
const MASK64 = (1n << 64n) - 1n;

/** FNV-1a, 64 bits: for each byte, xor it in, then multiply by the prime modulo 2^64. */
export function fnv1a64(bytes: Uint8Array): bigint {
  let hash = FNV64_OFFSET_BASIS;
  for (const byte of bytes) {
    hash ^= BigInt(byte);
    hash = (hash * FNV64_PRIME) & MASK64;
  }
  return hash;
}

/**
 * Kubernetes' "safe" alphabet (apimachinery `rand.SafeEncodeString`): no vowels, so no words,
 * and no characters that look alike (0/o, 1/l, 3/e).
 */
const SAFE_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/**
 * Replaces each character by the safe alphabet's entry at its code modulo 27, as Kubernetes does.
 * On hex digits this maps 0 and f both to `4`, which is why the suffix holds a little less than
 * 64 bits; Kuma's names depend on it, so it is kept.
 */
export function safeEncode(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) out += SAFE_ALPHABET[text.charCodeAt(i) % SAFE_ALPHABET.length];
  return out;
}

/** The 16-character suffix of a hash input: FNV-1a 64, big-endian lowercase hex, safe-encoded. */
export function hashSuffix(input: string): string {
  const hex = fnv1a64(new TextEncoder().encode(input)).toString(16).padStart(16, '0');
  return safeEncode(hex);
}

/** Identity of a resource as the hash sees it. */
export interface HashedResource {
  /** The resource's name where it is stored now. */
  readonly name: string;
  /** Its mesh; empty for kinds outside any mesh (ZoneIngress, Zone). */
  readonly mesh: string;
  readonly labels?: Readonly<Record<string, string>>;
}

/** The name a resource was created under: label `kuma.io/display-name` when set, else its name. */
export function displayName(resource: HashedResource): string {
  const label = resource.labels?.[DISPLAY_NAME_LABEL];
  return label !== undefined && label !== '' ? label : resource.name;
}

/**
 * The bytes hashed: mesh, display name, then the values of the labels of HASHED_LABELS, with no
 * separator. An absent label adds nothing, exactly as an empty one (Kuma reads missing map keys as
 * empty strings), so a global-originated resource hashes mesh and name only.
 */
export function hashInput(resource: HashedResource): string {
  const labels = resource.labels ?? {};
  return [resource.mesh, displayName(resource), ...HASHED_LABELS.map((l) => labels[l] ?? '')].join('');
}

/**
 * The first `maxBytes` bytes of a string's UTF-8 form. Kuma cuts bytes (Go `name[:236]`); when
 * that cut falls inside a multi-byte character Kuma's result is not valid UTF-8 and could not
 * be stored or sent, so the partial character is dropped here instead: for every name Kuma can
 * actually sync (ASCII, or cuts at character boundaries) the result is Kuma's byte for byte.
 */
export function truncateUtf8(text: string, maxBytes: number): string {
  const bytes = new TextEncoder().encode(text);
  if (bytes.length <= maxBytes) return text;
  let end = maxBytes;
  // A continuation byte (10xxxxxx) at the cut means the character started before it: back off.
  while (end > 0 && ((bytes[end] ?? 0) & 0xc0) === 0x80) end--;
  return new TextDecoder().decode(bytes.subarray(0, end));
}

/**
 * The synced name (docs/multizone.md §4.1): the display name cut to 236 bytes, `-`, then the suffix
 * of the hash input. The hash always covers the whole display name, so two long names sharing
 * their first 236 bytes still get different suffixes.
 */
export function syncedName(resource: HashedResource): string {
  const name = displayName(resource);
  return `${truncateUtf8(name, MAX_DISPLAY_NAME_BYTES)}-${hashSuffix(hashInput(resource))}`;
}
