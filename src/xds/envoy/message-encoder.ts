// Writes protobuf bytes straight from a message in protobufjs `fromObject` form, without building
// protobufjs message objects. Each protobufjs Type is compiled once, on first use, into field
// writers and a generated function that walks the object's own keys (so its cost follows the
// fields present, not the hundreds Envoy declares) and writes them in field-number order.
//
// The bytes are exactly those of `type.encode(type.fromObject(canonicalise(object)))`:
// - fields in field-number order (protobufjs sorts by id, not by declaration order);
// - a field is written whenever it is present and not null/undefined, default values included;
//   empty repeated and map fields write nothing;
// - map entries (Struct fields too) in canonicalise's key order, each with both key and value;
// - an Any given as `{'@type': url, ...fields}` is `type_url` then `value` (the packed message,
//   written in place); `{type_url, value}` is an ordinary message;
// - repeated scalars packed where protobufjs packs them; enums by name or number.
// A frozen (non-extensible) message object is written once per encode and its bytes copied
// wherever the same object appears again (builders share and freeze repeated sub-messages).
// Where fromObject would silently drop or coerce something (unknown field or enum name, wrong
// kind of value, unknown @type, two members of one oneof), this throws an EncodeProblem instead.
import protobuf from 'protobufjs';
import * as wire from './wire-writer.js';

/** How one value of a field is written. */
const enum Kind {
  Double,
  Float,
  Int32,
  Uint32,
  Sint32,
  Fixed32,
  Sfixed32,
  Int64,
  Uint64,
  Sint64,
  Fixed64,
  Sfixed64,
  Bool,
  String,
  Bytes,
  Enum,
  Message,
}

const SCALAR_KINDS: Readonly<Record<string, Kind>> = {
  double: Kind.Double,
  float: Kind.Float,
  int32: Kind.Int32,
  uint32: Kind.Uint32,
  sint32: Kind.Sint32,
  fixed32: Kind.Fixed32,
  sfixed32: Kind.Sfixed32,
  int64: Kind.Int64,
  uint64: Kind.Uint64,
  sint64: Kind.Sint64,
  fixed64: Kind.Fixed64,
  sfixed64: Kind.Sfixed64,
  bool: Kind.Bool,
  string: Kind.String,
  bytes: Kind.Bytes,
};

/** Wire type of one value of each kind (0 varint, 1 64-bit, 2 length-delimited, 5 32-bit). */
const WIRE_TYPE: readonly number[] = [1, 5, 0, 0, 0, 5, 5, 0, 0, 0, 1, 1, 0, 2, 2, 0, 2];

/** Deepest message nesting accepted, as protobufjs (util.recursionLimit); also stops cycles. */
const MAX_DEPTH = 100;
const ANY = '.google.protobuf.Any';
const BASE64 = /^[A-Za-z0-9+/\-_]*={0,2}$/;

/** One field of a compiled message type. */
interface FieldWriter {
  readonly name: string;
  readonly id: number;
  readonly kind: Kind;
  /** Tag of one value (for packed and map fields: the length-delimited tag of the field). */
  readonly tag: number;
  readonly repeated: boolean;
  readonly packed: boolean;
  readonly map: boolean;
  /** Index of the field's oneof in its type, or -1. */
  readonly oneof: number;
  /** Map fields: tag of the entry's value (field 2). */
  readonly valueTag: number;
  readonly enumType: protobuf.Enum | undefined;
  readonly messageType: protobuf.Type | undefined;
  /** The compiled message type of messageType, filled on first use (types can be recursive). */
  message: MessageWriter | undefined;
  /** Why this encoder cannot write the field (thrown only when the field is present). */
  readonly unsupported: string | undefined;
}

/** Writes the present fields of an object of one type in field-number order. */
type FieldsWriter = (object: Record<string, unknown>, depth: number, packedInAny: boolean) => void;

/** A compiled message type. */
interface MessageWriter {
  readonly fullName: string;
  readonly isAny: boolean;
  readonly writeFields: FieldsWriter;
}

/** What was wrong and where: `path` is built while the error unwinds, outermost segment first. */
export class EncodeProblem extends Error {
  readonly segments: string[];
  constructor(message: string, segment?: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'EncodeProblem';
    this.segments = segment === undefined ? [] : [segment];
  }

  /** The field path, e.g. `virtual_hosts[0].routes[3].match.prefix` (empty at the top). */
  get path(): string {
    return this.segments.reduce((out, s) => (s.startsWith('[') || out === '' ? out + s : `${out}.${s}`), '');
  }
}

/** `error` with `segment` in front of its path (any other error becomes an EncodeProblem). */
function within(error: unknown, segment: string): EncodeProblem {
  if (error instanceof EncodeProblem) {
    error.segments.unshift(segment);
    return error;
  }
  return new EncodeProblem(error instanceof Error ? error.message : String(error), segment, { cause: error });
}

function describe(value: unknown): string {
  if (value instanceof Uint8Array) return 'bytes';
  if (Array.isArray(value)) return 'an array';
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

function isMessageObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array);
}

const writers = new Map<protobuf.Type, MessageWriter>();

function compileField(type: protobuf.Type, field: protobuf.Field): FieldWriter {
  const resolved = field.resolve().resolvedType;
  const kind = resolved instanceof protobuf.Type ? Kind.Message : resolved instanceof protobuf.Enum ? Kind.Enum : SCALAR_KINDS[field.type];
  if (kind === undefined) throw new Error(`${type.fullName}.${field.name}: unknown field type ${field.type}`);
  const map = field instanceof protobuf.MapField;
  const unsupported =
    field.required || field.delimited ? 'required and group fields are not supported' : map && field.keyType !== 'string' ? `${field.keyType} map keys are not supported` : undefined;
  const packed = field.repeated && field.packed && WIRE_TYPE[kind] !== 2;
  return {
    name: field.name,
    id: field.id,
    kind,
    tag: ((field.id << 3) | (map || packed ? 2 : (WIRE_TYPE[kind] as number))) >>> 0,
    repeated: field.repeated,
    packed,
    map,
    oneof: field.partOf ? type.oneofsArray.indexOf(field.partOf) : -1,
    valueTag: (2 << 3) | (WIRE_TYPE[kind] as number),
    enumType: resolved instanceof protobuf.Enum ? resolved : undefined,
    messageType: resolved instanceof protobuf.Type ? resolved : undefined,
    message: undefined,
    unsupported,
  };
}

/** The compiled writer of `type`, compiled on first use and cached for the process. */
export function messageWriter(type: protobuf.Type): MessageWriter {
  let writer = writers.get(type);
  if (writer) return writer;
  const fields = type.fieldsArray.map((field) => compileField(type, field));
  const fullName = type.fullName.slice(1);
  writer = { fullName, isAny: type.fullName === ANY, writeFields: compileFieldsWriter(fullName, fields) };
  writers.set(type, writer);
  return writer;
}

/**
 * Generated code for one type: a `switch` on each own key puts its value in the local of its
 * field, then the locals are written in field-number order. No lookup table, no sorting, and the
 * cost of an absent field is one comparison of a local.
 */
function compileFieldsWriter(fullName: string, fields: readonly FieldWriter[]): FieldsWriter {
  const sorted = [...fields].sort((a, b) => a.id - b.id);
  const local = (i: number) => `v${i}`;
  const body: string[] = [];
  if (sorted.length > 0) body.push(`let ${sorted.map((_, i) => local(i)).join(', ')};`);
  body.push('for (const key in object) {', '  const value = object[key];', '  if (value === undefined || value === null) continue;', '  switch (key) {');
  sorted.forEach((f, i) => body.push(`    case ${JSON.stringify(f.name)}: ${local(i)} = value; break;`));
  body.push("    default: if (!packedInAny || key !== '@type') throw unknownField(key);", '  }', '}');
  const oneofs = new Map<number, number[]>();
  sorted.forEach((f, i) => f.oneof >= 0 && oneofs.set(f.oneof, [...(oneofs.get(f.oneof) ?? []), i]));
  for (const members of oneofs.values()) {
    if (members.length < 2) continue;
    const present = members.map((i) => `(${local(i)} === undefined ? 0 : 1)`).join(' + ');
    body.push(`if (${present} > 1) throw oneofConflict([${members.map((i) => `F[${i}]`).join(', ')}], [${members.map(local).join(', ')}]);`);
  }
  body.push('let at = 0;', 'try {');
  sorted.forEach((f, i) => body.push(`  if (${local(i)} !== undefined) { at = ${i}; ${writeStatement(f, i, local(i))} }`));
  body.push('} catch (error) {', '  throw within(error, F[at].name);', '}');
  const unknownField = (key: string) => new EncodeProblem(`unknown field of ${fullName}`, key);
  const factory = new Function(
    'F',
    'writeField',
    'writeValue',
    'writeTag',
    'writeString',
    'notString',
    'within',
    'unknownField',
    'oneofConflict',
    'unsupportedField',
    `return function (object, depth, packedInAny) {\n${body.join('\n')}\n};`,
  );
  return factory(sorted, writeField, writeValue, wire.writeVarint32, wire.writeString, notString, within, unknownField, oneofConflict, unsupportedField) as FieldsWriter;
}

/** The generated statement writing field `i` (value in `v`): singular strings and values inline. */
function writeStatement(field: FieldWriter, i: number, v: string): string {
  if (field.unsupported !== undefined) return `throw unsupportedField(F[${i}]);`;
  if (field.map || field.repeated) return `writeField(F[${i}], ${v}, depth);`;
  if (field.kind === Kind.String) return `if (typeof ${v} !== 'string') throw notString(${v}); writeTag(${field.tag}); writeString(${v});`;
  return `writeTag(${field.tag}); writeValue(F[${i}], ${v}, depth);`;
}

function unsupportedField(field: FieldWriter): EncodeProblem {
  return problem(field.unsupported as string);
}

function notString(value: unknown): EncodeProblem {
  return problem(`expected a string, got ${describe(value)}`);
}

/** The error for two present members of one oneof, at the second one. */
function oneofConflict(members: readonly FieldWriter[], values: readonly unknown[]): EncodeProblem {
  const present = members.filter((_, i) => values[i] !== undefined);
  return new EncodeProblem(`oneof member ${(present[0] as FieldWriter).name} is already set`, (present[1] as FieldWriter).name);
}

function nestedWriter(field: FieldWriter): MessageWriter {
  return (field.message ??= messageWriter(field.messageType as protobuf.Type));
}

/** A type URL as protobufjs writes it, with the message type it names. */
interface PackedType {
  readonly typeUrl: string;
  readonly writer: MessageWriter;
}

const packedTypes = new Map<string, PackedType>();

/** The message type named by an Any's `@type` (everything after the last `/`, a full name). */
function packedTypeOf(url: unknown, root: protobuf.Root): PackedType {
  if (typeof url !== 'string' || url === '') throw new EncodeProblem(`@type must be a type URL, got ${describe(url)}`, '@type');
  let packed = packedTypes.get(url);
  if (packed) return packed;
  const name = url.slice(url.lastIndexOf('/') + 1);
  const found = name === '' ? null : root.lookup(name.startsWith('.') ? name : `.${name}`);
  if (!(found instanceof protobuf.Type)) throw new EncodeProblem(`unknown message type ${url}`, '@type');
  if (found.fullName === ANY) throw new EncodeProblem('an Any cannot pack an Any', '@type');
  const trimmed = url.startsWith('.') ? url.slice(1) : url;
  packed = { typeUrl: trimmed.includes('/') ? trimmed : `/${trimmed}`, writer: messageWriter(found) };
  packedTypes.set(url, packed);
  return packed;
}

let root: protobuf.Root;

/** A shared message's body as the current encode first wrote it. */
interface SharedBody {
  readonly writer: MessageWriter;
  readonly bytes: Buffer;
  /** Nesting levels below the message that the body reached, for the MAX_DEPTH check of a reuse. */
  readonly height: number;
}

/**
 * Bodies of the shared messages the current encode has written, by object. Builders share one
 * object wherever the same sub-message repeats (the `x-kuma-tags` header of every weighted
 * cluster, the action of the prefix and exact routes of a rule) and freeze it; the encoder writes
 * such an object once per encode and copies its bytes for every further use. Keyed by identity
 * only within one encode, during which nothing mutates the object, so the copy is always the
 * bytes writing it again would give; frozenness is only the hint that an object may repeat.
 */
const sharedBodies = new Map<object, SharedBody>();

/** The deepest nesting level writeMessageBody has reached in the current encode. */
let deepest = 0;

/** A message value (length-delimited) that may have been written before in this encode. */
function writeSharedMessage(writer: MessageWriter, object: Record<string, unknown>, depth: number): void {
  const known = sharedBodies.get(object);
  if (known !== undefined && known.writer === writer && depth + known.height <= MAX_DEPTH) return wire.writeBytes(known.bytes);
  const outer = deepest;
  deepest = depth;
  const start = wire.reserveLength();
  writeMessageBody(writer, object, depth);
  const bytes = wire.copyFrom(start);
  wire.finishLength(start);
  const height = deepest - depth;
  if (deepest < outer) deepest = outer;
  if (known === undefined) sharedBodies.set(object, { writer, bytes, height });
}

function problem(message: string): EncodeProblem {
  return new EncodeProblem(message);
}

function writeMessageBody(writer: MessageWriter, object: Record<string, unknown>, depth: number): void {
  if (depth > MAX_DEPTH) throw problem('maximum nesting depth exceeded');
  if (depth > deepest) deepest = depth;
  if (writer.isAny) {
    const url = object['@type'];
    if (url !== undefined && url !== null) return writePackedAny(object, url, depth);
  }
  writer.writeFields(object, depth, false);
}

/** `{'@type': url, ...fields}`: type_url, then the packed message as `value`, written in place. */
function writePackedAny(object: Record<string, unknown>, url: unknown, depth: number): void {
  const packed = packedTypeOf(url, root);
  wire.writeVarint32(10);
  wire.writeString(packed.typeUrl);
  wire.writeVarint32(18);
  const start = wire.reserveLength();
  packed.writer.writeFields(object, depth + 1, true);
  wire.finishLength(start);
}

function writeField(field: FieldWriter, value: unknown, depth: number): void {
  if (field.map) return writeMap(field, value, depth);
  if (!field.repeated) {
    wire.writeVarint32(field.tag);
    return writeValue(field, value, depth);
  }
  if (!Array.isArray(value)) throw problem(`repeated field needs an array, got ${describe(value)}`);
  if (value.length === 0) return;
  let i = 0;
  try {
    if (field.packed) {
      wire.writeVarint32(field.tag);
      const start = wire.reserveLength();
      for (; i < value.length; i++) writeValue(field, value[i], depth);
      wire.finishLength(start);
      return;
    }
    for (; i < value.length; i++) {
      wire.writeVarint32(field.tag);
      writeValue(field, value[i], depth);
    }
  } catch (error) {
    throw within(error, `[${i}]`);
  }
}

/**
 * Map keys in the order canonicalise leaves them: JavaScript lists integer-like keys first in
 * numeric order whatever the insertion order, then the others, which canonicalise sorted.
 */
function canonicalKeys(object: Record<string, unknown>): string[] {
  const keys = Object.keys(object);
  if (keys.length < 2) return keys;
  let indexKeys = 0;
  while (indexKeys < keys.length && isArrayIndex(keys[indexKeys] as string)) indexKeys++;
  if (indexKeys === 0) return keys.sort();
  return keys.slice(0, indexKeys).concat(keys.slice(indexKeys).sort());
}

function isArrayIndex(key: string): boolean {
  return /^(?:0|[1-9]\d{0,9})$/.test(key) && Number(key) < 4294967295;
}

function writeMap(field: FieldWriter, value: unknown, depth: number): void {
  if (!isMessageObject(value)) throw problem(`map field needs an object, got ${describe(value)}`);
  let key = '';
  try {
    for (key of canonicalKeys(value)) {
      const item = value[key];
      if (item === undefined || item === null) throw problem(`map value is ${String(item)}`);
      wire.writeVarint32(field.tag);
      const start = wire.reserveLength();
      wire.writeVarint32(10);
      wire.writeString(key);
      wire.writeVarint32(field.valueTag);
      writeValue(field, item, depth);
      wire.finishLength(start);
    }
  } catch (error) {
    throw within(error, `[${key}]`);
  }
}

function int32(value: unknown, lo: number, hi: number, what: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < lo || value > hi) throw problem(`expected ${what}, got ${describe(value)}`);
  return value;
}

function float(value: unknown): number {
  if (typeof value === 'number') return value;
  if (value === 'NaN' || value === 'Infinity' || value === '-Infinity') return Number(value);
  throw problem(`expected a number, got ${describe(value)}`);
}

function int64(value: unknown, unsigned: boolean): { lo: number; hi: number } {
  const halves = wire.int64Halves(value, unsigned);
  if (!halves) throw problem(`expected ${unsigned ? 'a uint64' : 'an int64'} (integral number or decimal string), got ${describe(value)}`);
  return halves;
}

function enumNumber(field: FieldWriter, value: unknown): number {
  const values = (field.enumType as protobuf.Enum).values;
  if (typeof value === 'string' && Object.hasOwn(values, value)) return values[value] as number;
  if (typeof value === 'number' && Number.isInteger(value) && value >= -(2 ** 31) && value < 2 ** 31) return value;
  throw problem(`${describe(value)} is not a value of enum ${(field.enumType as protobuf.Enum).fullName.slice(1)}`);
}

function bytes(value: unknown): Uint8Array {
  if (value instanceof Uint8Array) return value;
  if (typeof value === 'string' && BASE64.test(value)) return Buffer.from(value, 'base64');
  throw problem(`expected bytes (Uint8Array or base64 string), got ${describe(value)}`);
}

function writeValue(field: FieldWriter, value: unknown, depth: number): void {
  switch (field.kind) {
    case Kind.Message: {
      if (!isMessageObject(value)) throw problem(`expected an object of ${(field.messageType as protobuf.Type).fullName.slice(1)}, got ${describe(value)}`);
      if (!Object.isExtensible(value)) return writeSharedMessage(nestedWriter(field), value, depth + 1);
      const start = wire.reserveLength();
      writeMessageBody(nestedWriter(field), value, depth + 1);
      return wire.finishLength(start);
    }
    case Kind.String:
      if (typeof value !== 'string') throw problem(`expected a string, got ${describe(value)}`);
      return wire.writeString(value);
    case Kind.Bool:
      if (typeof value !== 'boolean') throw problem(`expected a boolean, got ${describe(value)}`);
      return wire.writeBool(value);
    case Kind.Enum:
      return wire.writeInt32(enumNumber(field, value));
    case Kind.Uint32:
      return wire.writeVarint32(int32(value, 0, 4294967295, 'a uint32'));
    case Kind.Int32:
      return wire.writeInt32(int32(value, -2147483648, 2147483647, 'an int32'));
    case Kind.Sint32:
      return wire.writeSint32(int32(value, -2147483648, 2147483647, 'an sint32'));
    case Kind.Fixed32:
      return wire.writeFixed32(int32(value, 0, 4294967295, 'a fixed32'));
    case Kind.Sfixed32:
      return wire.writeFixed32(int32(value, -2147483648, 2147483647, 'an sfixed32'));
    case Kind.Double:
      return wire.writeDouble(float(value));
    case Kind.Float:
      return wire.writeFloat(float(value));
    case Kind.Bytes:
      return wire.writeBytes(bytes(value));
    case Kind.Int64:
    case Kind.Uint64: {
      const h = int64(value, field.kind === Kind.Uint64);
      return wire.writeVarint64(h.lo, h.hi);
    }
    case Kind.Sint64: {
      const h = wire.zigzag64(int64(value, false));
      return wire.writeVarint64(h.lo, h.hi);
    }
    case Kind.Fixed64:
    case Kind.Sfixed64: {
      const h = int64(value, field.kind === Kind.Fixed64);
      return wire.writeFixed64(h.lo, h.hi);
    }
  }
}

/**
 * The protobuf bytes of `object` (fromObject form) as a message of `type`. Throws an
 * EncodeProblem naming the field path of the first value it cannot encode faithfully.
 */
export function encodeMessage(type: protobuf.Type, object: unknown): Buffer {
  if (!isMessageObject(object)) throw problem(`expected an object of ${type.fullName.slice(1)}, got ${describe(object)}`);
  const writer = messageWriter(type);
  root = type.root as protobuf.Root;
  wire.startOutput();
  sharedBodies.clear();
  deepest = 0;
  try {
    writeMessageBody(writer, object, 0);
    return wire.takeOutput();
  } finally {
    // The bodies hold their objects: keep none of them alive past the encode.
    sharedBodies.clear();
  }
}
