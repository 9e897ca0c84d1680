// Plain-JSON helpers shared by the fake API server. Everything the fake stores or sends is plain
// JSON data (no class instances), so structuredClone and JSON equality are exact.

/** A JSON object as the API server stores it. */
export type Obj = Record<string, unknown>;

/** True for a plain JSON object (not an array, not null). */
export function isObj(value: unknown): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A deep copy; stored objects are never handed out by reference. */
export function clone<T>(value: T): T {
  return structuredClone(value);
}

/** Structural equality of two JSON values (object key order ignored). */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((item, i) => deepEqual(item, b[i]));
  }
  if (!isObj(a) || !isObj(b)) return false;
  const keys = Object.keys(a).filter((k) => a[k] !== undefined);
  if (keys.length !== Object.keys(b).filter((k) => b[k] !== undefined).length) return false;
  return keys.every((k) => deepEqual(a[k], b[k]));
}

/** The object's `metadata`, created when missing so callers can write to it. */
export function metadataOf(obj: Obj): Obj {
  const existing = obj['metadata'];
  if (isObj(existing)) return existing;
  const created: Obj = {};
  obj['metadata'] = created;
  return created;
}

/** A string field of an object, or '' when absent or not a string. */
export function str(obj: Obj | undefined, key: string): string {
  const value = obj?.[key];
  return typeof value === 'string' ? value : '';
}

/** A child object, or undefined when absent or not an object. */
export function child(obj: Obj | undefined, key: string): Obj | undefined {
  const value = obj?.[key];
  return isObj(value) ? value : undefined;
}

/** A child array, or an empty array when absent or not an array. */
export function items(obj: Obj | undefined, key: string): unknown[] {
  const value = obj?.[key];
  return Array.isArray(value) ? value : [];
}

/** Reads a dotted path such as `involvedObject.name`; undefined when any step is missing. */
export function readPath(obj: Obj, dotted: string): unknown {
  let current: unknown = obj;
  for (const step of dotted.split('.')) {
    if (!isObj(current)) return undefined;
    current = current[step];
  }
  return current;
}
