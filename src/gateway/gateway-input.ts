// The contract of the gateway translation: what it reads and what it returns. Inputs are
// normalised, validated resources (src/api shapes) and are never mutated.
import type { ResourceKey, StoredResource } from '../core/resource.js';
import type { Gateway } from '../ir/gateway.js';
import type { MeshCa } from '../mesh/mesh-ca-source.js';
import type { ConnectionPolicies } from '../mesh/connection-policies.js';
import type { PolicyPlaces } from '../mesh/policy-status.js';
import type { CrossZoneInput } from '../mesh/remote-endpoints.js';

/** Everything one gateway dataplane's configuration is derived from; all of one mesh. */
export interface GatewayInput extends CrossZoneInput {
  readonly mesh: StoredResource<'Mesh'>;
  /** The BUILTIN gateway dataplane being configured. */
  readonly proxy: StoredResource<'Dataplane'>;
  /** Every MeshGateway of the mesh. */
  readonly gateways: readonly StoredResource<'MeshGateway'>[];
  /** Every MeshGatewayRoute of the mesh. */
  readonly routes: readonly StoredResource<'MeshGatewayRoute'>[];
  /** Every Dataplane of the mesh (the source of endpoints). */
  readonly dataplanes: readonly StoredResource<'Dataplane'>[];
  /**
   * Every ExternalService of the mesh (docs/gateway.md §2.15): a destination whose service one of them
   * has gets an external cluster. Absent: none.
   */
  readonly externalServices?: readonly StoredResource<'ExternalService'>[];
  /**
   * Every TrafficPermission of the mesh: once there is one, an ExternalService is usable only when
   * its TrafficPermission admits the gateway (docs/gateway.md §2.16). Absent: none.
   */
  readonly trafficPermissions?: readonly StoredResource<'TrafficPermission'>[];
  /**
   * Every Secret of the mesh: `secret:` certificate sources name one (docs/gateway.md §2.13), and so may
   * an ExternalService's TLS data sources.
   */
  readonly secrets: readonly StoredResource<'Secret'>[];
  /**
   * Certificate files by path, read by the runtime before translating (this layer does no I/O):
   * at least every path referencedCertificateFiles returns for the mesh's MeshGateways. A read
   * failure is passed as `error` and fails generation with that cause (docs/gateway.md §4.6).
   */
  readonly files: ReadonlyMap<string, CertificateFile>;
  /**
   * The CA of every mesh with mTLS on, by mesh name (mesh/mesh-ca-source.ts): the own mesh's when
   * its mTLS is on, every other's for cross-mesh listeners (`mesh_ca:secret:all`).
   */
  readonly meshCas?: ReadonlyMap<string, MeshCa>;
  /**
   * PERMISSIVE meshes: services every Dataplane of which holds a certificate of the enabled
   * backend (docs/mesh-mtls.md §4.6 "TLS readiness"); clusters of other services stay plaintext.
   */
  readonly tlsReadyServices?: ReadonlySet<string>;

  /** Every classic connection policy of the mesh, by kind (docs/gateway.md §2.16); none when absent. */
  readonly policies?: ConnectionPolicies;
  /** Every ProxyTemplate of the mesh: the one selecting the proxy finishes its configuration. */
  readonly proxyTemplates?: readonly StoredResource<'ProxyTemplate'>[];
  /** Every TrafficTrace of the mesh (docs/gateway.md §2.12); none when absent. */
  readonly trafficTraces?: readonly StoredResource<'TrafficTrace'>[];
}

/** A certificate file's text, or why it could not be read (e.g. the errno message). */
export type CertificateFile = { readonly content: string } | { readonly error: string };

/** A user-facing problem found while translating, attributed to the resource that caused it. */
export interface TranslationProblem {
  readonly resource: ResourceKey;
  readonly message: string;
}

/**
 * Result of a translation: the IR and the problems found. `gateway` is absent when no MeshGateway
 * selects the proxy, and when generation failed.
 */
export interface GatewayTranslation {
  readonly gateway?: Gateway;
  /**
   * True when a generation-time error (docs/gateway.md §4.6: a certificate that cannot be loaded or
   * parsed, a TLS listener without a mode, a cross-mesh listener without mTLS) makes the whole
   * gateway ungeneratable. There is then no `gateway`: rather than serve a partial configuration,
   * the proxies keep their last accepted one (docs/robustness.md §2 rule 3); `problems` says why.
   */
  readonly failed?: boolean;
  /** In the order found, without duplicates. */
  readonly problems: readonly TranslationProblem[];
  /** Where connection policies can land (mesh/policy-status.ts); only when the mesh has any. */
  readonly policyPlaces?: PolicyPlaces;
}

/** Collects problems once each, keyed by resource and message, in the order they are found. */
export class ProblemLog {
  private readonly seen = new Set<string>();
  private readonly list: TranslationProblem[] = [];

  /** Record a problem unless the same resource already has the same message. */
  add(resource: ResourceKey, message: string): void {
    const key = `${resource.kind}\u0000${resource.mesh}\u0000${resource.name}\u0000${message}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.list.push({ resource: { kind: resource.kind, mesh: resource.mesh, name: resource.name }, message });
  }

  /** The problems recorded so far. */
  problems(): readonly TranslationProblem[] {
    return this.list;
  }
}
