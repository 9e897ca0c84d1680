// Mesh: the unit of isolation. Portico interprets its name, mTLS backends and logging and tracing
// backends (mesh-observability.ts); the other sections (metrics, constraints, ...) are accepted as
// written so Kuma manifests apply, while unknown top-level fields are still rejected.

import { MESH_LOGGING_SCHEMA, MESH_TRACING_SCHEMA, type MeshLogging, type MeshTracing } from './mesh-observability.js';
import { bool, enumeration, field, freeform, listOf, object, text, type ObjectSchema } from './schema.js';

/** The builtin or provided CA backend of a mesh (docs/gateway.md §1.5). */
export interface MeshMtlsBackend {
  readonly name: string;
  readonly type: string;
  readonly mode?: 'STRICT' | 'PERMISSIVE';
  readonly dpCert?: { readonly rotation?: { readonly expiration?: string }; readonly requestTimeout?: string };
  readonly rootChain?: { readonly requestTimeout?: string };
  readonly conf?: Readonly<Record<string, unknown>>;
}

/** Spec of a Mesh resource (the universal form without `type` and `name`). */
export interface MeshSpec {
  readonly mtls?: {
    readonly enabledBackend?: string;
    readonly backends?: readonly MeshMtlsBackend[];
    readonly skipValidation?: boolean;
  };
  readonly networking?: { readonly outbound?: { readonly passthrough?: boolean } };
  readonly routing?: {
    readonly zoneEgress?: boolean;
    readonly localityAwareLoadBalancing?: boolean;
    readonly defaultForbidMeshExternalServiceAccess?: boolean;
  };
  readonly logging?: MeshLogging;
  readonly tracing?: MeshTracing;
  readonly metrics?: Readonly<Record<string, unknown>>;
  readonly constraints?: Readonly<Record<string, unknown>>;
  readonly meshServices?: Readonly<Record<string, unknown>>;
  readonly skipCreatingInitialPolicies?: readonly string[];
}

const MTLS_BACKEND_SCHEMA: ObjectSchema = object('A certificate authority backend.', {
  name: field(text(), 'Backend name, referenced by enabledBackend.', { required: true }),
  type: field(text(), '"builtin" or "provided".', { required: true }),
  mode: field(enumeration({ STRICT: 0, PERMISSIVE: 1 }), 'STRICT or PERMISSIVE.'),
  dpCert: field(
    object('Dataplane certificate settings.', {
      rotation: field(object('Rotation settings.', { expiration: field(text(), 'Certificate lifetime, e.g. 1d.') }), 'Rotation.'),
      requestTimeout: field(text(), 'Timeout of a certificate request.'),
    }),
    'Dataplane certificate settings.',
  ),
  rootChain: field(
    object('Root chain settings.', { requestTimeout: field(text(), 'Timeout of a root chain request.') }),
    'Root chain settings.',
  ),
  conf: field(freeform(), 'Backend-specific configuration, kept as written.'),
});

/** Spec schema of a Mesh. */
export const MESH_SPEC_SCHEMA: ObjectSchema = object('A mesh: the unit of isolation and identity.', {
  mtls: field(
    object('Mutual TLS settings.', {
      enabledBackend: field(text(), 'Name of the active CA backend; empty disables mTLS.'),
      backends: field(listOf(MTLS_BACKEND_SCHEMA), 'CA backends.'),
      skipValidation: field(bool(), 'Skip validation of provided CA material.'),
    }),
    'Mutual TLS settings.',
  ),
  networking: field(
    object('Mesh networking.', {
      outbound: field(object('Outbound settings.', { passthrough: field(bool(), 'Allow traffic to unknown destinations.') }), 'Outbound.'),
    }),
    'Mesh networking.',
  ),
  routing: field(
    object('Routing settings.', {
      zoneEgress: field(bool(), 'Route cross-zone traffic through zone egress.'),
      localityAwareLoadBalancing: field(bool(), 'Prefer endpoints in the same zone.'),
      defaultForbidMeshExternalServiceAccess: field(bool(), 'Forbid MeshExternalService access by default.'),
    }),
    'Routing settings.',
  ),
  logging: field(MESH_LOGGING_SCHEMA, 'Access log backends of TrafficLog policies.'),
  tracing: field(MESH_TRACING_SCHEMA, 'Tracing backends of TrafficTrace policies.'),
  metrics: field(freeform(), 'Metrics backends, kept as written.'),
  constraints: field(freeform(), 'Dataplane proxy constraints, kept as written.'),
  meshServices: field(freeform(), 'MeshService generation settings, kept as written.'),
  skipCreatingInitialPolicies: field(listOf(text()), 'Default policies not to create.'),
});
