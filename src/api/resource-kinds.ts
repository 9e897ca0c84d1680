// The one list of resource kinds: every layer derives its view of the kinds from these
// descriptors (src/api/kinds/*), and the kind-name and spec types derive from the list itself.
// Also parseSpec: decode with a kind's schema, then validate whatever decoded.

import { isWithin } from './field-path.js';
import type { ResourceKindDescriptor, SecretForm, SpecContext } from './kinds/descriptor.js';
import { DATAPLANE } from './kinds/dataplane.js';
import { EXTERNAL_SERVICE } from './kinds/external-service.js';
import { GLOBAL_SECRET } from './kinds/global-secret.js';
import { MESH } from './kinds/mesh.js';
import { MESH_GATEWAY } from './kinds/mesh-gateway.js';
import { MESH_GATEWAY_INSTANCE } from './kinds/mesh-gateway-instance.js';
import { MESH_GATEWAY_ROUTE } from './kinds/mesh-gateway-route.js';
import { PROXY_TEMPLATE } from './kinds/proxy-template.js';
import { SECRET } from './kinds/secret.js';
import { TIMEOUT } from './kinds/timeout.js';
import { RETRY } from './kinds/retry.js';
import { CIRCUIT_BREAKER } from './kinds/circuit-breaker.js';
import { HEALTH_CHECK } from './kinds/health-check.js';
import { FAULT_INJECTION } from './kinds/fault-injection.js';
import { RATE_LIMIT } from './kinds/rate-limit.js';
import { TRAFFIC_LOG } from './kinds/traffic-log.js';
import { TRAFFIC_PERMISSION } from './kinds/traffic-permission.js';
import { TRAFFIC_TRACE } from './kinds/traffic-trace.js';
import { ZONE } from './kinds/zone.js';
import { ZONE_INGRESS } from './kinds/zone-ingress.js';
import { ZONE_INSIGHT } from './kinds/zone-insight.js';
import { findKindNames } from './kinds/names.js';
import { decode } from './schema-decode.js';
import { fail, ok, type Result, type Violation } from './violation.js';

/**
 * Every kind Portico stores, in apply order: a Mesh before the resources inside it. Secrets come
 * last: nothing in the store depends on a Secret existing first (references resolve when
 * configuration is generated).
 */
export const RESOURCE_KINDS = [MESH, DATAPLANE, MESH_GATEWAY, MESH_GATEWAY_ROUTE, TRAFFIC_PERMISSION, TIMEOUT, RETRY, CIRCUIT_BREAKER, HEALTH_CHECK, FAULT_INJECTION, RATE_LIMIT, TRAFFIC_LOG, TRAFFIC_TRACE, PROXY_TEMPLATE, EXTERNAL_SERVICE, SECRET, GLOBAL_SECRET, ZONE, ZONE_INSIGHT, ZONE_INGRESS] as const;

/** Kinds that exist only as Kubernetes custom resources (CRD and admission, never stored). */
export const KUBERNETES_ONLY_KINDS = [MESH_GATEWAY_INSTANCE] as const;

/** The descriptor of any stored kind. */
export type ResourceKind = (typeof RESOURCE_KINDS)[number];

/** Name of a stored kind, as written in `type:` (universal) or `kind:` (Kubernetes). */
export type ResourceKindName = ResourceKind['kind'];

type SpecOfDescriptor<D> = D extends ResourceKindDescriptor<string, infer S> ? S : never;

/** Spec type of each kind, read from its validator's parameter. */
export type SpecByKind = { readonly [D in ResourceKind as D['kind']]: SpecOfDescriptor<D> };

/** Every stored kind name, in apply order. */
export const RESOURCE_KIND_NAMES: readonly ResourceKindName[] = RESOURCE_KINDS.map((d) => d.kind);

/** True when `name` is a kind src/api understands. */
export function isResourceKindName(name: unknown): name is ResourceKindName {
  return typeof name === 'string' && (RESOURCE_KIND_NAMES as readonly string[]).includes(name);
}

/** The descriptor of a stored kind. */
export function kindDescriptor<K extends ResourceKindName>(kind: K): Extract<ResourceKind, { kind: K }> {
  const found = RESOURCE_KINDS.find((d) => d.kind === kind);
  if (!found) throw new Error(`unknown kind ${kind}`);
  return found as Extract<ResourceKind, { kind: K }>;
}

/** True for a kind that lives outside any mesh (stored with mesh = name). */
export function isGlobalKind(kind: ResourceKindName): boolean {
  return kindDescriptor(kind).scope === 'global';
}

/** Resolves a user-typed name (kind, plural, singular or alias, any case) to a kind. */
export function findKind(name: string): ResourceKind | undefined {
  const names = findKindNames(name);
  return names && kindDescriptor(names.kind);
}

/** A stored kind kept as core/v1 Secrets, with its Kubernetes form. */
export type SecretFormKind = ResourceKind & { readonly kubernetes: SecretForm };

/** The stored kinds kept as core/v1 Secrets, in list order. */
export const SECRET_FORM_KINDS: readonly SecretFormKind[] = RESOURCE_KINDS.filter((d): d is SecretFormKind => d.kubernetes.form === 'secret');

/** The context of a spec checked on its own, without a resource around it. */
const UNNAMED: SpecContext = { name: '', mesh: '' };

/** Violations of replacing a stored spec of `kind` by `next` (the kind's transition rules). */
export function updateViolations<K extends ResourceKindName>(kind: K, previous: SpecByKind[K], next: SpecByKind[K]): Violation[] {
  const descriptor: ResourceKindDescriptor<K, never> = kindDescriptor(kind);
  return descriptor.validateUpdate?.(previous as never, next as never) ?? [];
}

/** Decodes and validates a spec of a known kind; every violation is collected, none thrown. */
export function parseSpec<K extends ResourceKindName>(kind: K, raw: unknown, context: SpecContext = UNNAMED): Result<SpecByKind[K]> {
  const descriptor: ResourceKindDescriptor<K, never> = kindDescriptor(kind);
  const decoded = decode(descriptor.schema, raw);
  const spec = decoded.value as SpecByKind[K];
  const semantic = descriptor.validate(spec as never, context);
  const violations = [...decoded.violations, ...withoutShadowed(semantic, decoded.violations)];
  return violations.length === 0 ? ok(spec) : fail(violations);
}

// A field that failed to decode holds a stand-in zero value; semantic checks of it or below it
// would only restate the decode error (`port: must be an integer` then `port must be in range`).
function withoutShadowed(semantic: readonly Violation[], decodeErrors: readonly Violation[]): Violation[] {
  return semantic.filter((s) => !decodeErrors.some((d) => isWithin(s.field, d.field)));
}
