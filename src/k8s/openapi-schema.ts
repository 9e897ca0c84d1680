// The schema language of src/api translated to a structural OpenAPI v3 schema, the form a
// CustomResourceDefinition needs. One rule: the CRD must accept every value the decoder accepts,
// so `kubectl apply` of a manifest Kuma 2.x took never fails at the schema; it may accept more,
// since the decoder and validators behind the admission webhook still run.
//
// Protobuf shapes (ObjectSchema.snakeCase true) follow protojson:
//   - every field is offered under each spelling the decoder takes (`queryParameters` and
//     `query_parameters`); writing both is left to the decoder's duplicate-field violation;
//   - integers and enums are int-or-string, because protojson accepts `"80"` and enum numbers
//     (and prints 64-bit integers as strings); enums list their names and their numbers;
//   - decoder defaults are not emitted: they are normalisation, and the API server writing
//     `queryParameters: []` beside a user's `query_parameters` would create a duplicate.
// Every list, map and string carries the decoder's cap (maxItems, maxProperties, maxLength;
// docs/limits.md), so kubectl reports an oversized list at the schema, before the webhook.
// Kubernetes shapes (snakeCase false: MeshGatewayInstance, status) are plain Kubernetes types:
// one spelling, typed integers, string enums, and scalar defaults emitted as API defaults.

import {
  fieldSpellings,
  type EnumSchema,
  type FieldSchema,
  type IntegerSchema,
  type ObjectSchema,
  type Schema,
} from '../api/schema.js';

/** The subset of Kubernetes' JSONSchemaProps that generated CRDs use. */
export interface JsonSchemaProps {
  readonly type?: 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean';
  readonly description?: string;
  readonly format?: string;
  readonly properties?: Readonly<Record<string, JsonSchemaProps>>;
  readonly additionalProperties?: JsonSchemaProps;
  readonly items?: JsonSchemaProps;
  readonly required?: readonly string[];
  readonly enum?: readonly (string | number)[];
  readonly default?: unknown;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly maxLength?: number;
  readonly maxItems?: number;
  readonly maxProperties?: number;
  readonly pattern?: string;
  readonly anyOf?: readonly JsonSchemaProps[];
  readonly 'x-kubernetes-int-or-string'?: boolean;
  readonly 'x-kubernetes-preserve-unknown-fields'?: boolean;
  readonly 'x-kubernetes-list-type'?: 'atomic' | 'map' | 'set';
  readonly 'x-kubernetes-list-map-keys'?: readonly string[];
}

/** Kubernetes-specific nodes the schema language cannot express, keyed by schema node identity. */
export interface OpenApiOptions {
  /** Nodes replaced by a hand-written schema (Kubernetes' own types, such as ResourceRequirements). */
  readonly replacements?: ReadonlyMap<Schema, JsonSchemaProps>;
  /** Lists whose items are this object schema become `x-kubernetes-list-type: map` with these keys. */
  readonly listMapKeys?: ReadonlyMap<Schema, readonly string[]>;
}

/** The decimal integer strings protojson accepts (the decoder's own rule). */
export const INTEGER_STRING_PATTERN = '^-?(0|[1-9][0-9]*)$';

/** Value shape of a node: protojson (lenient scalars) or plain Kubernetes JSON. */
type Dialect = 'protobuf' | 'kubernetes';

/** The structural OpenAPI schema of an object schema, with its doc as description. */
export function openApiSchema(schema: ObjectSchema, options: OpenApiOptions = {}): JsonSchemaProps {
  return sortKeysDeep(convert(schema, schema.doc, dialectOf(schema), options));
}

function dialectOf(schema: ObjectSchema): Dialect {
  return schema.snakeCase ? 'protobuf' : 'kubernetes';
}

// A node's description is its field's doc; list items and map values have no field, so an object
// there is described by its own doc.
function convert(schema: Schema, fieldDoc: string | undefined, dialect: Dialect, options: OpenApiOptions): JsonSchemaProps {
  const description = fieldDoc ?? (schema.kind === 'object' ? schema.doc : undefined);
  const replacement = options.replacements?.get(schema);
  const described = description !== undefined ? { description } : {};
  return replacement ? { ...replacement, ...described } : { ...described, ...shape(schema, dialect, options) };
}

function shape(schema: Schema, dialect: Dialect, options: OpenApiOptions): JsonSchemaProps {
  switch (schema.kind) {
    case 'string':
      return { type: 'string', maxLength: schema.maxLength };
    // No `format: byte`: Kubernetes checks standard padded base64, the decoder also takes URL-safe
    // and unpadded text.
    case 'bytes':
      return { type: 'string' };
    case 'integer':
      return integerShape(schema, dialect);
    case 'number':
      return { type: 'number' };
    case 'boolean':
      return { type: 'boolean' };
    case 'enum':
      return enumShape(schema, dialect);
    case 'list':
      return {
        type: 'array',
        items: convert(schema.items, undefined, dialect, options),
        maxItems: schema.maxItems,
        ...listMap(schema.items, options),
      };
    case 'map':
      return {
        type: 'object',
        additionalProperties: convert(schema.values, undefined, dialect, options),
        maxProperties: schema.maxEntries,
      };
    case 'freeform':
      return { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };
    case 'object':
      return objectShape(schema, options);
  }
}

const INT_OR_STRING: JsonSchemaProps = {
  anyOf: [{ type: 'integer' }, { type: 'string' }],
  'x-kubernetes-int-or-string': true,
};

function integerShape(schema: IntegerSchema, dialect: Dialect): JsonSchemaProps {
  const unsigned = schema.format === 'uint32' || schema.format === 'uint64';
  const minimum = schema.minimum ?? (unsigned ? 0 : undefined);
  const bounds = {
    ...(minimum !== undefined ? { minimum } : {}),
    ...(schema.maximum !== undefined ? { maximum: schema.maximum } : {}),
  };
  if (dialect === 'kubernetes') return { type: 'integer', format: schema.format, ...bounds };
  return { ...INT_OR_STRING, pattern: INTEGER_STRING_PATTERN, ...bounds };
}

function enumShape(schema: EnumSchema, dialect: Dialect): JsonSchemaProps {
  const names = schema.values.map((v) => v.name);
  if (dialect === 'kubernetes') return { type: 'string', enum: names };
  return { ...INT_OR_STRING, enum: [...names, ...schema.values.map((v) => v.number)] };
}

function objectShape(schema: ObjectSchema, options: OpenApiOptions): JsonSchemaProps {
  const dialect = dialectOf(schema);
  const properties: Record<string, JsonSchemaProps> = {};
  const required: string[] = [];
  for (const [name, f] of Object.entries(schema.fields)) {
    const spellings = fieldSpellings(name, f, schema);
    for (const spelling of spellings) {
      const doc = spelling === name ? f.doc : `Same as ${name}: ${f.doc}`;
      properties[spelling] = withDefault(convert(f.schema, doc, dialect, options), f, dialect);
    }
    // A required field with two spellings cannot be required under either; the decoder reports it.
    if (f.required && spellings.length === 1) required.push(name);
  }
  return {
    type: 'object',
    properties,
    ...(required.length > 0 ? { required: required.sort() } : {}),
  };
}

// Only scalar defaults of Kubernetes shapes are API defaults; container defaults (`tags: {}`) are
// decoder conveniences that would only clutter stored objects.
function withDefault(props: JsonSchemaProps, f: FieldSchema, dialect: Dialect): JsonSchemaProps {
  const scalar = f.default === null || typeof f.default !== 'object';
  if (dialect !== 'kubernetes' || f.default === undefined || !scalar) return props;
  return { ...props, default: f.default };
}

function listMap(items: Schema, options: OpenApiOptions): JsonSchemaProps {
  const keys = options.listMapKeys?.get(items);
  return keys ? { 'x-kubernetes-list-map-keys': keys, 'x-kubernetes-list-type': 'map' } : {};
}

/**
 * A deep copy with every object's keys in code-point order, as controller-gen writes CRDs, so the
 * output does not depend on declaration order. Arrays keep their order (it can carry meaning).
 */
export function sortKeysDeep<T>(value: T): T {
  if (Array.isArray(value)) return value.map((item: unknown) => sortKeysDeep(item)) as T;
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) out[key] = sortKeysDeep((value as Record<string, unknown>)[key]);
  return out as T;
}
