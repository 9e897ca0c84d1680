// The resource kinds src/api understands, each with its spec schema and semantic validator, and
// parseSpec: decode, then validate whatever decoded.

import { validateDataplane } from './dataplane-validate.js';
import { DATAPLANE_SPEC_SCHEMA, type DataplaneSpec } from './dataplane.js';
import { isWithin } from './field-path.js';
import { MESH_GATEWAY_ROUTE_SPEC_SCHEMA, type MeshGatewayRouteSpec } from './mesh-gateway-route.js';
import { validateMeshGatewayRoute } from './mesh-gateway-route-validate.js';
import { MESH_GATEWAY_SPEC_SCHEMA, type MeshGatewaySpec } from './mesh-gateway.js';
import { validateMeshGateway } from './mesh-gateway-validate.js';
import { MESH_SPEC_SCHEMA, validateMesh, type MeshSpec } from './mesh.js';
import type { ObjectSchema } from './schema.js';
import { decode } from './schema-decode.js';
import { SECRET_SPEC_SCHEMA, validateSecret, type SecretSpec } from './secret.js';
import { fail, ok, type Result, type Violation } from './violation.js';

/** Name of a resource kind, as written in `type:` (universal) or `kind:` (Kubernetes). */
export type ResourceKindName = 'Mesh' | 'Dataplane' | 'MeshGateway' | 'MeshGatewayRoute' | 'Secret' | 'GlobalSecret';

/** Every kind, in apply order: a Mesh before what lives in it. */
export const RESOURCE_KIND_NAMES: readonly ResourceKindName[] = [
  'Mesh',
  'Dataplane',
  'MeshGateway',
  'MeshGatewayRoute',
  'Secret',
  'GlobalSecret',
];

/**
 * Kinds that live outside any mesh: no `mesh` field in either form, and keyed in the store with
 * mesh = name (a Mesh is its own mesh; a GlobalSecret belongs to the control plane, like Kuma's).
 */
export const GLOBAL_KIND_NAMES: readonly ResourceKindName[] = ['Mesh', 'GlobalSecret'];

/** True for a kind that lives outside any mesh. */
export function isGlobalKindName(kind: ResourceKindName): boolean {
  return GLOBAL_KIND_NAMES.includes(kind);
}

/** Spec type of each kind. */
export interface SpecByKind {
  readonly Mesh: MeshSpec;
  readonly Dataplane: DataplaneSpec;
  readonly MeshGateway: MeshGatewaySpec;
  readonly MeshGatewayRoute: MeshGatewayRouteSpec;
  readonly Secret: SecretSpec;
  readonly GlobalSecret: SecretSpec;
}

/** Spec schema of each kind: the single source for decoding and for generated CRDs. */
export const SPEC_SCHEMAS: { readonly [K in ResourceKindName]: ObjectSchema } = {
  Mesh: MESH_SPEC_SCHEMA,
  Dataplane: DATAPLANE_SPEC_SCHEMA,
  MeshGateway: MESH_GATEWAY_SPEC_SCHEMA,
  MeshGatewayRoute: MESH_GATEWAY_ROUTE_SPEC_SCHEMA,
  Secret: SECRET_SPEC_SCHEMA,
  GlobalSecret: SECRET_SPEC_SCHEMA,
};

const VALIDATORS: { readonly [K in ResourceKindName]: (spec: SpecByKind[K]) => Violation[] } = {
  Mesh: validateMesh,
  Dataplane: validateDataplane,
  MeshGateway: validateMeshGateway,
  MeshGatewayRoute: validateMeshGatewayRoute,
  Secret: validateSecret,
  GlobalSecret: validateSecret,
};

/** True when `name` is a kind src/api understands. */
export function isResourceKindName(name: unknown): name is ResourceKindName {
  return typeof name === 'string' && (RESOURCE_KIND_NAMES as readonly string[]).includes(name);
}

/** Decodes and validates a spec of a known kind; every violation is collected, none thrown. */
export function parseSpec<K extends ResourceKindName>(kind: K, raw: unknown): Result<SpecByKind[K]> {
  const decoded = decode(SPEC_SCHEMAS[kind], raw);
  const spec = decoded.value as SpecByKind[K];
  const semantic = VALIDATORS[kind](spec);
  const violations = [...decoded.violations, ...withoutShadowed(semantic, decoded.violations)];
  return violations.length === 0 ? ok(spec) : fail(violations);
}

// A field that failed to decode holds a stand-in zero value; semantic checks of it or below it
// would only restate the decode error (`port: must be an integer` then `port must be in range`).
function withoutShadowed(semantic: readonly Violation[], decodeErrors: readonly Violation[]): Violation[] {
  return semantic.filter((s) => !decodeErrors.some((d) => isWithin(s.field, d.field)));
}
