// MeshGatewayInstance: the Kubernetes-only resource that runs gateway pods (docs/gateway.md §1.4).
// Unlike the other kinds it is a Kubernetes Go-type shape, not a protobuf message: every field has
// one spelling (`snakeCase: false`), enums are plain strings and the defaults are API defaults that
// the generated CRD applies too. The status schemas here describe what the controller writes.

import { TAGS_SCHEMA } from './common-schemas.js';
import { isWithin } from './field-path.js';
import { validateMeshGatewayInstance } from './mesh-gateway-instance-validate.js';
import {
  bool,
  enumeration,
  field,
  freeform,
  integer,
  listOf,
  mapOf,
  object,
  text,
  type FreeFormSchema,
  type ListSchema,
  type ObjectSchema,
} from './schema.js';
import { decode } from './schema-decode.js';
import type { Tags } from './tags.js';
import { fail, ok, type Result } from './violation.js';

/** Kubernetes Service type of the gateway Service. */
export type ServiceType = 'LoadBalancer' | 'ClusterIP' | 'NodePort';

/** Replicas when `spec.replicas` is absent. */
export const DEFAULT_REPLICAS = 1;
/** Service type when `spec.serviceType` is absent. */
export const DEFAULT_SERVICE_TYPE: ServiceType = 'LoadBalancer';
/** Largest int32, the upper bound of Kubernetes' `replicas`. */
const MAX_INT32 = 2_147_483_647;

/** Labels and annotations merged onto a generated object. */
export interface TemplateMetadata {
  readonly annotations?: Readonly<Record<string, string>>;
  readonly labels?: Readonly<Record<string, string>>;
}

/**
 * Kubernetes `ResourceRequirements`. Quantities are strings (`500m`, `64Mi`) or numbers, which the
 * schema language cannot type, so the decoder keeps the object as written and
 * validateMeshGatewayInstance checks its shape.
 */
export interface ResourceRequirements {
  readonly limits?: Readonly<Record<string, string | number>>;
  readonly requests?: Readonly<Record<string, string | number>>;
  readonly claims?: readonly { readonly name: string; readonly request?: string }[];
}

/** Spec of a MeshGatewayInstance, defaults applied. */
export interface MeshGatewayInstanceSpec {
  readonly replicas: number;
  readonly serviceType: ServiceType;
  /** Replaces the gateway container's resources entirely when set. */
  readonly resources?: ResourceRequirements;
  readonly serviceTemplate?: {
    readonly metadata?: TemplateMetadata;
    readonly spec?: { readonly loadBalancerIP?: string };
  };
  readonly podTemplate?: {
    readonly metadata?: TemplateMetadata;
    readonly spec?: {
      readonly serviceAccountName?: string;
      readonly securityContext?: { readonly fsGroup?: number };
      readonly container?: { readonly securityContext?: { readonly readOnlyRootFilesystem?: boolean } };
    };
  };
  /** Extra dataplane tags; never `kuma.io/service`, which is always `<name>_<namespace>_svc`. */
  readonly tags: Tags;
}

/** Status of a Kubernetes condition. */
export type ConditionStatus = 'True' | 'False' | 'Unknown';

/** A Kubernetes `metav1.Condition`. */
export interface Condition {
  readonly type: string;
  readonly status: ConditionStatus;
  readonly reason: string;
  readonly message: string;
  readonly observedGeneration?: number;
  /** RFC 3339 time of the last status change. */
  readonly lastTransitionTime: string;
}

/** A Kubernetes `LoadBalancerStatus`, copied from the gateway Service. */
export interface LoadBalancerStatus {
  readonly ingress?: readonly {
    readonly ip?: string;
    readonly hostname?: string;
    readonly ipMode?: string;
    readonly ports?: readonly { readonly port: number; readonly protocol: string; readonly error?: string }[];
  }[];
}

/** Status of a MeshGatewayInstance (docs/gateway.md §1.4, §3.2 step 5). */
export interface MeshGatewayInstanceStatus {
  readonly loadBalancer?: LoadBalancerStatus;
  readonly conditions?: readonly Condition[];
}

/** The only condition type of a MeshGatewayInstance. */
export const READY_CONDITION = 'Ready';
/** Reasons of the Ready condition (docs/gateway.md §3.2). */
export const READY_REASONS = {
  ready: 'Ready',
  noGatewayMatched: 'NoGatewayMatched',
  deploymentNotAvailable: 'DeploymentNotAvailable',
  loadBalancerAddressNotReady: 'LoadBalancerAddressNotReady',
} as const;

const KUBERNETES = { snakeCase: false } as const;

const TEMPLATE_METADATA_SCHEMA: ObjectSchema = object(
  'Metadata merged onto the generated object.',
  {
    annotations: field(mapOf(text()), 'Annotations merged onto the generated object.'),
    labels: field(mapOf(text()), 'Labels merged onto the generated object.'),
  },
  KUBERNETES,
);

/**
 * `spec.resources`: kept as written by the decoder (see ResourceRequirements); the CRD generator
 * replaces this node with Kubernetes' own ResourceRequirements schema.
 */
export const RESOURCE_REQUIREMENTS_SCHEMA: FreeFormSchema = freeform();

const SERVICE_TEMPLATE_SCHEMA: ObjectSchema = object(
  'Settings of the generated Service.',
  {
    metadata: field(TEMPLATE_METADATA_SCHEMA, 'Labels and annotations merged onto the Service.'),
    spec: field(
      object('Service spec settings.', { loadBalancerIP: field(text(), 'Requested load balancer IP.') }, KUBERNETES),
      'Service spec settings.',
    ),
  },
  KUBERNETES,
);

const POD_TEMPLATE_SCHEMA: ObjectSchema = object(
  'Settings of the gateway pods.',
  {
    metadata: field(TEMPLATE_METADATA_SCHEMA, 'Labels and annotations merged onto the pod template.'),
    spec: field(
      object(
        'Pod spec settings.',
        {
          serviceAccountName: field(text(), 'Service account of the pods.'),
          securityContext: field(
            object('Pod security context.', { fsGroup: field(integer('int64'), 'Pod fsGroup.') }, KUBERNETES),
            'Pod security context.',
          ),
          container: field(
            object(
              'Gateway container settings.',
              {
                securityContext: field(
                  object(
                    'Container security context.',
                    { readOnlyRootFilesystem: field(bool(), 'Mount the root filesystem read-only.') },
                    KUBERNETES,
                  ),
                  'Container security context.',
                ),
              },
              KUBERNETES,
            ),
            'Gateway container settings.',
          ),
        },
        KUBERNETES,
      ),
      'Pod spec settings.',
    ),
  },
  KUBERNETES,
);

// The numbers are only there because enumeration() needs them; the CRD offers the names alone.
const SERVICE_TYPE_SCHEMA = enumeration({ LoadBalancer: 0, ClusterIP: 1, NodePort: 2 });

/** Spec schema of a MeshGatewayInstance. */
export const MESH_GATEWAY_INSTANCE_SPEC_SCHEMA: ObjectSchema = object(
  'A load-balanced set of builtin gateway pods with their Service.',
  {
    replicas: field(integer('int32', { minimum: 1, maximum: MAX_INT32 }), 'Number of gateway pods.', {
      default: DEFAULT_REPLICAS,
    }),
    serviceType: field(SERVICE_TYPE_SCHEMA, 'Type of the gateway Service.', { default: DEFAULT_SERVICE_TYPE }),
    resources: field(RESOURCE_REQUIREMENTS_SCHEMA, "Replaces the gateway container's resources entirely."),
    serviceTemplate: field(SERVICE_TEMPLATE_SCHEMA, 'Settings of the generated Service.'),
    podTemplate: field(POD_TEMPLATE_SCHEMA, 'Settings of the gateway pods.'),
    tags: field(TAGS_SCHEMA, 'Extra dataplane tags; kuma.io/service is generated and must not be set.', {
      default: {},
    }),
  },
  KUBERNETES,
);

/** A Kubernetes `metav1.Condition`. */
export const CONDITION_SCHEMA: ObjectSchema = object(
  'One aspect of the current state of the object.',
  {
    type: field(text(316), 'Condition type, e.g. Ready.', { required: true }),
    status: field(enumeration({ True: 0, False: 1, Unknown: 2 }), 'True, False or Unknown.', { required: true }),
    reason: field(text(1024), 'Machine-readable reason in CamelCase.', { required: true }),
    message: field(text(32_768), 'Human-readable details.', { required: true }),
    observedGeneration: field(integer('int64', { minimum: 0 }), 'metadata.generation the condition was set for.'),
    lastTransitionTime: field(text(), 'When the status last changed (RFC 3339).', { required: true }),
  },
  KUBERNETES,
);

/** A `conditions` list: at most one condition per type. */
export const CONDITIONS_SCHEMA: ListSchema = listOf(CONDITION_SCHEMA, 32);

const LOAD_BALANCER_STATUS_SCHEMA: ObjectSchema = object(
  'Load balancer addresses of the gateway Service.',
  {
    ingress: field(
      listOf(
        object(
          'One load balancer address.',
          {
            ip: field(text(), 'IP address.'),
            hostname: field(text(), 'DNS name.'),
            ipMode: field(text(), 'How traffic reaches the address: VIP or Proxy.'),
            ports: field(
              listOf(
                object(
                  'Status of one Service port.',
                  {
                    port: field(integer('int32'), 'Port number.', { required: true }),
                    protocol: field(text(), 'TCP, UDP or SCTP.', { required: true }),
                    error: field(text(), 'Problem with this port, if any.'),
                  },
                  KUBERNETES,
                ),
              ),
              'Status of the Service ports.',
            ),
          },
          KUBERNETES,
        ),
      ),
      'Load balancer addresses.',
    ),
  },
  KUBERNETES,
);

/** Status schema of a MeshGatewayInstance. */
export const MESH_GATEWAY_INSTANCE_STATUS_SCHEMA: ObjectSchema = object(
  'Observed state of the instance.',
  {
    loadBalancer: field(LOAD_BALANCER_STATUS_SCHEMA, "Copy of the gateway Service's status.loadBalancer."),
    conditions: field(CONDITIONS_SCHEMA, 'Conditions; the only type is Ready.'),
  },
  KUBERNETES,
);

/** Decodes and validates a MeshGatewayInstance spec (the admission webhook's check, docs/gateway.md §4.5). */
export function parseMeshGatewayInstanceSpec(raw: unknown): Result<MeshGatewayInstanceSpec> {
  const decoded = decode(MESH_GATEWAY_INSTANCE_SPEC_SCHEMA, raw ?? {});
  const spec = decoded.value as MeshGatewayInstanceSpec;
  // A field that failed to decode holds a stand-in value; semantic checks below it would only
  // restate the decode error.
  const semantic = validateMeshGatewayInstance(spec).filter(
    (s) => !decoded.violations.some((d) => isWithin(s.field, d.field)),
  );
  const violations = [...decoded.violations, ...semantic];
  return violations.length === 0 ? ok(spec) : fail(violations);
}
