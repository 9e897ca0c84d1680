// The custom resources of Portico's Kubernetes mode, flattened from the kind descriptors: the
// stored kinds kept as CRDs (RESOURCE_KINDS order), then the Kubernetes-only kinds. k8s/crds.ts
// renders them; the install manifests (webhook rules, RBAC) list their plurals.

import type { CrdForm, CrdNames, KubernetesOnlyKindDescriptor, PrinterColumn } from './kinds/descriptor.js';
import { KUBERNETES_ONLY_KINDS, RESOURCE_KINDS, type ResourceKind } from './resource-kinds.js';
import type { ObjectSchema } from './schema.js';

/** Facts about one CRD. */
export interface CrdKind {
  readonly kind: string;
  readonly plural: string;
  readonly singular: string;
  readonly shortNames: readonly string[];
  readonly scope: 'Cluster' | 'Namespaced';
  /** The object has a top-level `mesh` string beside `spec` (Kuma's mesh-scoped classic kinds). */
  readonly meshField: boolean;
  /** The kind is kept in Portico's store (false: Kubernetes-only, read by a controller). */
  readonly stored: boolean;
  readonly spec: ObjectSchema;
  /** Present when the kind has a status subresource. */
  readonly status?: ObjectSchema;
  readonly printerColumns: readonly PrinterColumn[];
}

/** The CRD names of a stored kind: declared, else its REST plural, singular and aliases. */
function crdNamesOf(d: ResourceKind, form: CrdForm): CrdNames {
  return form.names ?? { plural: d.plural, singular: d.singular, shortNames: d.aliases };
}

/** The CRD facts of a stored kind, or undefined when it is not a custom resource (Secrets). */
function storedCrdKind(d: ResourceKind): CrdKind | undefined {
  const form = d.kubernetes;
  if (form.form !== 'crd') return undefined;
  const names = crdNamesOf(d, form);
  return { kind: d.kind, ...names, scope: form.scope, meshField: d.scope === 'mesh', stored: true, ...schemas(d.schema, d.status), printerColumns: form.printerColumns };
}

function kubernetesOnlyCrdKind(d: KubernetesOnlyKindDescriptor): CrdKind {
  const form: CrdForm = d.kubernetes;
  return { kind: d.kind, ...d.kubernetes.names, scope: form.scope, meshField: false, stored: false, ...schemas(d.schema, d.status), printerColumns: form.printerColumns };
}

function schemas(spec: ObjectSchema, status: ObjectSchema | undefined): Pick<CrdKind, 'spec' | 'status'> {
  return status === undefined ? { spec } : { spec, status };
}

/** Every Portico CRD, in apply order: the stored kinds', then the Kubernetes-only ones. */
export const CRD_KINDS: readonly CrdKind[] = [
  ...RESOURCE_KINDS.flatMap((d) => storedCrdKind(d) ?? []),
  ...KUBERNETES_ONLY_KINDS.map((d) => kubernetesOnlyCrdKind(d)),
];

/** The CRD facts of a kind that has one. */
export function crdKind(kind: string): CrdKind {
  const found = CRD_KINDS.find((k) => k.kind === kind);
  if (!found) throw new Error(`no CRD for kind ${kind}`);
  return found;
}
