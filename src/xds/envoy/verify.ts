// Strict checking of Portico's own Envoy output. protobufjs `fromObject` silently ignores unknown
// keys, unknown enum names and null values and coerces mistyped scalars, so a typo in a builder
// would vanish without a trace. `findInvalidFields` walks an object against the protobufjs type and
// names every such mistake; `verifyResource` adds an encode/decode round trip and reports any
// difference from what went in.
import protobuf from 'protobufjs';
import { canonicalise, decodeResource, encodeResource, typeOfUrl } from './encode.js';
import { messageType } from './protos.js';
import { TYPE_URL_PREFIX, typeNameOf } from './type-urls.js';

type Fields = Record<string, unknown>;

const ANY = '.google.protobuf.Any';
const INT64 = new Set(['int64', 'sint64', 'sfixed64']);
const UINT64 = new Set(['uint64', 'fixed64']);
const INT32 = new Set(['int32', 'sint32', 'sfixed32']);
const UINT32 = new Set(['uint32', 'fixed32']);

function isPlainObject(v: unknown): v is Fields {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Uint8Array);
}

function join(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

function scalarProblem(type: string, v: unknown): string | undefined {
  const int = (lo: number, hi: number) => typeof v === 'number' && Number.isInteger(v) && v >= lo && v <= hi;
  if (type === 'string') return typeof v === 'string' ? undefined : 'expected a string';
  if (type === 'bool') return typeof v === 'boolean' ? undefined : 'expected a boolean';
  if (type === 'double' || type === 'float') return typeof v === 'number' && Number.isFinite(v) ? undefined : 'expected a finite number';
  if (INT32.has(type)) return int(-(2 ** 31), 2 ** 31 - 1) ? undefined : 'expected an int32';
  if (UINT32.has(type)) return int(0, 2 ** 32 - 1) ? undefined : 'expected a uint32';
  if (INT64.has(type)) return Number.isSafeInteger(v) || (typeof v === 'string' && /^-?\d+$/.test(v)) ? undefined : 'expected an int64';
  if (UINT64.has(type)) return int(0, Number.MAX_SAFE_INTEGER) || (typeof v === 'string' && /^\d+$/.test(v)) ? undefined : 'expected a uint64';
  if (type === 'bytes') return v instanceof Uint8Array || typeof v === 'string' ? undefined : 'expected bytes';
  return `unsupported scalar type ${type}`;
}

function checkValue(field: protobuf.Field, v: unknown, path: string, out: string[]): void {
  const resolved = field.resolvedType;
  if (resolved instanceof protobuf.Type) checkMessage(resolved, v, path, out);
  else if (resolved instanceof protobuf.Enum) {
    if (typeof v !== 'string' || !(v in resolved.values)) out.push(`${path}: ${JSON.stringify(v)} is not a value of enum ${resolved.fullName.slice(1)}`);
  } else {
    const problem = scalarProblem(field.type, v);
    if (problem) out.push(`${path}: ${problem}, got ${JSON.stringify(v)}`);
  }
}

function checkAny(v: Fields, path: string, out: string[]): void {
  const url = v['@type'];
  if (typeof url !== 'string' || !url.startsWith(TYPE_URL_PREFIX)) {
    out.push(`${path}: an Any needs "@type: ${TYPE_URL_PREFIX}<message>"`);
    return;
  }
  let inner: protobuf.Type;
  try {
    inner = messageType(typeNameOf(url));
  } catch {
    out.push(`${path}: unknown message type ${url}`);
    return;
  }
  const { '@type': _url, ...rest } = v;
  checkMessage(inner, rest, path, out);
}

function checkField(field: protobuf.Field, v: unknown, path: string, out: string[]): void {
  if (field instanceof protobuf.MapField) {
    if (!isPlainObject(v)) return void out.push(`${path}: map field needs an object`);
    for (const [k, item] of Object.entries(v)) {
      if (field.keyType !== 'string' && !/^-?\d+$|^true$|^false$/.test(k)) out.push(`${path}: bad ${field.keyType} map key ${k}`);
      checkValue(field, item, `${path}[${k}]`, out);
    }
  } else if (field.repeated) {
    if (!Array.isArray(v)) return void out.push(`${path}: repeated field needs an array`);
    v.forEach((item: unknown, i) => checkValue(field, item, `${path}[${i}]`, out));
  } else checkValue(field, v, path, out);
}

function checkMessage(type: protobuf.Type, v: unknown, path: string, out: string[]): void {
  if (!isPlainObject(v)) return void out.push(`${path}: expected an object of ${type.fullName.slice(1)}`);
  if (type.fullName === ANY) return checkAny(v, path, out);
  const oneofs = new Map<string, string>();
  for (const [key, value] of Object.entries(v)) {
    const at = join(path, key);
    const field = type.fields[key];
    if (!field) {
      out.push(`${at}: unknown field of ${type.fullName.slice(1)}`);
      continue;
    }
    if (value === undefined || value === null) {
      out.push(`${at}: is ${String(value)}; leave the key out instead`);
      continue;
    }
    const oneof = field.partOf?.name;
    if (oneof !== undefined) {
      const other = oneofs.get(oneof);
      if (other !== undefined) out.push(`${at}: oneof ${oneof} is already set by ${other}`);
      oneofs.set(oneof, key);
    }
    checkField(field, value, at, out);
  }
}

/**
 * Every unknown field name, unknown enum name, mistyped scalar, null value and oneof conflict in
 * `object` (fromObject form) for the message type of `typeUrl`; empty when the object is clean.
 */
export function findInvalidFields(typeUrl: string, object: unknown): string[] {
  const out: string[] = [];
  checkMessage(typeOfUrl(typeUrl), object, '', out);
  return out;
}

/** What `decodeResource` should give back for `v`: empties dropped, int64 as strings, bytes as base64. */
function expectedAfterRoundTrip(type: protobuf.Type, v: Fields): Fields {
  if (type.fullName === ANY) {
    const { '@type': url, ...rest } = v;
    return { '@type': url, ...expectedAfterRoundTrip(messageType(typeNameOf(String(url))), rest) };
  }
  const out: Fields = {};
  for (const [key, value] of Object.entries(v)) {
    const field = type.fields[key] as protobuf.Field;
    const one = (item: unknown): unknown => {
      if (field.resolvedType instanceof protobuf.Type) return expectedAfterRoundTrip(field.resolvedType, item as Fields);
      if (INT64.has(field.type) || UINT64.has(field.type)) return String(item);
      if (item instanceof Uint8Array) return Buffer.from(item).toString('base64');
      return item;
    };
    if (field instanceof protobuf.MapField) {
      const entries = Object.entries(value as Fields);
      if (entries.length > 0) out[key] = Object.fromEntries(entries.map(([k, item]) => [k, one(item)]));
    } else if (field.repeated) {
      if ((value as unknown[]).length > 0) out[key] = (value as unknown[]).map(one);
    } else out[key] = one(value);
  }
  return out;
}

function diff(expected: unknown, actual: unknown, path: string, out: string[]): void {
  if (isPlainObject(expected) && isPlainObject(actual)) {
    for (const key of new Set([...Object.keys(expected), ...Object.keys(actual)])) diff(expected[key], actual[key], join(path, key), out);
  } else if (Array.isArray(expected) && Array.isArray(actual) && expected.length === actual.length) {
    expected.forEach((item: unknown, i) => diff(item, actual[i], `${path}[${i}]`, out));
  } else if (!Object.is(expected, actual)) {
    out.push(`${path}: sent ${JSON.stringify(expected)}, read back ${JSON.stringify(actual)}`);
  }
}

/**
 * `findInvalidFields`, then an encode/decode round trip that must give back exactly what went in
 * (modulo empty repeated and map fields, which protobuf cannot represent). Empty when the resource
 * is sound. Meant for tests and for the cache's self-check of output, not for every push.
 */
export function verifyResource(typeUrl: string, object: object): string[] {
  const problems = findInvalidFields(typeUrl, object);
  if (problems.length > 0) return problems;
  const expected = expectedAfterRoundTrip(typeOfUrl(typeUrl), canonicalise(object) as Fields);
  diff(expected, decodeResource(typeUrl, encodeResource(typeUrl, object)), '', problems);
  return problems;
}
