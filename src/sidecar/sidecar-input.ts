// The contract of the sidecar translation (docs/mesh-mtls.md §4): what it reads and what it returns. Inputs
// are normalised, validated resources and are never mutated.
import type { PolicyPlaces } from '../mesh/policy-status.js';
import type { StoredResource } from '../core/resource.js';
import type { CrossZoneInput } from '../mesh/remote-endpoints.js';
import type { Sidecar } from '../ir/sidecar.js';
import type { MeshCa } from '../mesh/mesh-ca-source.js';
import type { TaggedEndpoint } from '../mesh/endpoints.js';
import type { ConnectionPolicies } from '../mesh/connection-policies.js';

/** Everything one sidecar's (or DELEGATED gateway's) configuration is derived from. */
/** Other zones' ingresses (CrossZoneInput) add remote endpoints (docs/multizone.md §8). */
export interface SidecarInput extends CrossZoneInput {
  readonly mesh: StoredResource<'Mesh'>;
  /** The Dataplane being configured: inbounds, or a DELEGATED gateway. */
  readonly proxy: StoredResource<'Dataplane'>;
  /** Every Dataplane of the mesh (the endpoints of its outbounds). */
  readonly dataplanes: readonly StoredResource<'Dataplane'>[];
  /** Every TrafficPermission of the mesh: the RBAC of its inbounds when mTLS is on (docs/mesh-mtls.md §5). */
  readonly trafficPermissions: readonly StoredResource<'TrafficPermission'>[];
  /**
   * Every ExternalService of the mesh: an outbound whose service one of them has reaches it
   * directly (docs/gateway.md §2.15, docs/mesh-mtls.md §9). Absent: none.
   */
  readonly externalServices?: readonly StoredResource<'ExternalService'>[];
  /** Every Secret of the mesh: ExternalService TLS data sources may name one. Absent: none. */
  readonly secrets?: readonly StoredResource<'Secret'>[];
  /** The CA of every mesh with mTLS on, by mesh name. */
  readonly meshCas?: ReadonlyMap<string, MeshCa>;
  /** Every Mesh, by name: an outbound tagged `kuma.io/mesh` names another one (docs/mesh-mtls.md §8). */
  readonly meshes?: ReadonlyMap<string, StoredResource<'Mesh'>>;
  /** Other meshes' cross-mesh gateway listener endpoints, by mesh, for outbounds naming them (docs/mesh-mtls.md §8). */
  readonly crossMeshEndpoints?: ReadonlyMap<string, readonly TaggedEndpoint[]>;
  /** PERMISSIVE meshes: services every Dataplane of which holds a certificate (docs/mesh-mtls.md §4.6). */
  readonly tlsReadyServices?: ReadonlySet<string>;
  /** Every classic connection policy of the mesh, by kind (docs/mesh-mtls.md §4.9); none when absent. */
  readonly policies?: ConnectionPolicies;
  /** Every ProxyTemplate of the mesh: the one selecting the proxy finishes its configuration. */
  readonly proxyTemplates?: readonly StoredResource<'ProxyTemplate'>[];
  /** Every TrafficTrace of the mesh (docs/mesh-mtls.md §4.9); none when absent. */
  readonly trafficTraces?: readonly StoredResource<'TrafficTrace'>[];

}

/** The result: the IR, or why this proxy cannot be configured (it keeps its last config). */
export interface SidecarTranslation {
  readonly sidecar?: Sidecar;
  /** Why generation failed; the proxy keeps its last configuration. */
  readonly error?: string;
  /** Where connection policies can land (mesh/policy-status.ts); only when the mesh has any. */
  readonly policyPlaces?: PolicyPlaces;
}
