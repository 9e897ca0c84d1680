// A small declarative schema language for Kuma's protobuf-backed resources. Schemas are plain
// data so that one description drives both the strict decoder (schema-decode.ts) and, later, the
// generated Kubernetes CRD OpenAPI v3 schemas. Fields are declared once, in lowerCamelCase; the
// decoder derives the snake_case spelling itself because Kuma's protojson accepts both the proto
// name and the JSON name of every field.

/** Protobuf integer types; they become the CRD `format` and document the wire range. */
export type IntegerFormat = 'int32' | 'uint32' | 'int64' | 'uint64';

/** Deepest nesting the decoder follows before giving up on a value (free-form data included). */
export const MAX_DEPTH = 32;
/** Longest string accepted anywhere: 64 KiB of UTF-16 code units. */
export const MAX_STRING_LENGTH = 65_536;
/** Default cap on list lengths; lists that need another cap declare it. */
export const DEFAULT_MAX_ITEMS = 1_000;
/** Default cap on map entries (tags, labels, annotations). */
export const DEFAULT_MAX_ENTRIES = 1_000;

/** A protobuf string. */
export interface StringSchema {
  readonly kind: 'string';
  readonly maxLength: number;
}

/**
 * A protobuf bytes field (or BytesValue): base64 text on the wire. The decoder accepts what
 * protojson accepts (standard or URL-safe alphabet, padded or not, line breaks ignored) and
 * normalises to standard padded base64, so equal bytes always compare equal.
 */
export interface BytesSchema {
  readonly kind: 'bytes';
  /** Largest decoded size in bytes. */
  readonly maxBytes: number;
}

/**
 * A protobuf integer. `minimum`/`maximum` are enforced by the decoder; fields whose range Kuma
 * reports with its own message (ports, status codes) leave them unset and let the validator speak.
 */
export interface IntegerSchema {
  readonly kind: 'integer';
  readonly format: IntegerFormat;
  readonly minimum?: number;
  readonly maximum?: number;
}

/** A protobuf double (or DoubleValue wrapper). */
export interface NumberSchema {
  readonly kind: 'number';
}

/** A protobuf bool. */
export interface BooleanSchema {
  readonly kind: 'boolean';
}

/** One enum value: protojson accepts either its name or its number. */
export interface EnumValue {
  readonly name: string;
  readonly number: number;
}

/** A protobuf enum; decoded values are always the name. */
export interface EnumSchema {
  readonly kind: 'enum';
  readonly values: readonly EnumValue[];
}

/** A repeated field. */
export interface ListSchema {
  readonly kind: 'list';
  readonly items: Schema;
  readonly maxItems: number;
}

/** A `map<string, V>` field. */
export interface MapSchema {
  readonly kind: 'map';
  readonly values: Schema;
  readonly maxEntries: number;
}

/** Arbitrary JSON object kept as written (protobuf Struct, or parts Portico does not interpret yet). */
export interface FreeFormSchema {
  readonly kind: 'freeform';
}

/** One field of an object. The record key holding it is the lowerCamelCase name. */
export interface FieldSchema {
  readonly schema: Schema;
  /** One line for humans and for the CRD `description`. */
  readonly doc: string;
  /** Absent is reported as `cannot be empty`. Only for fields whose Kuma message is exactly that. */
  readonly required?: boolean;
  /** Input used when the field is absent or null; decoded like user input, so it is normalised too. */
  readonly default?: unknown;
  /** Name used in violation paths when Kuma's validator spells it differently (`query_parameters`). */
  readonly pathName?: string;
  /** Extra accepted spellings beyond the automatic snake_case one. */
  readonly aliases?: readonly string[];
}

/** Fields of which at most one (exactly one when `required`) may be set: a protobuf oneof. */
export interface OneOfGroup {
  readonly fields: readonly string[];
  readonly required: boolean;
}

/** A protobuf message. Unknown fields are violations. */
export interface ObjectSchema {
  readonly kind: 'object';
  readonly doc: string;
  readonly fields: Readonly<Record<string, FieldSchema>>;
  readonly oneOf: readonly OneOfGroup[];
  /** False for non-protobuf shapes (Kubernetes metadata) where only the written spelling is valid. */
  readonly snakeCase: boolean;
}

/** Any node of a schema. */
export type Schema =
  | StringSchema
  | BytesSchema
  | IntegerSchema
  | NumberSchema
  | BooleanSchema
  | EnumSchema
  | ListSchema
  | MapSchema
  | FreeFormSchema
  | ObjectSchema;

/** A string field schema, capped at `maxLength`. */
export function text(maxLength = MAX_STRING_LENGTH): StringSchema {
  return { kind: 'string', maxLength };
}

/** A bytes field schema holding at most `maxBytes` decoded bytes. */
export function bytes(maxBytes: number): BytesSchema {
  return { kind: 'bytes', maxBytes };
}

/** An integer schema; pass bounds only when the decoder should enforce them. */
export function integer(format: IntegerFormat, bounds: { minimum?: number; maximum?: number } = {}): IntegerSchema {
  return { kind: 'integer', format, ...bounds };
}

/** A uint32 whose whole wire range the decoder enforces (`weight`, `connectionLimit`). */
export function uint32(): IntegerSchema {
  return integer('uint32', { minimum: 0, maximum: 4_294_967_295 });
}

/** A port number: uint32 on the wire, range-checked by the validator with Kuma's message. */
export function port(): IntegerSchema {
  return integer('uint32');
}

/** A double schema. */
export function double(): NumberSchema {
  return { kind: 'number' };
}

/** A boolean schema. */
export function bool(): BooleanSchema {
  return { kind: 'boolean' };
}

/** An enum schema from `{NAME: number}` in declaration order. */
export function enumeration(values: Readonly<Record<string, number>>): EnumSchema {
  return { kind: 'enum', values: Object.entries(values).map(([name, number]) => ({ name, number })) };
}

/** A list schema. */
export function listOf(items: Schema, maxItems = DEFAULT_MAX_ITEMS): ListSchema {
  return { kind: 'list', items, maxItems };
}

/** A map schema; values are strings unless stated. */
export function mapOf(values: Schema = text(), maxEntries = DEFAULT_MAX_ENTRIES): MapSchema {
  return { kind: 'map', values, maxEntries };
}

/** A free-form JSON object schema. */
export function freeform(): FreeFormSchema {
  return { kind: 'freeform' };
}

/** Options of an object schema beyond its fields. */
export interface ObjectOptions {
  readonly oneOf?: readonly OneOfGroup[];
  readonly snakeCase?: boolean;
}

/** An object schema with fields in declaration order (which is also the normalised key order). */
export function object(
  doc: string,
  fields: Readonly<Record<string, FieldSchema>>,
  options: ObjectOptions = {},
): ObjectSchema {
  return { kind: 'object', doc, fields, oneOf: options.oneOf ?? [], snakeCase: options.snakeCase ?? true };
}

/** A field of an object schema. */
export function field(schema: Schema, doc: string, options: Omit<FieldSchema, 'schema' | 'doc'> = {}): FieldSchema {
  return { schema, doc, ...options };
}

/** A protobuf oneof among the named fields. */
export function oneOf(fields: readonly string[], required: boolean): OneOfGroup {
  return { fields, required };
}

/** protoc's JSON-name rule reversed: `queryParameters` -> `query_parameters`. */
export function snakeCase(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

/** Every spelling the decoder accepts for a field, the declared one first. */
export function fieldSpellings(name: string, f: FieldSchema, schema: ObjectSchema): readonly string[] {
  const out = [name];
  const snake = snakeCase(name);
  if (schema.snakeCase && snake !== name) out.push(snake);
  for (const alias of f.aliases ?? []) if (!out.includes(alias)) out.push(alias);
  return out;
}
