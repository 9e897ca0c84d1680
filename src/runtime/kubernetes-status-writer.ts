// Kubernetes mode: writes the MeshGateway and MeshGatewayRoute conditions computed for every
// generation (src/gateway/status.ts, the same ones universal mode serves over REST) into the
// objects' status subresource. Periodic, because `Programmed` changes with proxy ACKs, which arrive
// after a generation; only a changed status is written, so an idle cluster sees no writes.
import type { KubeConfig } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import type { Kind } from '../core/resource.js';
import type { ResourceStore } from '../core/store.js';
import { MergePatcher } from '../k8s/controllers/merge-patch-request.js';
import type { ResourceStatuses } from './resource-status.js';

const PLURALS: Partial<Record<Kind, string>> = { MeshGateway: 'meshgateways', MeshGatewayRoute: 'meshgatewayroutes' };

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
    for (const kind of ['MeshGateway', 'MeshGatewayRoute'] as const) {
      for (const r of await options.store.list(kind)) {
        const status = options.statuses.get(kind, r.mesh, r.name);
        if (!status) continue;
        const body = JSON.stringify({ status: { conditions: status.conditions } });
        const id = `${kind}/${r.name}`;
        if (written.get(id) === body) continue;
        try {
          await patcher.clusterCustomStatus({ group: 'kuma.io', version: 'v1alpha1', plural: PLURALS[kind]!, name: r.name }, JSON.parse(body));
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
