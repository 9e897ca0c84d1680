// Kubernetes mode: writes the conditions computed for every generation (src/gateway/status.ts, the
// same ones universal mode serves over REST) of each kind whose descriptor declares a status
// (MeshGateway, MeshGatewayRoute) into the objects' status subresource. Periodic, because `Programmed` changes with proxy ACKs, which arrive
// after a generation; only a changed status is written, so an idle cluster sees no writes.
import type { KubeConfig } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { RESOURCE_KINDS } from '../api/resource-kinds.js';
import type { Kind } from '../core/resource.js';
import type { ResourceStore } from '../core/store.js';
import { MergePatcher } from '../k8s/controllers/merge-patch-request.js';
import { CRD_GROUP, CRD_VERSION, crdKind } from '../k8s/crds.js';
import type { ResourceStatuses } from './resource-status.js';

/**
 * The stored custom resources with a status, and their plurals. All are cluster-scoped (the
 * descriptor test holds them to it): the writer patches cluster-scoped objects only.
 */
const STATUS_KINDS: readonly { readonly kind: Kind; readonly plural: string }[] = RESOURCE_KINDS.filter(
  (d) => d.status !== undefined && d.kubernetes.form === 'crd',
).map((d) => ({ kind: d.kind, plural: crdKind(d.kind).plural }));

/** A running status writer. */
export interface StatusWriter {
  /** Write every changed status now. */
  sync(): Promise<void>;
  stop(): void;
}

/** Start writing statuses every `intervalMs` (default 2 s). */
export function startStatusWriter(options: {
  kubeConfig: KubeConfig;
  store: ResourceStore;
  statuses: ResourceStatuses;
  logger: Logger;
  intervalMs?: number;
}): StatusWriter {
  const patcher = new MergePatcher(options.kubeConfig);
  const written = new Map<string, string>();
  let running: Promise<void> | undefined;

  async function writeAll(): Promise<void> {
    for (const { kind, plural } of STATUS_KINDS) {
      for (const r of await options.store.list(kind)) {
        const status = options.statuses.get(kind, r.mesh, r.name);
        if (!status) continue;
        const body = JSON.stringify({ status: { conditions: status.conditions } });
        const id = `${kind}/${r.name}`;
        if (written.get(id) === body) continue;
        try {
          await patcher.clusterCustomStatus({ group: CRD_GROUP, version: CRD_VERSION, plural, name: r.name }, JSON.parse(body));
          written.set(id, body);
        } catch (err) {
          options.logger.warn({ err, kind, name: r.name }, 'status write failed; retrying on the next pass');
        }
      }
    }
  }

  const sync = () => (running ??= writeAll().finally(() => (running = undefined)));
  const timer = setInterval(() => void sync(), options.intervalMs ?? 2_000);
  timer.unref();
  return { sync, stop: () => clearInterval(timer) };
}
