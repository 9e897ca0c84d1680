// Structural-schema handling for custom resources, in the real server's order: prune fields the
// schema does not declare (unless x-kubernetes-preserve-unknown-fields), drop nulls of
// non-nullable fields, apply `default`s, then validate type, enum, required, minimum and maximum.
// Pruning is silent, as in a cluster: a controller writing an undeclared status field loses it.
// Not implemented: pattern, formats, CEL rules, list-type/map-keys, oneOf/anyOf/allOf.
import type { Obj } from './json.js';
import { child, clone, isObj } from './json.js';
import type { FieldError } from './status-errors.js';

const jsonType = (value: unknown): string => {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
};

function typeMatches(schema: Obj, value: unknown): boolean {
  if (schema['x-kubernetes-int-or-string'] === true) return typeof value === 'string' || jsonType(value) === 'integer';
  const expected = schema['type'];
  if (typeof expected !== 'string') return true;
  const actual = jsonType(value);
  return actual === expected || (expected === 'number' && actual === 'integer');
}

/** Prunes and defaults `value` in place according to `schema`; returns the possibly replaced value. */
function pruneAndDefault(value: unknown, schema: Obj): unknown {
  if (Array.isArray(value)) {
    const itemSchema = child(schema, 'items');
    return itemSchema ? value.map((v) => pruneAndDefault(v, itemSchema)) : value;
  }
  if (!isObj(value)) return value;
  const properties = child(schema, 'properties');
  const additional = schema['additionalProperties'];
  const preserve = schema['x-kubernetes-preserve-unknown-fields'] === true;
  for (const key of Object.keys(value)) {
    const propertySchema = child(properties, key) ?? (isObj(additional) ? additional : undefined);
    if (propertySchema) {
      if (value[key] === null && propertySchema['nullable'] !== true) delete value[key];
      else value[key] = pruneAndDefault(value[key], propertySchema);
    } else if (!preserve && additional !== true) {
      delete value[key];
    }
  }
  for (const [key, propertySchema] of Object.entries(properties ?? {})) {
    if (isObj(propertySchema) && value[key] === undefined && propertySchema['default'] !== undefined) {
      value[key] = pruneAndDefault(clone(propertySchema['default']), propertySchema);
    }
  }
  return value;
}

function validateValue(value: unknown, schema: Obj, path: string, errors: FieldError[]): void {
  if (value === null && schema['nullable'] === true) return;
  if (!typeMatches(schema, value)) {
    const expected = schema['x-kubernetes-int-or-string'] === true ? 'integer,string' : String(schema['type']);
    errors.push({ type: 'Invalid', field: path, value, detail: `${path} in body must be of type ${expected}: "${jsonType(value)}"` });
    return;
  }
  const allowed = schema['enum'];
  if (Array.isArray(allowed) && !allowed.includes(value)) errors.push({ type: 'NotSupported', field: path, value, detail: allowed.map((a) => JSON.stringify(a)).join(', ') });
  if (typeof value === 'number') {
    const min = schema['minimum'];
    const max = schema['maximum'];
    if (typeof min === 'number' && value < min) errors.push({ type: 'Invalid', field: path, value, detail: `${path} in body should be greater than or equal to ${min}` });
    if (typeof max === 'number' && value > max) errors.push({ type: 'Invalid', field: path, value, detail: `${path} in body should be less than or equal to ${max}` });
  }
  if (Array.isArray(value)) {
    const itemSchema = child(schema, 'items');
    if (itemSchema) value.forEach((v, i) => validateValue(v, itemSchema, `${path}[${i}]`, errors));
    return;
  }
  if (!isObj(value)) return;
  const required = schema['required'];
  if (Array.isArray(required)) {
    for (const key of required) if (typeof key === 'string' && value[key] === undefined) errors.push({ type: 'Required', field: path ? `${path}.${key}` : key });
  }
  const properties = child(schema, 'properties');
  const additional = schema['additionalProperties'];
  for (const [key, v] of Object.entries(value)) {
    const propertySchema = child(properties, key) ?? (isObj(additional) ? additional : undefined);
    if (propertySchema) validateValue(v, propertySchema, path ? `${path}.${key}` : key, errors);
  }
}

/** Prunes, defaults and validates a custom resource in place; `metadata`, `apiVersion` and `kind` are left alone. */
export function applyCrdSchema(obj: Obj, schema: Obj | undefined): FieldError[] {
  if (!schema) return [];
  const { apiVersion, kind, metadata } = obj;
  const rootSchema: Obj = { ...schema, properties: { ...(child(schema, 'properties') ?? {}), apiVersion: { type: 'string' }, kind: { type: 'string' }, metadata: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } };
  pruneAndDefault(obj, rootSchema);
  Object.assign(obj, { apiVersion, kind, metadata });
  const errors: FieldError[] = [];
  validateValue(obj, rootSchema, '', errors);
  return errors;
}
