// The CustomResourceDefinitions of Portico's Kubernetes mode, built from the same spec schemas the
// validators decode with (src/api), so a field added there reaches `crds/` through `npm run gen`.
// Kuma's layout is kept: group kuma.io, version v1alpha1, category `kuma`; the mesh-scoped stored
// kinds carry the mesh in a top-level `mesh` field beside `spec`. Which kinds have a CRD, their
// names, scope and printer columns come from the kind descriptors (src/api/kinds). Pure: no I/O.

import { CRD_KINDS, type CrdKind } from '../api/crd-kinds.js';
import { KUMA_GROUP, KUMA_VERSION, type PrinterColumn } from '../api/kinds/descriptor.js';
import { CONDITION_SCHEMA, RESOURCE_REQUIREMENTS_SCHEMA } from '../api/mesh-gateway-instance.js';
import { QUANTITY_PATTERN } from '../api/mesh-gateway-instance-validate.js';
import { openApiSchema, sortKeysDeep, type JsonSchemaProps, type OpenApiOptions } from './openapi-schema.js';

/** API group of every Portico CRD (Kuma's). */
export const CRD_GROUP = KUMA_GROUP;
/** The only served and stored version. */
export const CRD_VERSION = KUMA_VERSION;
/** `kubectl get kuma` lists every kind. */
export const CRD_CATEGORY = 'kuma';

// Which kinds have a CRD, and their facts, derive from the kind descriptors.
export { CRD_KINDS, crdKind, type CrdKind } from '../api/crd-kinds.js';
export type { PrinterColumn } from '../api/kinds/descriptor.js';

/** A `apiextensions.k8s.io/v1` CustomResourceDefinition, as far as Portico writes one. */
export interface CustomResourceDefinition {
  readonly apiVersion: 'apiextensions.k8s.io/v1';
  readonly kind: 'CustomResourceDefinition';
  readonly metadata: { readonly name: string };
  readonly spec: {
    readonly group: string;
    readonly names: {
      readonly categories: readonly string[];
      readonly kind: string;
      readonly listKind: string;
      readonly plural: string;
      readonly shortNames?: readonly string[];
      readonly singular: string;
    };
    readonly scope: 'Cluster' | 'Namespaced';
    readonly versions: readonly CrdVersion[];
  };
}

/** One version of a CRD. */
export interface CrdVersion {
  readonly name: string;
  readonly served: boolean;
  readonly storage: boolean;
  readonly schema: { readonly openAPIV3Schema: JsonSchemaProps };
  readonly subresources?: { readonly status: Record<string, never> };
  readonly additionalPrinterColumns: readonly PrinterColumn[];
}

/** Kubernetes `Quantity`: a number or a quantity string. */
const QUANTITY: JsonSchemaProps = {
  anyOf: [{ type: 'integer' }, { type: 'string' }],
  pattern: QUANTITY_PATTERN,
  'x-kubernetes-int-or-string': true,
};

/** Kubernetes' `ResourceRequirements`, which the schema language keeps free-form. */
const RESOURCE_REQUIREMENTS: JsonSchemaProps = {
  type: 'object',
  properties: {
    claims: {
      description: 'Dynamic resource claims used by the container.',
      type: 'array',
      items: {
        type: 'object',
        properties: {
          name: { description: 'Name of a resource claim of the pod.', type: 'string' },
          request: { description: 'Request of the claim to use.', type: 'string' },
        },
        required: ['name'],
      },
      'x-kubernetes-list-map-keys': ['name'],
      'x-kubernetes-list-type': 'map',
    },
    limits: { description: 'Maximum amount of compute resources allowed.', type: 'object', additionalProperties: QUANTITY },
    requests: { description: 'Minimum amount of compute resources required.', type: 'object', additionalProperties: QUANTITY },
  },
};

const OPENAPI_OPTIONS: OpenApiOptions = {
  replacements: new Map([[RESOURCE_REQUIREMENTS_SCHEMA, RESOURCE_REQUIREMENTS]]),
  listMapKeys: new Map([[CONDITION_SCHEMA, ['type']]]),
};

const TYPE_META_PROPERTIES: Readonly<Record<string, JsonSchemaProps>> = {
  apiVersion: { description: 'Versioned schema of this object: kuma.io/v1alpha1.', type: 'string' },
  kind: { description: 'REST resource this object represents.', type: 'string' },
  metadata: { type: 'object' },
};

const MESH_PROPERTY: JsonSchemaProps = {
  description: 'Mesh the object belongs to; defaults to the kuma.io/mesh label, then "default".',
  type: 'string',
};

/** The whole-object schema of a kind: type meta, metadata, optional mesh, spec and status. */
export function objectSchema(k: CrdKind): JsonSchemaProps {
  const properties: Record<string, JsonSchemaProps> = {
    ...TYPE_META_PROPERTIES,
    ...(k.meshField ? { mesh: MESH_PROPERTY } : {}),
    spec: openApiSchema(k.spec, OPENAPI_OPTIONS),
    ...(k.status ? { status: openApiSchema(k.status, OPENAPI_OPTIONS) } : {}),
  };
  return sortKeysDeep({ description: k.spec.doc, properties, type: 'object' });
}

/** The CRD of one kind. */
export function desiredCrd(k: CrdKind): CustomResourceDefinition {
  return sortKeysDeep({
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${k.plural}.${CRD_GROUP}` },
    spec: {
      group: CRD_GROUP,
      names: {
        categories: [CRD_CATEGORY],
        kind: k.kind,
        listKind: `${k.kind}List`,
        plural: k.plural,
        ...(k.shortNames.length > 0 ? { shortNames: [...k.shortNames].sort() } : {}),
        singular: k.singular,
      },
      scope: k.scope,
      versions: [
        {
          additionalPrinterColumns: k.printerColumns,
          name: CRD_VERSION,
          schema: { openAPIV3Schema: objectSchema(k) },
          served: true,
          storage: true,
          ...(k.status ? { subresources: { status: {} } } : {}),
        },
      ],
    },
  });
}

/** Every Portico CRD, in CRD_KINDS order. */
export function desiredCrds(): CustomResourceDefinition[] {
  return CRD_KINDS.map(desiredCrd);
}
