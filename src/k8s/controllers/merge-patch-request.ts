// JSON merge patches through client-node's typed clients. The shared raw path (watch/kube-request)
// sends only GET, POST, PUT and DELETE, and the MeshGatewayInstance controller must merge-patch
// (docs/gateway.md §3.2). Answers are turned back into plain JSON, and failures into KubeApiError, so
// callers see the same shapes as on the raw path.
import {
  ApiException,
  AppsV1Api,
  CoreV1Api,
  CustomObjectsApi,
  PatchStrategy,
  setHeaderOptions,
  type KubeConfig,
} from '@kubernetes/client-node';

import { KubeApiError } from '../watch/kube-request.js';

const MERGE_PATCH = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

/** Where a custom object lives. */
export interface CustomObjectRef {
  readonly group: string;
  readonly version: string;
  readonly plural: string;
  readonly namespace: string;
  readonly name: string;
}

/** Sends merge patches for the kinds the MeshGatewayInstance controller writes. */
export class MergePatcher {
  private readonly core: CoreV1Api;
  private readonly apps: AppsV1Api;
  private readonly custom: CustomObjectsApi;

  constructor(kubeConfig: KubeConfig) {
    this.core = kubeConfig.makeApiClient(CoreV1Api);
    this.apps = kubeConfig.makeApiClient(AppsV1Api);
    this.custom = kubeConfig.makeApiClient(CustomObjectsApi);
  }

  /** Merge-patches Service `namespace/name`; resolves to the stored Service. */
  service<T>(namespace: string, name: string, body: unknown): Promise<T> {
    return send(`PATCH Service ${namespace}/${name}`, () => this.core.patchNamespacedService({ namespace, name, body }, MERGE_PATCH));
  }

  /** Merge-patches Deployment `namespace/name`; resolves to the stored Deployment. */
  deployment<T>(namespace: string, name: string, body: unknown): Promise<T> {
    return send(`PATCH Deployment ${namespace}/${name}`, () => this.apps.patchNamespacedDeployment({ namespace, name, body }, MERGE_PATCH));
  }

  /** Merge-patches the status subresource of a cluster-scoped custom object (MeshGateway, MeshGatewayRoute). */
  clusterCustomStatus<T>(ref: Omit<CustomObjectRef, 'namespace'>, body: unknown): Promise<T> {
    return send(`PATCH ${ref.plural}/status ${ref.name}`, () => this.custom.patchClusterCustomObjectStatus({ ...ref, body }, MERGE_PATCH));
  }

  /** Merge-patches the status subresource of a namespaced custom object. */
  customStatus<T>(ref: CustomObjectRef, body: unknown): Promise<T> {
    return send(`PATCH ${ref.plural}/status ${ref.namespace}/${ref.name}`, () =>
      this.custom.patchNamespacedCustomObjectStatus({ ...ref, body }, MERGE_PATCH),
    );
  }
}

async function send<T>(what: string, call: () => Promise<unknown>): Promise<T> {
  try {
    // Typed answers hold model classes and Dates; plain JSON is what every other path hands out.
    return JSON.parse(JSON.stringify(await call())) as T;
  } catch (cause) {
    if (!(cause instanceof ApiException)) throw new KubeApiError(`${what}: API server unreachable`, 0, undefined, { cause });
    const status = statusBody(cause.body);
    const reason = typeof status['reason'] === 'string' ? status['reason'] : undefined;
    const message = typeof status['message'] === 'string' ? `: ${status['message']}` : '';
    throw new KubeApiError(`${what}: HTTP ${cause.code}${message}`, cause.code, reason, { cause });
  }
}

// The exception body is the parsed Status when the client could decode it, else the raw text.
function statusBody(body: unknown): Record<string, unknown> {
  if (typeof body === 'string') {
    try {
      return statusBody(JSON.parse(body));
    } catch {
      return {};
    }
  }
  return typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
}
