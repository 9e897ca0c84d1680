// The CustomResourceDefinitions of Portico's Kubernetes mode, built from the same spec schemas the
// validators decode with (src/api), so a field added there reaches `crds/` through `npm run gen`.
// Kuma's layout is kept: group kuma.io, version v1alpha1, category `kuma`; Mesh, MeshGateway and
// MeshGatewayRoute are cluster-scoped and Dataplane and MeshGatewayInstance namespaced; the
// mesh-scoped protobuf kinds carry the mesh in a top-level `mesh` field beside `spec`. Pure: no I/O.

import {
  CONDITIONS_SCHEMA,
  CONDITION_SCHEMA,
  MESH_GATEWAY_INSTANCE_SPEC_SCHEMA,
  MESH_GATEWAY_INSTANCE_STATUS_SCHEMA,
  READY_CONDITION,
  RESOURCE_REQUIREMENTS_SCHEMA,
} from '../api/mesh-gateway-instance.js';
import { QUANTITY_PATTERN } from '../api/mesh-gateway-instance-validate.js';
import { SPEC_SCHEMAS } from '../api/resource-kinds.js';
import { field, object, type ObjectSchema } from '../api/schema.js';
import { openApiSchema, sortKeysDeep, type JsonSchemaProps, type OpenApiOptions } from './openapi-schema.js';

/** API group of every Portico CRD (Kuma's). */
export const CRD_GROUP = 'kuma.io';
/** The only served and stored version. */
export const CRD_VERSION = 'v1alpha1';
/** `kubectl get kuma` lists every kind. */
export const CRD_CATEGORY = 'kuma';

/** Condition type: the gateway or route was accepted (valid and bound). */
export const ACCEPTED_CONDITION = 'Accepted';
/** Condition type: the gateway's configuration reached its proxies. */
export const PROGRAMMED_CONDITION = 'Programmed';

/** One column of `kubectl get`. */
export interface PrinterColumn {
  readonly name: string;
  readonly type: 'string' | 'integer' | 'date';
  readonly jsonPath: string;
  readonly description: string;
  /** 0 (default) shows in `kubectl get`, 1 only with `-o wide`. */
  readonly priority?: number;
}

/** Facts about one CRD, declared as data. */
export interface CrdKind {
  readonly kind: string;
  readonly plural: string;
  readonly singular: string;
  readonly shortNames: readonly string[];
  readonly scope: 'Cluster' | 'Namespaced';
  /** The object has a top-level `mesh` string beside `spec` (Kuma's mesh-scoped classic kinds). */
  readonly meshField: boolean;
  readonly spec: ObjectSchema;
  /** Present when the kind has a status subresource. */
  readonly status?: ObjectSchema;
  readonly printerColumns: readonly PrinterColumn[];
}

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

/** Status written on MeshGateway and MeshGatewayRoute objects. */
const GATEWAY_STATUS_SCHEMA: ObjectSchema = object(
  'Observed state, written by Portico.',
  { conditions: field(CONDITIONS_SCHEMA, 'Conditions: Accepted, and Programmed on gateways.') },
  { snakeCase: false },
);

const AGE: PrinterColumn = { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp', description: 'Time since creation.' };
const MESH: PrinterColumn = { name: 'Mesh', type: 'string', jsonPath: '.mesh', description: 'Mesh the object belongs to.' };

function conditionColumn(type: string, priority = 0): PrinterColumn {
  return {
    name: type,
    type: 'string',
    jsonPath: `.status.conditions[?(@.type=="${type}")].status`,
    description: `Status of the ${type} condition.`,
    ...(priority > 0 ? { priority } : {}),
  };
}

/** Every Portico CRD, in apply order (Kuma's resource order, MeshGatewayInstance last). */
export const CRD_KINDS: readonly CrdKind[] = [
  {
    kind: 'Mesh',
    plural: 'meshes',
    singular: 'mesh',
    shortNames: [],
    scope: 'Cluster',
    meshField: false,
    spec: SPEC_SCHEMAS.Mesh,
    printerColumns: [
      { name: 'mTLS', type: 'string', jsonPath: '.spec.mtls.enabledBackend', description: 'Enabled mTLS backend.' },
      AGE,
    ],
  },
  {
    kind: 'Dataplane',
    plural: 'dataplanes',
    singular: 'dataplane',
    shortNames: ['dp'],
    scope: 'Namespaced',
    meshField: true,
    spec: SPEC_SCHEMAS.Dataplane,
    printerColumns: [
      MESH,
      { name: 'Gateway', type: 'string', jsonPath: '.spec.networking.gateway.type', description: 'Gateway type, if a gateway.', priority: 1 },
      { name: 'Address', type: 'string', jsonPath: '.spec.networking.address', description: 'Address of the proxy.', priority: 1 },
      AGE,
    ],
  },
  {
    kind: 'MeshGateway',
    plural: 'meshgateways',
    singular: 'meshgateway',
    shortNames: ['mgw'],
    scope: 'Cluster',
    meshField: true,
    spec: SPEC_SCHEMAS.MeshGateway,
    status: GATEWAY_STATUS_SCHEMA,
    printerColumns: [MESH, conditionColumn(ACCEPTED_CONDITION), conditionColumn(PROGRAMMED_CONDITION), AGE],
  },
  {
    kind: 'MeshGatewayRoute',
    plural: 'meshgatewayroutes',
    singular: 'meshgatewayroute',
    shortNames: ['mgwr'],
    scope: 'Cluster',
    meshField: true,
    spec: SPEC_SCHEMAS.MeshGatewayRoute,
    status: GATEWAY_STATUS_SCHEMA,
    printerColumns: [MESH, conditionColumn(ACCEPTED_CONDITION), AGE],
  },
  {
    kind: 'MeshGatewayInstance',
    plural: 'meshgatewayinstances',
    singular: 'meshgatewayinstance',
    shortNames: ['mgi'],
    scope: 'Namespaced',
    meshField: false,
    spec: MESH_GATEWAY_INSTANCE_SPEC_SCHEMA,
    status: MESH_GATEWAY_INSTANCE_STATUS_SCHEMA,
    printerColumns: [
      conditionColumn(READY_CONDITION),
      {
        name: 'Reason',
        type: 'string',
        jsonPath: `.status.conditions[?(@.type=="${READY_CONDITION}")].reason`,
        description: `Reason of the ${READY_CONDITION} condition.`,
        priority: 1,
      },
      { name: 'Replicas', type: 'integer', jsonPath: '.spec.replicas', description: 'Desired gateway pods.', priority: 1 },
      { name: 'Service Type', type: 'string', jsonPath: '.spec.serviceType', description: 'Type of the gateway Service.', priority: 1 },
      AGE,
    ],
  },
];

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
