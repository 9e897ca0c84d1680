// Semantic checks of a decoded MeshGatewayInstance spec: the admission webhook rules of
// docs/gateway.md §4.5, plus the shape of `resources`, which the decoder keeps as written.

import { fieldPath, indexPath, keyPath } from './field-path.js';
import type { MeshGatewayInstanceSpec } from './mesh-gateway-instance.js';
import { isPlainObject } from './schema-decode.js';
import { validateTagSet } from './tag-validation.js';
import { SERVICE_TAG } from './tags.js';
import type { Violation } from './violation.js';

/** Kubernetes' resource.Quantity syntax (`500m`, `64Mi`, `1e3`), as its OpenAPI schema writes it. */
export const QUANTITY_PATTERN =
  '^(\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))))?$';
const QUANTITY = new RegExp(QUANTITY_PATTERN);
const QUANTITY_MESSAGE = 'must be a quantity such as 500m, 64Mi or 2';

/** Every violation of a decoded MeshGatewayInstance spec, in document order. */
export function validateMeshGatewayInstance(spec: MeshGatewayInstanceSpec): Violation[] {
  return [...validateResources(spec.resources, 'resources'), ...validateInstanceTags(spec)];
}

// The instance's dataplanes carry these tags, so they follow the dataplane value rules; the
// service tag is generated from the instance name and namespace (docs/gateway.md §3.2 step 2).
function validateInstanceTags(spec: MeshGatewayInstanceSpec): Violation[] {
  const out = validateTagSet(spec.tags, 'tags', { values: 'dataplane' });
  if (Object.hasOwn(spec.tags, SERVICE_TAG)) out.push({ field: 'tags', message: `"${SERVICE_TAG}" must not be defined` });
  return out;
}

function validateResources(resources: unknown, path: string): Violation[] {
  if (resources === undefined) return [];
  if (!isPlainObject(resources)) return [{ field: path, message: 'must be an object' }];
  const out: Violation[] = [];
  for (const [key, value] of Object.entries(resources)) {
    const at = fieldPath(path, key);
    if (key === 'limits' || key === 'requests') out.push(...validateQuantities(value, at));
    else if (key === 'claims') out.push(...validateClaims(value, at));
    else out.push({ field: at, message: `unknown field ${JSON.stringify(key)}` });
  }
  return out;
}

function validateQuantities(value: unknown, path: string): Violation[] {
  if (value === null) return [];
  if (!isPlainObject(value)) return [{ field: path, message: 'must be a map' }];
  return Object.entries(value).flatMap(([name, quantity]) =>
    isQuantity(quantity) ? [] : [{ field: keyPath(path, name), message: QUANTITY_MESSAGE }],
  );
}

function isQuantity(value: unknown): boolean {
  if (typeof value === 'number') return Number.isFinite(value);
  return typeof value === 'string' && QUANTITY.test(value);
}

function validateClaims(value: unknown, path: string): Violation[] {
  if (value === null) return [];
  if (!Array.isArray(value)) return [{ field: path, message: 'must be a list' }];
  return value.flatMap((claim: unknown, i) => validateClaim(claim, indexPath(path, i)));
}

function validateClaim(claim: unknown, path: string): Violation[] {
  if (!isPlainObject(claim)) return [{ field: path, message: 'must be an object' }];
  const out: Violation[] = [];
  for (const [key, value] of Object.entries(claim)) {
    const at = fieldPath(path, key);
    if (key !== 'name' && key !== 'request') out.push({ field: at, message: `unknown field ${JSON.stringify(key)}` });
    else if (value !== null && typeof value !== 'string') out.push({ field: at, message: 'must be a string' });
  }
  const name = claim['name'];
  if (name === undefined || name === null || name === '') out.push({ field: fieldPath(path, 'name'), message: 'cannot be empty' });
  return out;
}
