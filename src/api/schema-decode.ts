// Strict decoding of parsed JSON/YAML against a schema (schema.ts). The decoder never throws and
// never stops at the first problem: it records every violation with its field path and always
// returns a complete, normalised value, substituting a zero value where the input was unusable.
// Keeping list positions and defaults intact lets the semantic validators run on what decoded and
// still report indices that match the user's document.

import { decodeBase64, decodedLength } from './base64.js';
import { fieldPath, indexPath, keyPath } from './field-path.js';
import {
  DEFAULT_MAX_ENTRIES,
  DEFAULT_MAX_ITEMS,
  MAX_DEPTH,
  MAX_STRING_LENGTH,
  fieldSpellings,
  type BytesSchema,
  type EnumSchema,
  type FreeFormSchema,
  type IntegerSchema,
  type ListSchema,
  type MapSchema,
  type ObjectSchema,
  type Schema,
  type StringSchema,
} from './schema.js';
import type { Violation } from './violation.js';

/** A decoded value plus every violation met on the way, in document order. */
export interface Decoded {
  readonly value: unknown;
  readonly violations: readonly Violation[];
}

/** Decodes `input` against `schema`; `path` prefixes every violation field. */
export function decode(schema: Schema, input: unknown, path = ''): Decoded {
  const violations: Violation[] = [];
  const value = decodeAt(schema, input, path, 0, violations);
  return { value, violations };
}

/** True for `{...}` objects (not arrays, dates or class instances). */
export function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** Sets an own enumerable property, safe for keys such as `__proto__` that plain assignment would misread. */
export function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

type Sink = Violation[];

function decodeAt(schema: Schema, input: unknown, path: string, depth: number, out: Sink): unknown {
  switch (schema.kind) {
    case 'string':
      return decodeString(schema, input, path, out);
    case 'bytes':
      return decodeBytes(schema, input, path, out);
    case 'integer':
      return decodeInteger(schema, input, path, out);
    case 'number':
      return decodeNumber(input, path, out);
    case 'boolean':
      if (typeof input === 'boolean') return input;
      out.push({ field: path, message: 'must be a boolean' });
      return false;
    case 'enum':
      return decodeEnum(schema, input, path, out);
    default:
      if (depth >= MAX_DEPTH) {
        out.push({ field: path, message: `exceeds the maximum nesting depth of ${MAX_DEPTH}` });
        return zeroValue(schema);
      }
      return decodeContainer(schema, input, path, depth + 1, out);
  }
}

function decodeContainer(
  schema: ListSchema | MapSchema | ObjectSchema | FreeFormSchema,
  input: unknown,
  path: string,
  depth: number,
  out: Sink,
): unknown {
  switch (schema.kind) {
    case 'list':
      return decodeList(schema, input, path, depth, out);
    case 'map':
      return decodeMap(schema, input, path, depth, out);
    case 'object':
      return decodeObject(schema, input, path, depth, out);
    case 'freeform':
      if (isPlainObject(input)) return copyJson(input, path, depth, out);
      out.push({ field: path, message: 'must be an object' });
      return {};
  }
}

/** The value a field takes when its input is unusable: protobuf's zero value, defaults applied. */
function zeroValue(schema: Schema): unknown {
  switch (schema.kind) {
    case 'string':
    case 'bytes':
      return '';
    case 'integer':
    case 'number':
      return 0;
    case 'boolean':
      return false;
    case 'enum':
      return (schema.values.find((v) => v.number === 0) ?? schema.values[0])?.name ?? '';
    case 'list':
      return [];
    case 'map':
    case 'freeform':
      return {};
    case 'object':
      return decodeObject(schema, {}, '', 0, []);
  }
}

function decodeString(schema: StringSchema, input: unknown, path: string, out: Sink): string {
  if (typeof input !== 'string') {
    out.push({ field: path, message: 'must be a string' });
    return '';
  }
  if (input.length > schema.maxLength) {
    out.push({ field: path, message: `must be at most ${schema.maxLength} characters` });
    return input.slice(0, schema.maxLength);
  }
  return input;
}

// Messages never quote the value: bytes fields hold Secret data and private keys.
function decodeBytes(schema: BytesSchema, input: unknown, path: string, out: Sink): string {
  if (typeof input !== 'string') {
    out.push({ field: path, message: 'must be a base64 string' });
    return '';
  }
  if (decodedLength(input) > schema.maxBytes) {
    out.push({ field: path, message: `must be at most ${schema.maxBytes} bytes once decoded` });
    return '';
  }
  const decoded = decodeBase64(input);
  if (decoded === undefined) {
    out.push({ field: path, message: 'must be valid base64' });
    return '';
  }
  return decoded.toString('base64');
}

// protojson accepts integers as JSON numbers or as decimal strings ("80"); nothing else.
const INTEGER_STRING = /^-?(0|[1-9][0-9]*)$/;

function decodeInteger(schema: IntegerSchema, input: unknown, path: string, out: Sink): number {
  let n: number | undefined;
  if (typeof input === 'number') n = input;
  else if (typeof input === 'string' && INTEGER_STRING.test(input)) n = Number(input);
  if (n === undefined || !Number.isSafeInteger(n)) {
    out.push({ field: path, message: 'must be an integer' });
    return 0;
  }
  const { minimum, maximum } = schema;
  if ((minimum !== undefined && n < minimum) || (maximum !== undefined && n > maximum)) {
    out.push({ field: path, message: `must be in the range [${minimum ?? '-inf'}, ${maximum ?? 'inf'}]` });
    return 0;
  }
  return n;
}

// protojson also accepts doubles written as strings; only finite decimal forms are taken here.
const NUMBER_STRING = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?$/;

function decodeNumber(input: unknown, path: string, out: Sink): number {
  if (typeof input === 'number' && Number.isFinite(input)) return input;
  if (typeof input === 'string' && NUMBER_STRING.test(input)) return Number(input);
  out.push({ field: path, message: 'must be a number' });
  return 0;
}

function decodeEnum(schema: EnumSchema, input: unknown, path: string, out: Sink): string {
  const found =
    typeof input === 'string'
      ? schema.values.find((v) => v.name === input)
      : typeof input === 'number'
        ? schema.values.find((v) => v.number === input)
        : undefined;
  if (found) return found.name;
  const names = schema.values.map((v) => JSON.stringify(v.name)).join(', ');
  out.push({ field: path, message: `must be one of ${names}` });
  return zeroValue(schema) as string;
}

function decodeList(schema: ListSchema, input: unknown, path: string, depth: number, out: Sink): unknown[] {
  if (!Array.isArray(input)) {
    out.push({ field: path, message: 'must be a list' });
    return [];
  }
  if (input.length > schema.maxItems) {
    out.push({ field: path, message: `must have at most ${schema.maxItems} elements` });
  }
  const items = input.slice(0, schema.maxItems);
  return items.map((item, i) => decodeAt(schema.items, item, indexPath(path, i), depth, out));
}

function decodeMap(schema: MapSchema, input: unknown, path: string, depth: number, out: Sink): Record<string, unknown> {
  if (!isPlainObject(input)) {
    out.push({ field: path, message: 'must be a map' });
    return {};
  }
  const keys = Object.keys(input);
  if (keys.length > schema.maxEntries) {
    out.push({ field: path, message: `must have at most ${schema.maxEntries} entries` });
  }
  const result: Record<string, unknown> = {};
  for (const key of keys.slice(0, schema.maxEntries)) {
    setOwn(result, key, decodeAt(schema.values, input[key], keyPath(path, key), depth, out));
  }
  return result;
}

// Spelling -> declared field name, computed once per object schema.
const spellingCache = new WeakMap<ObjectSchema, ReadonlyMap<string, string>>();

function spellingsOf(schema: ObjectSchema): ReadonlyMap<string, string> {
  let index = spellingCache.get(schema);
  if (!index) {
    const built = new Map<string, string>();
    for (const [name, f] of Object.entries(schema.fields)) {
      for (const spelling of fieldSpellings(name, f, schema)) built.set(spelling, name);
    }
    spellingCache.set(schema, built);
    index = built;
  }
  return index;
}

function decodeObject(
  schema: ObjectSchema,
  input: unknown,
  path: string,
  depth: number,
  out: Sink,
): Record<string, unknown> {
  if (!isPlainObject(input)) {
    out.push({ field: path, message: 'must be an object' });
    input = {};
  }
  const given = decodeGivenFields(schema, input as Record<string, unknown>, path, depth, out);
  checkOneOfs(schema, given, path, out);
  return assemble(schema, given, path, out);
}

// Decodes the fields the user wrote, in document order, so violations come out in that order.
function decodeGivenFields(
  schema: ObjectSchema,
  input: Record<string, unknown>,
  path: string,
  depth: number,
  out: Sink,
): Map<string, unknown> {
  const spellings = spellingsOf(schema);
  const usedSpelling = new Map<string, string>();
  const given = new Map<string, unknown>();
  for (const key of Object.keys(input)) {
    const name = spellings.get(key);
    if (name === undefined) {
      out.push({ field: fieldPath(path, key), message: `unknown field ${JSON.stringify(key)}` });
      continue;
    }
    const f = schema.fields[name];
    if (!f) continue;
    const at = fieldPath(path, f.pathName ?? name);
    const earlier = usedSpelling.get(name);
    if (earlier !== undefined) {
      out.push({ field: at, message: `duplicate field: ${JSON.stringify(earlier)} and ${JSON.stringify(key)} are the same field` });
      continue;
    }
    usedSpelling.set(name, key);
    // protojson treats null as "not set"; YAML writes `hostname:` that way.
    const raw = input[key];
    if (raw !== null && raw !== undefined) given.set(name, decodeAt(f.schema, raw, at, depth, out));
  }
  return given;
}

function checkOneOfs(schema: ObjectSchema, given: Map<string, unknown>, path: string, out: Sink): void {
  for (const group of schema.oneOf) {
    const set = group.fields.filter((name) => given.has(name)).length;
    const names = group.fields.map((name) => JSON.stringify(schema.fields[name]?.pathName ?? name)).join(', ');
    if (set > 1) out.push({ field: path, message: `only one of ${names} may be set` });
    else if (set === 0 && group.required) out.push({ field: path, message: `must have exactly one of ${names}` });
  }
}

// Builds the normalised object in declaration order, filling defaults and reporting missing
// required fields.
function assemble(schema: ObjectSchema, given: Map<string, unknown>, path: string, out: Sink): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const [name, f] of Object.entries(schema.fields)) {
    if (given.has(name)) setOwn(result, name, given.get(name));
    else if (f.default !== undefined) setOwn(result, name, decodeAt(f.schema, f.default, '', 0, []));
    if (!given.has(name) && f.required) {
      out.push({ field: fieldPath(path, f.pathName ?? name), message: 'cannot be empty' });
    }
  }
  return result;
}

// Free-form data is copied (never aliased to the caller's input) under the same depth, length and
// string bounds as typed data; anything that is not JSON (dates, functions) is rejected.
function copyJson(input: unknown, path: string, depth: number, out: Sink): unknown {
  if (input === null || typeof input === 'boolean') return input;
  if (typeof input === 'number' && Number.isFinite(input)) return input;
  if (typeof input === 'string') return decodeString(FREEFORM_STRING, input, path, out);
  if (depth >= MAX_DEPTH) {
    out.push({ field: path, message: `exceeds the maximum nesting depth of ${MAX_DEPTH}` });
    return null;
  }
  if (Array.isArray(input)) {
    if (input.length > DEFAULT_MAX_ITEMS) out.push({ field: path, message: `must have at most ${DEFAULT_MAX_ITEMS} elements` });
    return input.slice(0, DEFAULT_MAX_ITEMS).map((item, i) => copyJson(item, indexPath(path, i), depth + 1, out));
  }
  if (isPlainObject(input)) {
    const keys = Object.keys(input);
    if (keys.length > DEFAULT_MAX_ENTRIES) out.push({ field: path, message: `must have at most ${DEFAULT_MAX_ENTRIES} entries` });
    const result: Record<string, unknown> = {};
    for (const key of keys.slice(0, DEFAULT_MAX_ENTRIES)) {
      setOwn(result, key, copyJson(input[key], fieldPath(path, key), depth + 1, out));
    }
    return result;
  }
  out.push({ field: path, message: 'must be JSON data' });
  return null;
}

const FREEFORM_STRING: StringSchema = { kind: 'string', maxLength: MAX_STRING_LENGTH };
