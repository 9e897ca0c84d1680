// Kubernetes-mode controllers wired to their triggers: watchers over Pods, Services, Deployments,
// Namespaces and MeshGatewayInstances, plus MeshGateway changes from the store, feed one work
// queue per controller (docs/gateway.md §3.1-§3.5). Only zone (and standalone) control planes run them.
import type { KubeConfig, V1Deployment, V1Namespace, V1Pod, V1Service } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import type { StoredResource } from '../core/resource.js';
import type { ResourceStore } from '../core/store.js';
import { CRD_GROUP, CRD_VERSION } from '../k8s/crds.js';
import { INSTANCE_PLURAL } from '../k8s/controllers/ensure-instance-status.js';
import { MeshGatewayInstanceController, instanceKeyForOwned, instanceKeysForMeshGateway } from '../k8s/controllers/mesh-gateway-instance-controller.js';
import { EventRecorder } from '../k8s/controllers/kube-events.js';
import { POD_CONTROLLER_COMPONENT, PodController, podKeysForNamespace, podKeysForService } from '../k8s/controllers/pod-controller.js';
import { ServiceUpstreamController, serviceUpstreamKeyForEvent } from '../k8s/controllers/service-upstream-controller.js';
import type { GatewayPodSettings } from '../k8s/render/gateway-instance-input.js';
import { objectKey } from '../k8s/watch/object-cache.js';
import { startWatcher, type ResourceWatcher, type WatcherHealth } from '../k8s/watch/resource-watcher.js';
import { WorkQueue } from '../k8s/work-queue.js';

/** Settings of the Kubernetes controllers. */
export interface KubernetesControllerOptions {
  readonly kubeConfig: KubeConfig;
  readonly store: ResourceStore;
  readonly logger: Logger;
  readonly gatewayPods: GatewayPodSettings;
  /** Zone name written into generated Dataplanes' tags, when the control plane runs in a zone. */
  readonly zone?: string;
}

/** Running controllers. */
export interface KubernetesControllers {
  /** Resolves once every watcher has listed once. */
  readonly synced: Promise<void>;
  /** Resolves when no reconcile is queued or running (tests). */
  idle(): Promise<void>;
  /** Each watcher's health, by the collection path it watches. */
  health(): Record<string, WatcherHealth>;
  stop(): Promise<void>;
}

/** Split a `namespace/name` queue key. */
function splitKey(key: string): [string, string] {
  const slash = key.indexOf('/');
  return slash < 0 ? ['', key] : [key.slice(0, slash), key.slice(slash + 1)];
}

/** Every MeshGatewayInstance, in every namespace. */
const INSTANCES_PATH = `/apis/${CRD_GROUP}/${CRD_VERSION}/${INSTANCE_PLURAL}`;

function queueFor(name: string, logger: Logger, reconcile: (ns: string, n: string) => Promise<void>): WorkQueue {
  return new WorkQueue(name, (key) => reconcile(...splitKey(key)), logger);
}

function keyOf(obj: { metadata?: { namespace?: string; name?: string } }): string {
  return objectKey(obj.metadata?.namespace, obj.metadata?.name ?? '');
}

/** Start the MeshGatewayInstance, Pod and service-upstream controllers and their triggers. */
export function startKubernetesControllers(options: KubernetesControllerOptions): KubernetesControllers {
  const { kubeConfig, store, logger } = options;
  const watch = <T extends { metadata?: object }>(path: string) => startWatcher<T & import('@kubernetes/client-node').KubernetesObject>({ kubeConfig, path, logger: logger.child({ watch: path }) });
  const pods = watch<V1Pod>('/api/v1/pods');
  const services = watch<V1Service>('/api/v1/services');
  const deployments = watch<V1Deployment>('/apis/apps/v1/deployments');
  const namespaces = watch<V1Namespace>('/api/v1/namespaces');
  const instances = watch<{ metadata?: { namespace?: string; name?: string } }>(INSTANCES_PATH);
  const watched = { '/api/v1/pods': pods, '/api/v1/services': services, '/apis/apps/v1/deployments': deployments, '/api/v1/namespaces': namespaces, [INSTANCES_PATH]: instances };
  const watchers: ResourceWatcher<never>[] = Object.values(watched) as unknown as ResourceWatcher<never>[];

  const events = new EventRecorder({ kubeConfig, logger, component: POD_CONTROLLER_COMPONENT });
  const instanceController = new MeshGatewayInstanceController({
    kubeConfig,
    logger,
    listMeshGateways: (mesh) => store.list('MeshGateway', { mesh }),
    settings: options.gatewayPods,
  });
  const podController = new PodController({ kubeConfig, logger, events, ...(options.zone ? { zone: options.zone } : {}) });
  const upstreamController = new ServiceUpstreamController({ kubeConfig, logger });
  const instanceQueue = queueFor(INSTANCE_PLURAL, logger, (ns, n) => instanceController.reconcile(ns, n));
  const podQueue = queueFor('pods', logger, (ns, n) => podController.reconcile(ns, n));
  const upstreamQueue = queueFor('service-upstream', logger, (ns, n) => upstreamController.reconcile(ns, n));
  const queues = [instanceQueue, podQueue, upstreamQueue];

  // docs/gateway.md §3.1: an instance reconciles on its own changes and on those of the objects it owns.
  const instanceKey = (obj: V1Service | V1Deployment) => {
    const key = instanceKeyForOwned(obj);
    if (key) instanceQueue.add(key);
  };
  instances.on('add', (o) => instanceQueue.add(keyOf(o)));
  instances.on('update', (o) => instanceQueue.add(keyOf(o)));
  instances.on('delete', (o) => instanceQueue.add(keyOf(o)));
  for (const w of [services, deployments] as ResourceWatcher<V1Service | V1Deployment>[]) {
    w.on('add', instanceKey);
    w.on('update', instanceKey);
    w.on('delete', instanceKey);
  }
  // MeshGateway events come from the store; the previous version is remembered to map both.
  const lastGateways = new Map<string, StoredResource<'MeshGateway'>>();
  const unwatchStore = store.watch((event) => {
    if (event.key.kind !== 'MeshGateway') return;
    const id = `${event.key.mesh}/${event.key.name}`;
    const previous = lastGateways.get(id);
    const current = event.type === 'put' ? (event.resource as StoredResource<'MeshGateway'>) : undefined;
    if (current) lastGateways.set(id, current);
    else lastGateways.delete(id);
    for (const key of instanceKeysForMeshGateway(previous, current)) instanceQueue.add(key);
  });

  // docs/gateway.md §3.3/§3.4: pods become Dataplanes; Services and namespaces change their tags and mesh.
  pods.on('add', (p) => podQueue.add(keyOf(p)));
  pods.on('update', (p) => podQueue.add(keyOf(p)));
  const podsOfService = (s: V1Service) => podKeysForService(s, pods.list()).forEach((k) => podQueue.add(k));
  services.on('add', podsOfService);
  services.on('update', (s, old) => {
    podsOfService(old);
    podsOfService(s);
  });
  services.on('delete', podsOfService);
  namespaces.on('update', (ns) => podKeysForNamespace(ns, pods.list()).forEach((k) => podQueue.add(k)));

  // docs/gateway.md §3.5: the service-upstream annotation, on create and update only.
  for (const event of ['add', 'update'] as const) {
    services.on(event, (s: V1Service) => {
      const key = serviceUpstreamKeyForEvent(event, s);
      if (key) upstreamQueue.add(key);
    });
  }

  return {
    synced: Promise.all(watchers.map((w) => w.synced)).then(async () => {
      const gateways = await store.list('MeshGateway');
      for (const gw of gateways) if (!lastGateways.has(`${gw.mesh}/${gw.name}`)) lastGateways.set(`${gw.mesh}/${gw.name}`, gw);
    }),
    async idle() {
      for (const q of queues) await q.idle();
    },
    health: () => Object.fromEntries(Object.entries(watched).map(([path, w]) => [path, w.health()])),
    async stop() {
      unwatchStore();
      for (const q of queues) q.stop();
      await Promise.all(watchers.map((w) => w.stop()));
    },
  };
}
