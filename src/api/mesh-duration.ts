// Durations inside a Mesh's mTLS settings (`dpCert.rotation.expiration`, `caCert.expiration`) as
// Kuma writes them: a whole number and one unit, `y` (365 days), `w`, `d`, `h`, `m`, `s` or `ms`,
// or `0` alone. Compound values such as `1d12h` are invalid, as in Kuma (docs/mesh-mtls.md §1.1).

const UNIT_MS: Readonly<Record<string, number>> = {
  ms: 1,
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 7 * 86_400_000,
  y: 365 * 86_400_000,
};

const MESH_DURATION = /^(\d+)(ms|s|m|h|d|w|y)$/;

/** Milliseconds of a mesh duration, or undefined when `text` is not one. */
export function parseMeshDuration(text: string): number | undefined {
  if (text === '0') return 0;
  const match = MESH_DURATION.exec(text);
  if (!match) return undefined;
  const ms = Number(match[1]) * UNIT_MS[match[2]!]!;
  return Number.isSafeInteger(ms) ? ms : undefined;
}
