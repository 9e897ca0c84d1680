// The policies a new Mesh comes with (docs/mesh-mtls.md §5.5, docs/gateway.md §2.16 "No policies"), one data
// entry each: Kuma 2.0-2.5's `allow-all-<mesh>` TrafficPermission, so that turning mTLS on does
// not cut every connection of the mesh, and the classic `timeout-all-<mesh>`, `retry-all-<mesh>`
// and `circuit-breaker-all-<mesh>`, so that a user who moves from Kuma keeps its timeouts,
// retries and connection limits. `skipCreatingInitialPolicies` (the kind, or `*`) opts out,
// as in Kuma; the control plane can turn them all off (`cp run --mesh-default-policies false`).
import type { MeshSpec } from './mesh.js';
import type { ResourceKindName, SpecByKind } from './resource-kinds.js';
import { SERVICE_TAG } from './tags.js';
import type { CircuitBreakerSpec } from './circuit-breaker.js';
import type { RetrySpec } from './retry.js';
import type { TimeoutSpec } from './timeout.js';
import type { TrafficPermissionSpec } from './traffic-permission.js';

/** What `skipCreatingInitialPolicies` lists to skip every default policy. */
export const SKIP_ALL_INITIAL_POLICIES = '*';

/** One default policy: created as `<prefix>-<mesh>` with `spec`. */
export interface DefaultPolicy<K extends ResourceKindName = ResourceKindName> {
  readonly kind: K;
  readonly prefix: string;
  readonly spec: SpecByKind[K];
}

/** Every service to every service: the selectors of each default. */
const ANY_SERVICE = [{ match: { [SERVICE_TAG]: '*' } }];

/** Any client of the mesh may connect to any inbound. */
export const ALLOW_ALL_TRAFFIC_PERMISSION: TrafficPermissionSpec = { sources: ANY_SERVICE, destinations: ANY_SERVICE };

/**
 * Kuma 2.5's default timeouts (pkg/defaults/mesh), written as Kuma's API shows them (protobuf
 * durations in seconds): connect 5 s, TCP idle 1 h, request 15 s, HTTP idle 1 h, stream idle
 * 30 min, no maximum stream duration.
 */
export const TIMEOUT_ALL: TimeoutSpec = {
  sources: ANY_SERVICE,
  destinations: ANY_SERVICE,
  conf: {
    connectTimeout: '5s',
    tcp: { idleTimeout: '3600s' },
    http: { requestTimeout: '15s', idleTimeout: '3600s', streamIdleTimeout: '1800s', maxStreamDuration: '0s' },
  },
};

/** Kuma 2.5's back-off of its default retries: 25 ms doubling up to 250 ms. */
const DEFAULT_BACK_OFF = { baseInterval: '0.025s', maxInterval: '0.250s' };

/**
 * Kuma 2.5's default retries: 5 HTTP and gRPC retries of 16 s each with DEFAULT_BACK_OFF on
 * Kuma's default conditions, and 5 connect attempts for TCP.
 */
export const RETRY_ALL: RetrySpec = {
  sources: ANY_SERVICE,
  destinations: ANY_SERVICE,
  conf: {
    http: { numRetries: 5, perTryTimeout: '16s', backOff: DEFAULT_BACK_OFF },
    tcp: { maxConnectAttempts: 5 },
    grpc: { numRetries: 5, perTryTimeout: '16s', backOff: DEFAULT_BACK_OFF },
  },
};

/** Kuma 2.5's default connection limits: 1,024 connections, pending and active requests, 3 retries; no detectors. */
export const CIRCUIT_BREAKER_ALL: CircuitBreakerSpec = {
  sources: ANY_SERVICE,
  destinations: ANY_SERVICE,
  conf: { thresholds: { maxConnections: 1024, maxPendingRequests: 1024, maxRequests: 1024, maxRetries: 3 } },
};

/** Declares one entry, keeping its kind and spec types together. */
function defaultPolicy<K extends ResourceKindName>(entry: DefaultPolicy<K>): DefaultPolicy<K> {
  return entry;
}

/** Every default policy of a new mesh, in creation order. Adding a kind's default is one line. */
export const DEFAULT_POLICIES: readonly DefaultPolicy[] = [
  defaultPolicy({ kind: 'TrafficPermission', prefix: 'allow-all', spec: ALLOW_ALL_TRAFFIC_PERMISSION }),
  defaultPolicy({ kind: 'Timeout', prefix: 'timeout-all', spec: TIMEOUT_ALL }),
  defaultPolicy({ kind: 'Retry', prefix: 'retry-all', spec: RETRY_ALL }),
  defaultPolicy({ kind: 'CircuitBreaker', prefix: 'circuit-breaker-all', spec: CIRCUIT_BREAKER_ALL }),
];

/** The name of a default policy in `mesh`. */
export function defaultPolicyName(entry: DefaultPolicy, mesh: string): string {
  return `${entry.prefix}-${mesh}`;
}

/** Name of a mesh's default TrafficPermission. */
export function defaultTrafficPermissionName(mesh: string): string {
  return `allow-all-${mesh}`;
}

/** Whether a new mesh with `spec` gets its default policy of `kind`. */
export function createsInitialPolicy(spec: MeshSpec, kind: string): boolean {
  const skipped = spec.skipCreatingInitialPolicies ?? [];
  return !skipped.includes(SKIP_ALL_INITIAL_POLICIES) && !skipped.includes(kind);
}

/** The default policies a new mesh named `mesh` with `spec` gets. */
export function initialPolicies(mesh: string, spec: MeshSpec): { readonly kind: ResourceKindName; readonly name: string; readonly spec: unknown }[] {
  return DEFAULT_POLICIES.filter((d) => createsInitialPolicy(spec, d.kind)).map((d) => ({ kind: d.kind, name: defaultPolicyName(d, mesh), spec: d.spec }));
}

/** The kinds that have a default policy. */
export const DEFAULT_POLICY_KINDS: readonly ResourceKindName[] = [...new Set(DEFAULT_POLICIES.map((d) => d.kind))];

/**
 * Whether a resource of `mesh` is a default policy the control plane created with the Mesh (its
 * builtin CA Secrets are the other kind): it does not keep the Mesh from being deleted, and goes
 * with it.
 */
export function isDefaultPolicy(mesh: string, kind: string, name: string): boolean {
  return DEFAULT_POLICIES.some((d) => d.kind === kind && defaultPolicyName(d, mesh) === name);
}
