// A faithful in-process fake of the Kubernetes API server for tests that drive Portico's
// Kubernetes code through the real @kubernetes/client-node. Plain HTTP on 127.0.0.1:0; the
// KubeConfig it hands out sets skipTLSVerify, which client-node requires for http:// servers.
// See docs in each module: defaults.ts (server-side defaults), patch.ts (strategic merge
// simplification), controllers.ts (garbage collection, namespaces), watch-stream.ts (410 Gone).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { KubeConfig } from '@kubernetes/client-node';
import { Controllers } from './controllers.js';
import type { FaultRule, RequestFilter, RequestRecord } from './faults.js';
import { Faults } from './faults.js';
import { createHandler } from './http-handler.js';
import type { Obj } from './json.js';
import { child, metadataOf, str } from './json.js';
import { ObjectStore } from './object-store.js';
import type { CustomResourceDescription, ResourceType } from './resource-types.js';
import { customResourceType, ResourceRegistry } from './resource-types.js';
import type { TokenReviewResult } from './token-review.js';
import { TokenReviews } from './token-review.js';
import { WatchHub } from './watch-stream.js';
import { timestamp, Writer } from './write-operations.js';

/** Types a test needs to describe resources, faults and token reviews. */
export type { CustomResourceDescription, ResourceType } from './resource-types.js';
/** Fault rules and the request log. */
export type { FaultRule, RequestFilter, RequestRecord, Verb } from './faults.js';
/** The TokenReview table entry. */
export type { TokenReviewResult } from './token-review.js';
/** A plain JSON object, the shape of every stored object. */
export type { Obj } from './json.js';
/** Waits for client-node informer callbacks. */
export { InformerRecorder } from './informer-recorder.js';
/** Turns a client-node failure into its code and parsed Status. */
export { apiFailure } from './client-errors.js';

/** Options of `startFakeKubeApi`. */
export interface FakeKubeApiOptions {
  /** Require `Authorization: Bearer <token>` on every request (default: no authentication). */
  readonly token?: string;
  /** Namespaces that exist at start (default: default, kube-system, kube-public, kube-node-lease). */
  readonly namespaces?: readonly string[];
  /** Custom resource types (descriptions or real CRD objects) registered at start. */
  readonly customResources?: ReadonlyArray<CustomResourceDescription | Obj>;
  /** Watch events retained for resuming watches (default 10000); older resourceVersions get 410 Gone. */
  readonly historyLimit?: number;
  /** Port to listen on (default 0: a free one), e.g. one a client was configured with before the server existed. */
  readonly port?: number;
  /** Interval of BOOKMARK events on watches that allow them (default 0: only `sendBookmarks()` and before a timeout). */
  readonly bookmarkIntervalMs?: number;
}

/** Names one object for the test helpers. */
export interface ObjectRef {
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
  readonly namespace?: string;
}

/** A running fake API server with store access and fault injection for tests. */
export interface FakeKubeApi {
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  /** A KubeConfig for this server (context namespace `default` unless given; the server's token unless given). */
  kubeConfig(options?: { namespace?: string; token?: string }): KubeConfig;
  /** Ends all watches and held requests and stops listening. */
  close(): Promise<void>;
  /** Serves a custom resource type from now on (like applying a CRD). */
  registerCustomResource(description: CustomResourceDescription | Obj): ResourceType;
  /** Creates objects in order like POST (defaults, validation; namespaces must exist or come first); throws the KubeError. */
  seed(objects: readonly Obj[]): Obj[];
  /** The stored object, or undefined. */
  get(ref: ObjectRef): Obj | undefined;
  /** The stored objects of a kind (in one namespace, or all). */
  list(apiVersion: string, kind: string, namespace?: string): Obj[];
  /** Replaces `.status` as a controller would (through the status subresource when the type has one). */
  setStatus(ref: ObjectRef, status: unknown): Obj;
  /** Plays the Deployment controller: status with an `Available` condition of this value and matching replica counts. */
  setDeploymentAvailable(namespace: string, name: string, available: 'True' | 'False' | 'Unknown'): Obj;
  /** Plays a cloud load-balancer controller: sets a Service's `status.loadBalancer.ingress`. */
  setServiceLoadBalancer(namespace: string, name: string, ingress: readonly Obj[]): Obj;
  /** Sets what a TokenReview of `token` answers. */
  setTokenReview(token: string, result: TokenReviewResult): void;
  /** Resolves once the garbage collector and namespace controller are idle. */
  settle(): Promise<void>;
  /** The current global resourceVersion. */
  resourceVersion(): string;
  /** Forgets all watch history: a watch from any earlier resourceVersion now gets 410 Gone. */
  compact(): void;
  /** Ends every open watch, cleanly ('end', default) or by resetting the connection; returns how many. */
  dropWatches(mode?: 'end' | 'reset'): number;
  /** Sends a BOOKMARK to every watch that allowed bookmarks. */
  sendBookmarks(): void;
  /** Number of open watch streams. */
  openWatches(): number;
  /** Resolves once at least `count` watch streams are open. */
  waitForWatches(count: number): Promise<void>;
  /** Answers the next matching requests with a 5xx or RBAC 403 Status, or holds them unanswered (see FaultRule). */
  failNext(rule: FaultRule): void;
  /** Removes all fault rules. */
  clearFaults(): void;
  /** Number of requests held by a `hang` fault. */
  heldRequests(): number;
  /** Ends held requests: 504 Timeout (default), connection reset, or 'proceed' to serve them now; returns how many. */
  releaseHung(mode?: 'timeout' | 'reset' | 'proceed'): number;
  /** Every request received so far, with verb and final status. */
  requests(): readonly RequestRecord[];
  /** Number of requests matching the filter. */
  countRequests(filter?: RequestFilter): number;
}

const DEFAULT_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

/** Starts a fake API server on 127.0.0.1:0. */
export async function startFakeKubeApi(options: FakeKubeApiOptions = {}): Promise<FakeKubeApi> {
  const registry = new ResourceRegistry();
  const store = new ObjectStore(options.historyLimit ?? 10_000);
  const controllers = new Controllers(store);
  const writer = new Writer(store, controllers);
  const watches = new WatchHub(store, options.bookmarkIntervalMs ?? 0);
  const faults = new Faults();
  const tokenReviews = new TokenReviews();
  for (const crd of options.customResources ?? []) registry.register(customResourceType(crd));
  const typeOf = (apiVersion: string, kind: string): ResourceType => {
    const type = registry.byKind(apiVersion, kind);
    if (!type) throw new Error(`the fake API server does not serve ${apiVersion} ${kind}`);
    return type;
  };
  const namespaceOf = (type: ResourceType, namespace: string | undefined): string => (type.namespaced ? (namespace ?? 'default') : '');
  let address = '';
  const server = http.createServer(createHandler({ registry, store, writer, watches, faults, tokenReviews, token: options.token, serverAddress: () => address }));
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  address = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  const url = `http://${address}`;
  for (const name of options.namespaces ?? DEFAULT_NAMESPACES) writer.create(typeOf('v1', 'Namespace'), '', { metadata: { name } });

  const api: FakeKubeApi = {
    url,
    kubeConfig: (kc = {}) => {
      const config = new KubeConfig();
      const token = kc.token ?? options.token;
      config.loadFromOptions({
        clusters: [{ name: 'fake', server: url, skipTLSVerify: true }],
        users: [{ name: 'fake', ...(token ? { token } : {}) }],
        contexts: [{ name: 'fake', cluster: 'fake', user: 'fake', namespace: kc.namespace ?? 'default' }],
        currentContext: 'fake',
      });
      return config;
    },
    close: async () => {
      watches.dropAll('end');
      faults.releaseHung('reset');
      controllers.stop();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
    registerCustomResource: (description) => registry.register(customResourceType(description)),
    seed: (objects) => objects.map((obj) => {
      const type = typeOf(str(obj, 'apiVersion'), str(obj, 'kind'));
      return writer.create(type, namespaceOf(type, str(child(obj, 'metadata'), 'namespace') || undefined), obj);
    }),
    get: (ref) => {
      const type = typeOf(ref.apiVersion, ref.kind);
      return store.get(type, namespaceOf(type, ref.namespace), ref.name);
    },
    list: (apiVersion, kind, namespace) => store.list(typeOf(apiVersion, kind), namespace),
    setStatus: (ref, status) => {
      const type = typeOf(ref.apiVersion, ref.kind);
      const namespace = namespaceOf(type, ref.namespace);
      const current = store.get(type, namespace, ref.name) ?? {};
      return writer.update(type, namespace, ref.name, { ...current, status }, { fromPatch: true, ...(type.statusSubresource ? { subresource: 'status' as const } : {}) });
    },
    setDeploymentAvailable: (namespace, name, available) => {
      const ref = { apiVersion: 'apps/v1', kind: 'Deployment', namespace, name };
      const deployment = api.get(ref) ?? {};
      const replicas = Number(child(deployment, 'spec')?.['replicas'] ?? 1);
      const ready = available === 'True' ? replicas : 0;
      const now = timestamp();
      const condition = available === 'True'
        ? { type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable', message: 'Deployment has minimum availability.' }
        : { type: 'Available', status: available, reason: 'MinimumReplicasUnavailable', message: 'Deployment does not have minimum availability.' };
      return api.setStatus(ref, {
        observedGeneration: metadataOf(deployment)['generation'], replicas, updatedReplicas: replicas,
        ...(ready > 0 ? { readyReplicas: ready, availableReplicas: ready } : { unavailableReplicas: replicas }),
        conditions: [{ ...condition, lastUpdateTime: now, lastTransitionTime: now }],
      });
    },
    setServiceLoadBalancer: (namespace, name, ingress) => api.setStatus({ apiVersion: 'v1', kind: 'Service', namespace, name }, { loadBalancer: { ingress } }),
    setTokenReview: (token, result) => tokenReviews.set(token, result),
    settle: () => controllers.settle(),
    resourceVersion: () => String(store.currentRevision()),
    compact: () => store.compact(),
    dropWatches: (mode = 'end') => watches.dropAll(mode),
    sendBookmarks: () => watches.sendBookmarks(),
    openWatches: () => watches.count(),
    waitForWatches: (count) => watches.waitFor(count),
    failNext: (rule) => faults.failNext(rule),
    clearFaults: () => faults.clear(),
    heldRequests: () => faults.heldCount(),
    releaseHung: (mode) => faults.releaseHung(mode),
    requests: () => faults.log,
    countRequests: (filter) => faults.count(filter),
  };
  return api;
}
