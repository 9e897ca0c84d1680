// The shape of a resource-kind descriptor: every fact about one kind, declared once as data, from
// which the store, the REST API, the CLI, the admission webhook and the generated CRDs derive
// what they need (src/api/resource-kinds.ts holds the list). Adding a kind is a new descriptor
// beside its schema and validator files; see docs/architecture.md, "Adding a resource kind".

import type { ObjectSchema } from '../schema.js';
import type { Result, Violation } from '../violation.js';

/** API group of Kuma's custom resources (and so of Portico's CRDs). */
export const KUMA_GROUP = 'kuma.io';
/** The only version of Kuma's classic custom resources. */
export const KUMA_VERSION = 'v1alpha1';
/** `apiVersion` of a Kuma custom resource. */
export const KUMA_API_VERSION = `${KUMA_GROUP}/${KUMA_VERSION}`;

/** One column of `kubectl get` (a CRD's additionalPrinterColumn). */
export interface PrinterColumn {
  readonly name: string;
  readonly type: 'string' | 'integer' | 'date';
  readonly jsonPath: string;
  readonly description: string;
  /** 0 (default) shows in `kubectl get`, 1 only with `-o wide`. */
  readonly priority?: number;
}

/** A resource in Kuma's universal form, as the REST API returns it (untyped JSON). */
export type UniversalItem = Readonly<Record<string, unknown>>;

/**
 * One kind-specific column of `portico get` tables. The CLI puts MESH (mesh-scoped kinds) and
 * NAME before these and AGE after them. Items are untyped JSON, so a cell reads defensively and
 * is `-` when absent; an optional column shows only when some item has a value (a Secret's DATA
 * appears only once revealed).
 */
export interface TableColumn {
  readonly header: string;
  readonly cell: (item: UniversalItem) => string;
  readonly optional?: boolean;
}

/** Names of a CRD: kind, plural, singular and `kubectl` short names. */
export interface CrdNames {
  readonly plural: string;
  readonly singular: string;
  readonly shortNames: readonly string[];
}

/**
 * A kind kept as a kuma.io/v1alpha1 custom resource. A stored mesh-scoped kind carries its mesh in
 * a top-level `mesh` field beside `spec` (Kuma's classic kinds); global and Kubernetes-only kinds
 * have none.
 */
export interface CrdForm {
  readonly form: 'crd';
  readonly scope: 'Cluster' | 'Namespaced';
  readonly printerColumns: readonly PrinterColumn[];
  /**
   * CRD names, when they are not the REST plural, singular and aliases (Kuma's policies are
   * `traffic-permissions` over REST but `trafficpermissions` on Kubernetes).
   */
  readonly names?: CrdNames;
}

/**
 * A kind kept as core/v1 Secrets of one `type` in the control plane's namespace, with the spec's
 * `data` in `data.value` (Kuma's Secret and GlobalSecret). Only kinds with a SecretSpec may use it.
 */
export interface SecretForm {
  readonly form: 'secret';
  readonly secretType: string;
}

/** What a spec's semantic checks may know besides the spec: the resource's own name and mesh. */
export interface SpecContext {
  /** The resource's name; '' when unknown (a bare spec checked on its own). */
  readonly name: string;
  readonly mesh: string;
}

/**
 * How a kind travels between a global control plane and its zones (docs/multizone.md §2), Kuma's type
 * flags as data: sync directions and API writability (docs/multizone.md §5.1) both derive from them.
 */
export interface MultizoneFlags {
  /** Created on global (writable there). */
  readonly providedByGlobal: boolean;
  /** Created in a zone (writable on a federated zone). */
  readonly providedByZone: boolean;
  /** Sent from global to zones. */
  readonly globalToZones: boolean;
  /** Sent from zones to global. */
  readonly zoneToGlobal: boolean;
  /** Re-sent by global to the other zones (ZoneIngress). */
  readonly syncedAcrossZones?: boolean;
  /** Synced copies keep their name (Mesh, Secret, GlobalSecret): no hash suffix (docs/multizone.md §4.1). */
  readonly keepName?: boolean;
  /** Written only by the control plane (insights): read-only to users on every role (docs/multizone.md §5.1). */
  readonly insight?: boolean;
}

/** Created on global and sent to every zone (Mesh keeps its name; classic policies are hashed). */
export const GLOBAL_TO_ZONES: MultizoneFlags = { providedByGlobal: true, providedByZone: false, globalToZones: true, zoneToGlobal: false };

/** Created in a zone and reported to global (Dataplane). */
export const ZONE_TO_GLOBAL: MultizoneFlags = { providedByGlobal: false, providedByZone: true, globalToZones: false, zoneToGlobal: true };

/** Created on either side; each copy travels away from where it was made (MeshGateway). */
export const BOTH_WAYS: MultizoneFlags = { providedByGlobal: true, providedByZone: true, globalToZones: true, zoneToGlobal: true };

/** Secret, GlobalSecret: written on either side, sent to zones under their own name, never back up. */
export const SECRET_FLAGS: MultizoneFlags = { providedByGlobal: true, providedByZone: true, globalToZones: true, zoneToGlobal: false, keepName: true };

/** Zone, ZoneInsight: made on global and on a zone, never synced (docs/multizone.md §2). */
export const LOCAL_TO_EACH: MultizoneFlags = { providedByGlobal: true, providedByZone: true, globalToZones: false, zoneToGlobal: false };

/**
 * How a stored kind is named, addressed and listed: the part of its descriptor a client needs,
 * declared for every kind in src/api/kinds/names.ts, apart from schemas and checks.
 */
export interface KindNames<K extends string = string> {
  /** Name as written in `type:` (universal) or `kind:` (Kubernetes): `MeshGateway`. */
  readonly kind: K;
  /** REST path segment and CLI name: `meshgateways`. */
  readonly plural: string;
  /** Singular CLI name, used in CLI messages: `meshgateway`. */
  readonly singular: string;
  /** Short CLI aliases (`mgw`), lower case. */
  readonly aliases: readonly string[];
  /**
   * `global` kinds live outside any mesh: no `mesh` field in either form, keyed in the store with
   * mesh = name. `mesh` kinds live in one mesh.
   */
  readonly scope: 'global' | 'mesh';
  /** Kind-specific columns of `portico get` tables. */
  readonly columns: readonly TableColumn[];
}

/**
 * Facts about one kind Portico stores, declared as data (Kuma's resource-type descriptors): its
 * names (from src/api/kinds/names.ts) and everything else.
 */
export interface ResourceKindDescriptor<K extends string = string, S = unknown> extends KindNames<K> {
  /**
   * The spec is confidential (secret data): the REST API never lists it, shows it on a single GET
   * only when asked with `?reveal=true`, never echoes it in write answers, every route of the kind
   * is admin-only, and it never reaches a log line.
   */
  readonly confidential: boolean;
  /** Spec schema: the single source for decoding and for the generated CRD. */
  readonly schema: ObjectSchema;
  /** Semantic checks of a decoded spec: every violation, none thrown. */
  readonly validate: (spec: S, context: SpecContext) => Violation[];
  /**
   * Checks of replacing a stored spec by a new one (both already valid), where a kind forbids
   * some transitions (a Mesh's CA while mTLS is on). Run by every write path that updates.
   */
  readonly validateUpdate?: (previous: S, next: S) => Violation[];
  /**
   * Observed state Portico computes for the kind (conditions). Universal mode serves it at
   * `.../{plural}/{name}/status`; Kubernetes mode writes it into the status subresource.
   */
  readonly status?: ObjectSchema;
  /** How the kind is kept in the Kubernetes API. */
  readonly kubernetes: CrdForm | SecretForm;
  /** Multi-zone sync and writability (docs/multizone.md §2); absent: not synced, writable everywhere. */
  readonly multizone?: MultizoneFlags;
}

/**
 * A kind that exists only as a Kubernetes custom resource and is never stored (MeshGatewayInstance:
 * controllers read it from the API server). It has a CRD and an admission check, nothing else.
 */
export interface KubernetesOnlyKindDescriptor<K extends string = string, S = unknown> {
  readonly kind: K;
  readonly schema: ObjectSchema;
  /** Decodes and validates a spec: every violation, none thrown. */
  readonly parse: (raw: unknown) => Result<S>;
  /** Observed state, written by Portico's controller into the status subresource. */
  readonly status?: ObjectSchema;
  readonly kubernetes: CrdForm & { readonly names: CrdNames };
}

/** Declares a stored kind, keeping its literal name and spec type for the derived types. */
export function defineResourceKind<const K extends string, S>(descriptor: ResourceKindDescriptor<K, S>): ResourceKindDescriptor<K, S> {
  return descriptor;
}

/** Declares a Kubernetes-only kind. */
export function defineKubernetesOnlyKind<const K extends string, S>(
  descriptor: KubernetesOnlyKindDescriptor<K, S>,
): KubernetesOnlyKindDescriptor<K, S> {
  return descriptor;
}
