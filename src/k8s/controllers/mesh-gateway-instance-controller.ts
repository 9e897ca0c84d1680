// The MeshGatewayInstance controller (docs/gateway.md §3.1, §3.2): for each instance, the gateway
// Service and Deployment that run its builtin gateway pods, and the instance's Ready status.
// Zone control planes only. The lead wires triggers: instance events, events of owned Services
// and Deployments (instanceKeyForOwned) and MeshGateway changes (instanceKeysForMeshGateway).
import type { KubeConfig } from '@kubernetes/client-node';
import type { Logger } from 'pino';

import {
  parseMeshGatewayInstanceSpec,
  type MeshGatewayInstanceSpec,
  type MeshGatewayInstanceStatus,
} from '../../api/mesh-gateway-instance.js';
import type { StoredResource } from '../../core/resource.js';
import { selectGatewayForTags } from '../../gateway/select-gateway.js';
import { resolveMesh } from '../mesh-resolution.js';
import { desiredDeployment } from '../render/deployment.js';
import {
  instanceTags,
  listenerPorts,
  type GatewayInstanceRenderInput,
  type GatewayPodSettings,
  type InstanceMeta,
} from '../render/gateway-instance-input.js';
import { desiredInstanceStatus } from '../render/instance-status.js';
import type { Deployment, ObjectMeta, Service } from '../render/kube-objects.js';
import { desiredService } from '../render/service.js';
import { CRD_GROUP, CRD_VERSION } from '../crds.js';
import { ensureDeployment } from './ensure-deployment.js';
import { ensureInstanceStatus, INSTANCE_PLURAL } from './ensure-instance-status.js';
import { ensureService } from './ensure-service.js';
import { MergePatcher } from './merge-patch-request.js';
import { findOwned } from './owned-objects.js';
import { readObject } from './read-object.js';

export { instanceKeyForOwned, instanceKeysForMeshGateway } from './instance-keys.js';

/** A MeshGatewayInstance as the API server returns it. */
interface InstanceObject {
  readonly metadata?: ObjectMeta;
  readonly spec?: unknown;
  readonly status?: MeshGatewayInstanceStatus;
}

/** Options of the MeshGatewayInstanceController. */
export interface MeshGatewayInstanceControllerOptions {
  readonly kubeConfig: KubeConfig;
  readonly logger: Logger;
  /** The MeshGateways of a mesh; the runtime serves them from the store. */
  readonly listMeshGateways: (mesh: string) => Promise<readonly StoredResource<'MeshGateway'>[]>;
  /** Gateway pod settings of this control plane (defaultGatewayPodSettings plus configuration). */
  readonly settings: GatewayPodSettings;
  /** Clock for condition transition times; the system clock by default. */
  readonly now?: () => Date;
}

const enc = encodeURIComponent;

/** Reconciles MeshGatewayInstances into gateway Services, Deployments and status. */
export class MeshGatewayInstanceController {
  private readonly patcher: MergePatcher;
  private readonly logger: Logger;

  constructor(private readonly options: MeshGatewayInstanceControllerOptions) {
    this.patcher = new MergePatcher(options.kubeConfig);
    this.logger = options.logger.child({ controller: 'mesh-gateway-instance' });
  }

  /** Brings instance `namespace/name`'s Service, Deployment and status in line (docs/gateway.md §3.2 steps 1-5). */
  async reconcile(namespace: string, name: string): Promise<void> {
    const what = `MeshGatewayInstance ${namespace}/${name}`;
    const object = await this.step(`read ${what}`, () =>
      readObject<InstanceObject>(this.options.kubeConfig, `${instancesPath(namespace)}/${enc(name)}`),
    );
    if (!object) return;
    const ns = await this.step(`read Namespace of ${what}`, () =>
      readObject<{ metadata?: ObjectMeta }>(this.options.kubeConfig, `/api/v1/namespaces/${enc(namespace)}`),
    );
    if (!ns) throw new Error(`reconcile ${what}: its Namespace ${namespace} does not exist`);
    const parsed = parseMeshGatewayInstanceSpec(object.spec);
    if (!parsed.ok) {
      // The CRD schema and webhook reject such specs; one that slips through is left alone.
      this.logger.warn({ instance: `${namespace}/${name}`, violations: parsed.violations }, 'invalid MeshGatewayInstance spec; skipped');
      return;
    }
    const instance = instanceMeta(object, namespace, name, parsed.value);
    const mesh = resolveMesh(object, ns);
    const tags = instanceTags(name, namespace, instance.spec.tags);
    const gateways = await this.step(`list MeshGateways of mesh ${mesh} for ${what}`, () => this.options.listMeshGateways(mesh));
    const gateway = selectGatewayForTags(mesh, [tags], gateways);

    let service: Service | undefined;
    let deployment: Deployment | undefined;
    if (gateway) {
      const base = { instance, mesh, tags, listenerPorts: listenerPorts(gateway.spec), settings: this.options.settings };
      service = await this.step(`reconcile Service for ${what}`, () => this.ensureService(base));
      deployment = await this.step(`reconcile Deployment for ${what}`, () => this.ensureDeployment(base));
    } else {
      // No gateway: an existing Service is left exactly as it is so traffic survives a
      // MeshGateway being briefly absent; the Deployment is not touched either.
      this.logger.debug({ instance: `${namespace}/${name}`, mesh }, 'no MeshGateway matches the instance tags');
    }
    const status = desiredInstanceStatus({
      mesh,
      generation: instance.generation,
      gatewayMatched: gateway !== undefined,
      ...(service ? { service } : {}),
      ...(deployment ? { deployment } : {}),
      ...(object.status ? { existing: object.status } : {}),
      now: rfc3339(this.options.now?.() ?? new Date()),
    });
    await this.step(`write status of ${what}`, () => ensureInstanceStatus(this.patcher, { namespace, name }, object.status, status));
  }

  private async ensureService(base: Omit<GatewayInstanceRenderInput, 'existingService'>): Promise<Service> {
    const { namespace, name } = base.instance;
    const existing = await findOwned<Service>(this.options.kubeConfig, 'Service', namespace, name);
    const desired = desiredService({ ...base, ...(existing ? { existingService: existing } : {}) });
    const stored = await ensureService(this.options.kubeConfig, this.patcher, desired, existing);
    if (!existing) this.logger.info({ instance: `${namespace}/${name}` }, 'gateway Service created');
    return stored;
  }

  private async ensureDeployment(base: Omit<GatewayInstanceRenderInput, 'existingDeployment'>): Promise<Deployment> {
    const { namespace, name } = base.instance;
    const existing = await findOwned<Deployment>(this.options.kubeConfig, 'Deployment', namespace, name);
    const desired = desiredDeployment({ ...base, ...(existing ? { existingDeployment: existing } : {}) });
    const stored = await ensureDeployment(this.options.kubeConfig, this.patcher, desired, existing);
    if (!existing) this.logger.info({ instance: `${namespace}/${name}` }, 'gateway Deployment created');
    return stored;
  }

  /** Runs one step, giving its failure the step's context. */
  private async step<T>(context: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (cause) {
      throw new Error(context, { cause });
    }
  }
}

function instancesPath(namespace: string): string {
  return `/apis/${CRD_GROUP}/${CRD_VERSION}/namespaces/${enc(namespace)}/${INSTANCE_PLURAL}`;
}

function instanceMeta(object: InstanceObject, namespace: string, name: string, spec: MeshGatewayInstanceSpec): InstanceMeta {
  return {
    name,
    namespace,
    uid: object.metadata?.uid ?? '',
    generation: object.metadata?.generation ?? 0,
    annotations: object.metadata?.annotations ?? {},
    spec,
  };
}

/** metav1.Time's text: RFC 3339 in UTC with whole seconds. */
function rfc3339(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
