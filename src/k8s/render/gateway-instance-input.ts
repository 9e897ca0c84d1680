// What the MeshGatewayInstance renderers need, gathered by the controller into plain data: the
// instance, its resolved mesh and tags, the selected MeshGateway's ports, the objects that exist
// today (for the merge rules of docs/gateway.md §3.2) and the control plane's pod settings.

import { KUMA_API_VERSION } from '../../api/kinds/descriptor.js';
import { MESH_GATEWAY_INSTANCE } from '../../api/kinds/mesh-gateway-instance.js';
import type { MeshGatewaySpec } from '../../api/mesh-gateway.js';
import type { MeshGatewayInstanceSpec, ResourceRequirements } from '../../api/mesh-gateway-instance.js';
import { SERVICE_TAG, type Tags } from '../../api/tags.js';
import type { Deployment, OwnerReference, Service, StringMap } from './kube-objects.js';

/** API version of MeshGatewayInstance objects (and of the owner references pointing at them). */
export const INSTANCE_API_VERSION = KUMA_API_VERSION;
/** Kind of MeshGatewayInstance objects. */
export const INSTANCE_KIND = MESH_GATEWAY_INSTANCE.kind;

/** The MeshGatewayInstance being rendered. */
export interface InstanceMeta {
  readonly name: string;
  readonly namespace: string;
  /** Needed by the owner references of the generated objects. */
  readonly uid: string;
  readonly generation: number;
  /** The instance's own annotations (`kuma.io/sidecar-concurrency` and friends are read here). */
  readonly annotations: StringMap;
  readonly spec: MeshGatewayInstanceSpec;
}

/** Liveness or readiness probe timing. */
export interface ProbeTiming {
  readonly initialDelaySeconds: number;
  readonly timeoutSeconds: number;
  readonly periodSeconds: number;
  readonly failureThreshold: number;
}

/** Control-plane settings for gateway pods (Kuma's sidecar-injector settings). */
export interface GatewayPodSettings {
  /** The data-plane image; Portico's runs `portico dp run`. */
  readonly image: string;
  readonly controlPlaneUrl: string;
  /** PEM of the CA that signed the control plane's serving certificate. */
  readonly caCert: string;
  /** Go duration text, as Kuma writes it (`30s`). */
  readonly drainTime: string;
  /** Envoy admin port, overridable per instance with `kuma.io/envoy-admin-port`. */
  readonly adminPort: number;
  /** Default container resources; `spec.resources` replaces them entirely. */
  readonly resources: ResourceRequirements;
  /** Configured CPU limit (`2`, `1500m`); absent or zero means none. Also drives `--concurrency`. */
  readonly cpuLimit?: string;
  /** Builtin DNS port; absent means builtin DNS is off (`KUMA_DNS_ENABLED=false`). */
  readonly builtinDnsPort?: number;
  /** Environment overrides from the control-plane configuration. */
  readonly env: StringMap;
  readonly livenessProbe: ProbeTiming;
  readonly readinessProbe: ProbeTiming;
  /** `runAsUser` and `runAsGroup` of the gateway container. */
  readonly uid: number;
  readonly gid: number;
}

/** Defaults of every pod setting but the ones each deployment must give. */
export function defaultGatewayPodSettings(
  required: Pick<GatewayPodSettings, 'image' | 'controlPlaneUrl' | 'caCert'>,
): GatewayPodSettings {
  return {
    ...required,
    drainTime: '30s',
    adminPort: 9901,
    resources: {
      limits: { 'ephemeral-storage': '1G', memory: '512Mi' },
      requests: { cpu: '50m', 'ephemeral-storage': '50M', memory: '64Mi' },
    },
    env: {},
    livenessProbe: { initialDelaySeconds: 60, timeoutSeconds: 3, periodSeconds: 5, failureThreshold: 12 },
    readinessProbe: { initialDelaySeconds: 1, timeoutSeconds: 3, periodSeconds: 5, failureThreshold: 12 },
    uid: 5678,
    gid: 5678,
  };
}

/** Everything desiredService and desiredDeployment read. */
export interface GatewayInstanceRenderInput {
  readonly instance: InstanceMeta;
  readonly mesh: string;
  /** Instance tags: `spec.tags` plus the generated `kuma.io/service` (see instanceTags). */
  readonly tags: Tags;
  /** Distinct listener ports of the selected MeshGateway, in listener order (see listenerPorts). */
  readonly listenerPorts: readonly number[];
  readonly existingService?: Service;
  readonly existingDeployment?: Deployment;
  readonly settings: GatewayPodSettings;
}

/** The generated service tag of an instance: `<name>_<namespace>_svc`. */
export function instanceServiceTag(name: string, namespace: string): string {
  return `${name}_${namespace}_svc`;
}

/** Instance tags (docs/gateway.md §3.2 step 2): `spec.tags` plus the generated `kuma.io/service`. */
export function instanceTags(name: string, namespace: string, specTags: Tags): Tags {
  return { ...specTags, [SERVICE_TAG]: instanceServiceTag(name, namespace) };
}

/** Distinct listener ports of a MeshGateway, in listener order. */
export function listenerPorts(spec: MeshGatewaySpec): number[] {
  return [...new Set((spec.conf?.listeners ?? []).map((l) => l.port))];
}

/** The controller owner reference every generated object carries. */
export function instanceOwnerReference(instance: Pick<InstanceMeta, 'name' | 'uid'>): OwnerReference {
  return {
    apiVersion: INSTANCE_API_VERSION,
    kind: INSTANCE_KIND,
    name: instance.name,
    uid: instance.uid,
    controller: true,
    blockOwnerDeletion: true,
  };
}

/**
 * The object's owner references with the instance's controller reference put in place of earlier
 * ones to the same instance (same uid, or same name: a re-created instance adopts what its
 * predecessor left), or appended; references to other owners are kept.
 */
export function withOwnerReference(existing: readonly OwnerReference[] | undefined, ref: OwnerReference): OwnerReference[] {
  const same = (r: OwnerReference): boolean =>
    r.uid === ref.uid || (r.kind === ref.kind && r.apiVersion === ref.apiVersion && r.name === ref.name);
  const refs = existing ?? [];
  const at = refs.findIndex(same);
  if (at < 0) return [...refs, ref];
  return refs.flatMap((r, i) => (i === at ? [ref] : same(r) ? [] : [r]));
}

/** Key order as Go sorts map keys and env names; equals byte order for the ASCII keys used here. */
export function compareKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
