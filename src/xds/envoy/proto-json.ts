// Reads a message written in the protobuf JSON mapping (what Kuma users write in a ProxyTemplate
// `value`: camelCase or proto field names, durations as "5s", wrappers as plain values, Any with
// "@type") into the protobufjs `fromObject` form Portico's builders produce (proto field names,
// Duration as {seconds, nanos}, wrappers as {value}, Any as {'@type', ...fields}), so that a user's
// value can be merged into, or stand beside, generated resources and be encoded by the same
// encoder. Strict: an unknown field, a wrong kind of value or an unknown `@type` is an error with
// the path of the offending field, never silently dropped.
import type protobuf from 'protobufjs';
import { messageType, protobufjs } from './protos.js';
import { TYPE_URL_PREFIX, typeNameOf } from './type-urls.js';

/** A decoded message, or the first problem found and where. */
export type ProtoJsonResult =
  | { readonly ok: true; readonly value: Record<string, unknown> }
  | { readonly ok: false; readonly path: string; readonly message: string };

class ProtoJsonProblem extends Error {
  constructor(
    message: string,
    readonly path: string,
  ) {
    super(message);
  }
}

type Json = Record<string, unknown>;

const WRAPPERS = new Set(
  ['DoubleValue', 'FloatValue', 'Int64Value', 'UInt64Value', 'Int32Value', 'UInt32Value', 'BoolValue', 'StringValue', 'BytesValue'].map((n) => `.google.protobuf.${n}`),
);
const SPECIAL_JSON = new Set(['Duration', 'Timestamp', 'Struct', 'Value', 'ListValue'].map((n) => `.google.protobuf.${n}`));
const INT32 = new Set(['int32', 'sint32', 'sfixed32', 'uint32', 'fixed32']);
const INT64 = new Set(['int64', 'sint64', 'sfixed64', 'uint64', 'fixed64']);
const UNSIGNED = new Set(['uint32', 'fixed32', 'uint64', 'fixed64']);
const BASE64 = /^[A-Za-z0-9+/\-_]*={0,2}$/;
const DURATION = /^(-)?(\d+)(?:\.(\d{1,9}))?s$/;
const MAX_DURATION_SECONDS = 315_576_000_000;

/** The message `typeName` (full name, no type URL prefix) read from protobuf JSON `json`. */
export function fromProtoJson(typeName: string, json: unknown): ProtoJsonResult {
  let type: protobuf.Type;
  try {
    type = messageType(typeName);
  } catch {
    return { ok: false, path: '', message: `unknown message type ${typeName}` };
  }
  try {
    return { ok: true, value: readMessage(type, json, '') as Record<string, unknown> };
  } catch (err) {
    if (err instanceof ProtoJsonProblem) return { ok: false, path: err.path, message: err.message };
    throw err;
  }
}

function join(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  return typeof v === 'object' ? 'an object' : JSON.stringify(v);
}

function isObject(v: unknown): v is Json {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** protoc's JSON name of a field: `connect_timeout` -> `connectTimeout`. */
export function jsonNameOf(name: string): string {
  return name.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
}

/** The field of `type` a JSON key names (proto name or JSON name), or undefined. */
function fieldByKey(type: protobuf.Type, key: string): protobuf.Field | undefined {
  const direct = type.fields[key];
  if (direct) return direct;
  return type.fieldsArray.find((f) => jsonNameOf(f.name) === key);
}

function readMessage(type: protobuf.Type, v: unknown, path: string): unknown {
  const special = readWellKnown(type, v, path);
  if (special !== undefined) return special;
  if (!isObject(v)) throw new ProtoJsonProblem(`expected an object of ${type.fullName.slice(1)}, got ${describe(v)}`, path);
  const out: Json = {};
  const oneofs = new Map<string, string>();
  for (const [key, value] of Object.entries(v)) {
    const at = join(path, key);
    const field = fieldByKey(type, key);
    if (!field) throw new ProtoJsonProblem(`unknown field "${key}" of ${type.fullName.slice(1)}`, at);
    if (Object.hasOwn(out, field.name)) throw new ProtoJsonProblem(`field "${field.name}" is set twice`, at);
    // null is "not set" in the JSON mapping, except for google.protobuf.Value (JSON null).
    if (value === null && field.resolvedType?.fullName !== '.google.protobuf.Value') continue;
    const oneof = field.partOf?.name;
    if (oneof !== undefined) {
      const other = oneofs.get(oneof);
      if (other !== undefined) throw new ProtoJsonProblem(`oneof ${oneof} is already set by ${other}`, at);
      oneofs.set(oneof, key);
    }
    out[field.name] = readField(field, value, at);
  }
  return out;
}

function readField(field: protobuf.Field, v: unknown, path: string): unknown {
  if (field instanceof protobufjs().MapField) {
    if (!isObject(v)) throw new ProtoJsonProblem(`expected an object (a map), got ${describe(v)}`, path);
    const out: Json = {};
    for (const [k, item] of Object.entries(v)) {
      if (field.keyType !== 'string' && !/^-?\d+$|^true$|^false$/.test(k)) throw new ProtoJsonProblem(`bad ${field.keyType} map key ${JSON.stringify(k)}`, path);
      out[k] = readValue(field, item, `${path}[${JSON.stringify(k)}]`);
    }
    return out;
  }
  if (field.repeated) {
    if (!Array.isArray(v)) throw new ProtoJsonProblem(`expected a list, got ${describe(v)}`, path);
    return v.map((item: unknown, i) => readValue(field, item, `${path}[${i}]`));
  }
  return readValue(field, v, path);
}

function readValue(field: protobuf.Field, v: unknown, path: string): unknown {
  const resolved = field.resolvedType;
  if (resolved instanceof protobufjs().Type) return readMessage(resolved, v, path);
  if (resolved instanceof protobufjs().Enum) return readEnum(resolved, v, path);
  return readScalar(field.type, v, path);
}

function readEnum(type: protobuf.Enum, v: unknown, path: string): string | number {
  if (typeof v === 'string' && v in type.values) return v;
  // Open enums accept numbers the schema does not name; a name is kept when there is one.
  if (typeof v === 'number' && Number.isInteger(v)) return type.valuesById[v] ?? v;
  throw new ProtoJsonProblem(`invalid value for enum ${type.fullName.slice(1)}: ${describe(v)}`, path);
}

function readScalar(type: string, v: unknown, path: string): unknown {
  const bad = (what: string) => new ProtoJsonProblem(`invalid value for ${what} field: ${describe(v)}`, path);
  if (type === 'string') {
    if (typeof v !== 'string') throw bad('string');
    return v;
  }
  if (type === 'bool') {
    if (typeof v !== 'boolean') throw bad('bool');
    return v;
  }
  if (type === 'double' || type === 'float') {
    if (typeof v === 'number' && Number.isFinite(v)) return v;
    if (v === 'NaN') return NaN;
    if (v === 'Infinity') return Infinity;
    if (v === '-Infinity') return -Infinity;
    if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
    throw bad(type);
  }
  if (INT32.has(type) || INT64.has(type)) return readInteger(type, v, path);
  if (type === 'bytes') {
    if (typeof v !== 'string' || !BASE64.test(v.replace(/\s/g, ''))) throw bad('bytes');
    return v.replace(/\s/g, '');
  }
  throw new ProtoJsonProblem(`unsupported field type ${type}`, path);
}

function readInteger(type: string, v: unknown, path: string): number | string {
  const text = typeof v === 'number' ? (Number.isInteger(v) ? String(v) : '') : typeof v === 'string' ? v.trim() : '';
  if (!/^-?\d+$/.test(text)) throw new ProtoJsonProblem(`invalid value for ${type} field: ${describe(v)}`, path);
  const n = BigInt(text);
  const [lo, hi] = rangeOf(type);
  if (n < lo || n > hi) throw new ProtoJsonProblem(`value ${text} out of range for ${type} field`, path);
  // 64-bit values travel as strings (as protobufjs `longs: String` and the encoder expect).
  return INT64.has(type) ? n.toString() : Number(n);
}

function rangeOf(type: string): [bigint, bigint] {
  const unsigned = UNSIGNED.has(type);
  const bits = INT64.has(type) ? 64n : 32n;
  return unsigned ? [0n, 2n ** bits - 1n] : [-(2n ** (bits - 1n)), 2n ** (bits - 1n) - 1n];
}

/** Well-known types with their own JSON form; undefined for an ordinary message. */
function readWellKnown(type: protobuf.Type, v: unknown, path: string): unknown {
  const name = type.fullName;
  if (name === '.google.protobuf.Duration') return readDuration(v, path);
  if (WRAPPERS.has(name)) return { value: readValue(type.fields['value']!, v, path) };
  if (name === '.google.protobuf.Struct') return readStruct(v, path);
  if (name === '.google.protobuf.Value') return readJsonValue(v, path);
  if (name === '.google.protobuf.ListValue') return readList(v, path);
  if (name === '.google.protobuf.Any') return readAny(v, path);
  if (name === '.google.protobuf.Timestamp') return readTimestamp(v, path);
  return undefined;
}

function readDuration(v: unknown, path: string): { seconds: number; nanos: number } {
  const m = typeof v === 'string' ? DURATION.exec(v) : null;
  if (!m) throw new ProtoJsonProblem(`invalid google.protobuf.Duration value ${describe(v)}: expected seconds with an "s" suffix, like "5s" or "0.25s"`, path);
  const sign = m[1] ? -1 : 1;
  const seconds = Number(m[2]);
  const nanos = Number((m[3] ?? '').padEnd(9, '0'));
  if (seconds > MAX_DURATION_SECONDS) throw new ProtoJsonProblem(`google.protobuf.Duration value out of range: ${String(v)}`, path);
  return { seconds: sign * seconds, nanos: sign * nanos };
}

function readTimestamp(v: unknown, path: string): { seconds: number; nanos: number } {
  const ms = typeof v === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(v) ? Date.parse(v) : NaN;
  if (!Number.isFinite(ms)) throw new ProtoJsonProblem(`invalid google.protobuf.Timestamp value ${describe(v)}`, path);
  const fraction = /\.(\d{1,9})/.exec(v as string)?.[1] ?? '';
  return { seconds: Math.floor(ms / 1000), nanos: Number(fraction.padEnd(9, '0')) };
}

function readStruct(v: unknown, path: string): { fields: Json } {
  if (!isObject(v)) throw new ProtoJsonProblem(`expected an object (google.protobuf.Struct), got ${describe(v)}`, path);
  const fields: Json = {};
  for (const [k, item] of Object.entries(v)) fields[k] = readJsonValue(item, join(path, k));
  return { fields };
}

function readList(v: unknown, path: string): { values: unknown[] } {
  if (!Array.isArray(v)) throw new ProtoJsonProblem(`expected a list (google.protobuf.ListValue), got ${describe(v)}`, path);
  return { values: v.map((item: unknown, i) => readJsonValue(item, `${path}[${i}]`)) };
}

function readJsonValue(v: unknown, path: string): Json {
  if (v === null) return { nullValue: 'NULL_VALUE' };
  if (typeof v === 'number') return { numberValue: v };
  if (typeof v === 'string') return { stringValue: v };
  if (typeof v === 'boolean') return { boolValue: v };
  if (Array.isArray(v)) return { listValue: readList(v, path) };
  if (isObject(v)) return { structValue: readStruct(v, path) };
  throw new ProtoJsonProblem(`invalid google.protobuf.Value ${describe(v)}`, path);
}

function readAny(v: unknown, path: string): Json {
  if (!isObject(v)) throw new ProtoJsonProblem(`expected an object (google.protobuf.Any), got ${describe(v)}`, path);
  const url = v['@type'];
  const at = join(path, '@type');
  if (typeof url !== 'string' || url === '') throw new ProtoJsonProblem('an Any needs "@type"', at);
  if (!url.startsWith(TYPE_URL_PREFIX)) throw new ProtoJsonProblem(`"@type" must start with ${TYPE_URL_PREFIX}, got ${JSON.stringify(url)}`, at);
  let inner: protobuf.Type;
  try {
    inner = messageType(typeNameOf(url));
  } catch {
    throw new ProtoJsonProblem(`unknown message type ${url}`, at);
  }
  const { '@type': _url, ...rest } = v;
  // A well-known type with its own JSON form is packed as {"@type": ..., "value": <its JSON>}.
  const special = SPECIAL_JSON.has(inner.fullName) || WRAPPERS.has(inner.fullName);
  const decoded = special ? readMessage(inner, rest['value'], join(path, 'value')) : readMessage(inner, rest, path);
  return { '@type': url, ...(decoded as Json) };
}
