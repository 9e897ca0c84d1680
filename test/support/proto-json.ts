// Strict proto3-JSON → protobuf encoding for tests: converts an object in Envoy's YAML/JSON shape
// (proto or lowerCamel field names, durations as "1.5s", Struct as plain objects, Any with
// "@type", wrappers as bare values, enums by name) into the protobufjs shape and encodes it.
// Unlike protobufjs `fromObject`, every unknown field, wrong kind, unknown enum value or unknown
// Any type is an error with its path — so a bootstrap or golden file that Envoy would reject as
// malformed fails here first.
import protobuf from 'protobufjs';
import { envoyRoot } from '../../src/xds/envoy/protos.js';

type Json = Record<string, unknown>;

const WRAPPERS = new Set(['DoubleValue', 'FloatValue', 'Int64Value', 'UInt64Value', 'Int32Value', 'UInt32Value', 'BoolValue', 'StringValue', 'BytesValue'].map((n) => `.google.protobuf.${n}`));

/** Loads an extra Envoy proto file into the shared root (e.g. a typed_config type not loaded by default). */
export function ensureProtoLoaded(file: string): void {
  const root = envoyRoot();
  root.loadSync(file, { keepCase: true });
  root.resolveAll();
}

/** Converts strictly and encodes as the given message type; throws with a field path on any problem. */
export function encodeProtoJson(fullName: string, json: unknown): Uint8Array {
  const type = envoyRoot().lookupType(fullName);
  const message = type.fromObject(convertMessage(type, json, fullName) as Json);
  const problem = type.verify(message);
  if (problem) throw new Error(`${fullName}: ${problem}`);
  return type.encode(message).finish();
}

function fail(path: string, message: string): never {
  throw new Error(`${path}: ${message}`);
}

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function convertMessage(type: protobuf.Type, json: unknown, path: string): unknown {
  const name = type.fullName;
  if (name === '.google.protobuf.Struct') return structOf(json, path);
  if (name === '.google.protobuf.Value') return valueOf(json);
  if (name === '.google.protobuf.ListValue') return Array.isArray(json) ? { values: json.map(valueOf) } : fail(path, 'expected a list');
  if (name === '.google.protobuf.Duration') return durationOf(json, path);
  if (name === '.google.protobuf.Any') return anyOf(json, path);
  if (WRAPPERS.has(name)) return { value: scalarOf(type.fields['value']!, json, path) };
  if (!isObject(json)) return fail(path, `expected an object for ${name}`);
  const byJsonName = new Map(type.fieldsArray.map((f) => [protobuf.util.camelCase(f.name), f]));
  const out: Json = {};
  const oneofsSet = new Map<string, string>();
  for (const [key, value] of Object.entries(json)) {
    const field = type.fields[key] ?? byJsonName.get(key);
    if (!field) fail(`${path}.${key}`, `unknown field of ${name}`);
    if (field.partOf) {
      const other = oneofsSet.get(field.partOf.name);
      if (other) fail(`${path}.${key}`, `oneof ${field.partOf.name} already set by ${other}`);
      oneofsSet.set(field.partOf.name, key);
    }
    out[field.name] = convertField(field, value, `${path}.${key}`);
  }
  return out;
}

function convertField(field: protobuf.Field, value: unknown, path: string): unknown {
  if (field instanceof protobuf.MapField) {
    if (!isObject(value)) fail(path, 'expected a map');
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, convertSingle(field, v, `${path}["${k}"]`)]));
  }
  if (field.repeated) {
    if (!Array.isArray(value)) fail(path, 'expected a list');
    return value.map((v, i) => convertSingle(field, v, `${path}[${i}]`));
  }
  return convertSingle(field, value, path);
}

function convertSingle(field: protobuf.Field, value: unknown, path: string): unknown {
  const resolved = field.resolvedType;
  if (resolved instanceof protobuf.Type) return convertMessage(resolved, value, path);
  if (resolved instanceof protobuf.Enum) {
    if (typeof value === 'string' && value in resolved.values) return value;
    if (typeof value === 'number' && Object.values(resolved.values).includes(value)) return value;
    return fail(path, `unknown value ${JSON.stringify(value)} of enum ${resolved.fullName}`);
  }
  return scalarOf(field, value, path);
}

function scalarOf(field: protobuf.Field, value: unknown, path: string): unknown {
  switch (field.type) {
    case 'string':
      return typeof value === 'string' ? value : fail(path, 'expected a string');
    case 'bool':
      return typeof value === 'boolean' ? value : fail(path, 'expected a boolean');
    case 'double':
    case 'float':
      return typeof value === 'number' ? value : fail(path, 'expected a number');
    case 'bytes':
      return typeof value === 'string' ? value : fail(path, 'expected base64 bytes');
    case 'int64':
    case 'uint64':
    case 'sint64':
    case 'fixed64':
    case 'sfixed64':
      if (typeof value === 'string' && /^-?\d+$/.test(value)) return value;
      return Number.isInteger(value) ? value : fail(path, 'expected an integer');
    default: {
      if (!Number.isInteger(value)) return fail(path, 'expected an integer');
      const n = value as number;
      const unsigned = field.type.startsWith('u') || field.type === 'fixed32';
      if (unsigned ? n < 0 || n > 0xffffffff : n < -0x80000000 || n > 0x7fffffff) fail(path, `out of range for ${field.type}`);
      return n;
    }
  }
}

function structOf(json: unknown, path: string): Json {
  if (!isObject(json)) return fail(path, 'expected an object (Struct)');
  return { fields: Object.fromEntries(Object.entries(json).map(([k, v]) => [k, valueOf(v)])) };
}

/**
 * google.protobuf.Value's field name as the shared root spells it: protobufjs bundles its own
 * struct.proto with camelCase names (numberValue, ...), unlike the keepCase Envoy types.
 */
function valueField(snake: string): string {
  const type = envoyRoot().lookupType('google.protobuf.Value');
  return type.fields[snake] ? snake : protobuf.util.camelCase(snake);
}

function valueOf(v: unknown): Json {
  if (v === null) return { [valueField('null_value')]: 'NULL_VALUE' };
  if (typeof v === 'number') return { [valueField('number_value')]: v };
  if (typeof v === 'string') return { [valueField('string_value')]: v };
  if (typeof v === 'boolean') return { [valueField('bool_value')]: v };
  if (Array.isArray(v)) return { [valueField('list_value')]: { values: v.map(valueOf) } };
  return { [valueField('struct_value')]: structOf(v, 'struct') };
}

function durationOf(json: unknown, path: string): Json {
  const match = typeof json === 'string' ? /^(-?\d+)(?:\.(\d{1,9}))?s$/.exec(json) : null;
  if (!match) return fail(path, `expected a duration like "1.5s", got ${JSON.stringify(json)}`);
  return { seconds: Number(match[1]), nanos: Number((match[2] ?? '').padEnd(9, '0')) };
}

function anyOf(json: unknown, path: string): Json {
  if (!isObject(json) || typeof json['@type'] !== 'string') return fail(path, 'expected an Any with "@type"');
  const typeUrl = json['@type'];
  const fullName = typeUrl.slice(typeUrl.lastIndexOf('/') + 1);
  let type: protobuf.Type;
  try {
    type = envoyRoot().lookupType(fullName);
  } catch {
    return fail(path, `unknown Any type ${typeUrl} (load its proto with ensureProtoLoaded)`);
  }
  const { '@type': _ignored, ...rest } = json;
  const message = type.fromObject(convertMessage(type, rest, `${path}<${fullName}>`) as Json);
  return { type_url: typeUrl, value: type.encode(message).finish() };
}
