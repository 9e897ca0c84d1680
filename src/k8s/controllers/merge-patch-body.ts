// Building JSON merge patches (RFC 7386) for objects whose sub-trees the controller owns whole.
// A plain merge patch only adds and overwrites; to make an owned sub-tree equal to the desired one,
// keys that exist now and are not desired must be sent as null. Server-defaulted keys nulled this
// way are defaulted again by the API server, which then finds nothing changed and writes nothing.

/** A JSON object. */
type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The merge patch that turns `current` into `desired`: keys of `current` absent from `desired`
 * become null, objects recurse, everything else (lists included) is `desired`'s value.
 */
export function replacingPatch(current: unknown, desired: unknown): unknown {
  if (!isObject(desired) || !isObject(current)) return desired;
  const patch: JsonObject = {};
  for (const [key, value] of Object.entries(current)) {
    if (value !== undefined && value !== null && desired[key] === undefined) patch[key] = null;
  }
  for (const [key, value] of Object.entries(desired)) {
    if (value !== undefined) patch[key] = replacingPatch(current[key], value);
  }
  return patch;
}

/** Structural equality of JSON values; object key order and undefined members are ignored. */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((item, i) => jsonEqual(item, b[i]));
  }
  if (!isObject(a) || !isObject(b)) return false;
  const keys = (o: JsonObject): string[] => Object.keys(o).filter((k) => o[k] !== undefined);
  const aKeys = keys(a);
  return aKeys.length === keys(b).length && aKeys.every((k) => jsonEqual(a[k], b[k]));
}
