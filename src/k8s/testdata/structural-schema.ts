// Test support: what a Kubernetes API server would say about a generated CRD schema and about
// objects validated against it. No API server binary is available (docs/robustness.md §5), so this
// re-states the rules the generated schemas rely on:
//   - structuralProblems: the structural-schema rules of apiextensions.k8s.io/v1 (type everywhere
//     except int-or-string and preserve-unknown-fields nodes; int-or-string's fixed anyOf; no
//     type/description/default inside junctors; list-map keys required), plus Portico's own
//     rules (every object node has properties, additionalProperties or preserve-unknown-fields;
//     scalar defaults valid against their node).
//   - valueProblems: OpenAPI v3 value validation as the API server applies it, with strict field
//     validation (kubectl's default): unknown fields are errors, nulls of fields are dropped.
import type { JsonSchemaProps } from '../openapi-schema.js';

const JUNCTOR_FORBIDDEN = ['type', 'description', 'default', 'additionalProperties', 'nullable'] as const;

/** Every structural-schema problem of `schema`, as `path: problem`. */
export function structuralProblems(schema: JsonSchemaProps, path = '<root>'): string[] {
  const out: string[] = [];
  const intOrString = schema['x-kubernetes-int-or-string'] === true;
  const preserve = schema['x-kubernetes-preserve-unknown-fields'] === true;
  if (intOrString) {
    if (schema.type !== undefined) out.push(`${path}: type must be empty with x-kubernetes-int-or-string`);
    const anyOf = JSON.stringify(schema.anyOf ?? null);
    if (anyOf !== 'null' && anyOf !== JSON.stringify([{ type: 'integer' }, { type: 'string' }])) {
      out.push(`${path}: anyOf of an int-or-string node must be [{type: integer}, {type: string}]`);
    }
  } else {
    if (schema.type === undefined && !preserve) out.push(`${path}: type must not be empty`);
    for (const [i, branch] of (schema.anyOf ?? []).entries()) {
      for (const key of JUNCTOR_FORBIDDEN) if (key in branch) out.push(`${path}.anyOf[${i}]: ${key} is not allowed`);
    }
  }
  // metadata is the exception: Kubernetes allows nothing but `type: object` there.
  const metadata = path === '<root>.metadata';
  if (schema.type === 'object' && !schema.properties && !schema.additionalProperties && !preserve && !metadata) {
    out.push(`${path}: an object needs properties, additionalProperties or x-kubernetes-preserve-unknown-fields`);
  }
  if (schema.properties && schema.additionalProperties) out.push(`${path}: properties and additionalProperties are exclusive`);
  if (schema.items && schema.type !== 'array') out.push(`${path}: items on a non-array`);
  for (const name of schema.required ?? []) {
    if (!schema.properties?.[name]) out.push(`${path}: required field ${name} is not a property`);
  }
  if (schema['x-kubernetes-list-type'] === 'map') {
    for (const key of schema['x-kubernetes-list-map-keys'] ?? []) {
      if (!schema.items?.required?.includes(key)) out.push(`${path}: list-map key ${key} must be required`);
    }
  }
  if (schema.default !== undefined) {
    out.push(...valueProblems(schema, schema.default, `${path}.default`));
  }
  for (const [name, child] of Object.entries(schema.properties ?? {})) out.push(...structuralProblems(child, `${path}.${name}`));
  if (schema.additionalProperties) out.push(...structuralProblems(schema.additionalProperties, `${path}[*]`));
  if (schema.items) out.push(...structuralProblems(schema.items, `${path}[]`));
  return out;
}

/** Every problem the API server would report for `value` against `schema`. */
export function valueProblems(schema: JsonSchemaProps, value: unknown, path = '<root>'): string[] {
  const type = typeProblem(schema, value, path);
  if (type) return [type];
  const out: string[] = [];
  if (schema.enum && !schema.enum.some((e) => e === value)) out.push(`${path}: ${JSON.stringify(value)} is not one of the enum values`);
  if (typeof value === 'string') {
    if (schema.pattern !== undefined && !new RegExp(schema.pattern).test(value)) out.push(`${path}: does not match ${schema.pattern}`);
    if (schema.maxLength !== undefined && [...value].length > schema.maxLength) out.push(`${path}: longer than ${schema.maxLength}`);
  }
  if (typeof value === 'number') {
    if (schema.minimum !== undefined && value < schema.minimum) out.push(`${path}: below ${schema.minimum}`);
    if (schema.maximum !== undefined && value > schema.maximum) out.push(`${path}: above ${schema.maximum}`);
  }
  if (Array.isArray(value)) {
    if (schema.maxItems !== undefined && value.length > schema.maxItems) out.push(`${path}: more than ${schema.maxItems} items`);
    if (schema.items) value.forEach((item, i) => out.push(...valueProblems(schema.items as JsonSchemaProps, item, `${path}[${i}]`)));
  } else if (isObject(value)) {
    out.push(...objectProblems(schema, value, path));
  }
  return out;
}

function objectProblems(schema: JsonSchemaProps, value: Record<string, unknown>, path: string): string[] {
  const out: string[] = [];
  const present = Object.entries(value).filter(([, v]) => v !== null);
  if (schema.maxProperties !== undefined && present.length > schema.maxProperties) out.push(`${path}: more than ${schema.maxProperties} entries`);
  for (const name of schema.required ?? []) {
    if (value[name] === undefined || value[name] === null) out.push(`${path}.${name}: Required value`);
  }
  for (const [key, v] of present) {
    const child = schema.properties?.[key] ?? schema.additionalProperties;
    if (child) out.push(...valueProblems(child, v, `${path}.${key}`));
    else if (schema['x-kubernetes-preserve-unknown-fields'] !== true) out.push(`${path}.${key}: unknown field`);
  }
  return out;
}

function typeProblem(schema: JsonSchemaProps, value: unknown, path: string): string | undefined {
  if (schema['x-kubernetes-int-or-string'] === true) {
    return Number.isInteger(value) || typeof value === 'string' ? undefined : `${path}: must be an integer or a string`;
  }
  const ok: Record<string, (v: unknown) => boolean> = {
    object: isObject,
    array: Array.isArray,
    string: (v) => typeof v === 'string',
    integer: (v) => Number.isInteger(v),
    number: (v) => typeof v === 'number',
    boolean: (v) => typeof v === 'boolean',
  };
  if (schema.type === undefined) return undefined;
  return ok[schema.type]?.(value) ? undefined : `${path}: must be of type ${schema.type}`;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
