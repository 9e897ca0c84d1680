// The shared delivery board (runtime/shared-delivery.ts) in Kubernetes mode: one ConfigMap per
// replica in the control plane's namespace, labelled so that replicas list each other's. Kubernetes
// has no clock the replicas share, so liveness is judged as the Lease election judges it: a reader
// notes, on its own clock, when it last saw a replica's ConfigMap change, and a writer changes its
// ConfigMap at least every HEARTBEAT_MS (a heartbeat field) even when no entry changed.
//
// Entries are kept compact: every write goes to etcd, which is tuned for small objects, and a
// replica may rewrite its ConfigMap every second while its proxies ACK a change. So a ConfigMap
// holds, per proxy, the summary statuses need and the connection facts the inspect views show
// (connected, since when, the admin port), not the per-type counters and versions: about 150
// bytes a proxy, 150 KB for 1,000 proxies, far below a ConfigMap's 1 MiB.
import { createHash } from 'node:crypto';
import type { KubeConfig } from '@kubernetes/client-node';
import { KubeApiError, kubeRequest } from '../k8s/watch/kube-request.js';
import { preferred, sharedProxyFromJson, type DeliveryBoard, type DeliveryPublication, type SharedProxy } from './shared-delivery.js';

/** Label every board ConfigMap carries (and readers select). */
export const DELIVERY_BOARD_LABEL = 'portico.io/delivery-board';
/** A writer rewrites its ConfigMap at least this often. */
export const HEARTBEAT_MS = 2_000;
/** A ConfigMap unchanged this long (as this replica saw it) is deleted: its replica is long gone. */
const FORGET_AFTER_MS = 3_600_000;

interface ConfigMap {
  readonly metadata: { readonly name: string; readonly resourceVersion?: string; readonly labels?: Record<string, string> };
  readonly data?: Record<string, string>;
}

/** Options of KubernetesDeliveryBoard. */
export interface KubernetesDeliveryBoardOptions {
  readonly kubeConfig: KubeConfig;
  readonly namespace: string;
  /** Injectable clock (local time of observations and heartbeats). */
  readonly now?: () => number;
}

/** Name of a replica's ConfigMap: DNS-safe, and unique per replica even after sanitising. */
export function boardConfigMapName(replica: string): string {
  const safe = replica.toLowerCase().replace(/[^a-z0-9-]/g, '-').replace(/^-+|-+$/g, '').slice(0, 200);
  const hash = createHash('sha256').update(replica).digest('hex').slice(0, 8);
  return `portico-delivery-${safe === '' ? 'replica' : safe}-${hash}`;
}

/** The board over ConfigMaps. */
export class KubernetesDeliveryBoard implements DeliveryBoard {
  private readonly now: () => number;
  private readonly path: string;
  /** Each publishing replica's entries and last write (one in a control plane; several in tests). */
  private readonly mine = new Map<string, { entries: Map<string, SharedProxy>; lastWrite: number }>();
  /** Other replicas' ConfigMaps: when this replica saw each change, and its parsed entries. */
  private readonly seen = new Map<string, { resourceVersion: string; observedAt: number; replica: string; entries: ReadonlyMap<string, SharedProxy> }>();

  constructor(private readonly options: KubernetesDeliveryBoardOptions) {
    this.now = options.now ?? Date.now;
    this.path = `/api/v1/namespaces/${encodeURIComponent(options.namespace)}/configmaps`;
  }

  async publish(replica: string, publication: DeliveryPublication): Promise<void> {
    const mine = this.mine.get(replica) ?? { entries: new Map<string, SharedProxy>(), lastWrite: Number.NEGATIVE_INFINITY };
    this.mine.set(replica, mine);
    for (const [nodeId, entry] of publication.upserts) mine.entries.set(nodeId, entry);
    for (const nodeId of publication.removals) mine.entries.delete(nodeId);
    const changed = publication.upserts.size > 0 || publication.removals.length > 0;
    if (!changed && this.now() - mine.lastWrite < HEARTBEAT_MS) return;
    const name = boardConfigMapName(replica);
    const body = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name, labels: { [DELIVERY_BOARD_LABEL]: 'true', 'app.kubernetes.io/managed-by': 'portico' } },
      data: { replica, heartbeat: new Date(this.now()).toISOString(), entries: entriesText(mine.entries) },
    };
    try {
      await kubeRequest(this.options.kubeConfig, { method: 'PUT', path: `${this.path}/${name}`, body });
    } catch (err) {
      if (!(err instanceof KubeApiError) || err.status !== 404) throw err;
      await kubeRequest(this.options.kubeConfig, { method: 'POST', path: this.path, body });
    }
    mine.lastWrite = this.now();
  }

  async readOthers(replica: string, staleAfterMs: number): Promise<ReadonlyMap<string, SharedProxy>> {
    const list = await kubeRequest<{ items?: ConfigMap[] }>(this.options.kubeConfig, { path: this.path, query: { labelSelector: `${DELIVERY_BOARD_LABEL}=true` } });
    const now = this.now();
    const present = new Set<string>();
    for (const cm of list.items ?? []) {
      const name = cm.metadata.name;
      present.add(name);
      const version = cm.metadata.resourceVersion ?? '';
      const known = this.seen.get(name);
      if (known?.resourceVersion === version) continue;
      this.seen.set(name, { resourceVersion: version, observedAt: now, replica: cm.data?.['replica'] ?? '', entries: parseEntries(cm.data?.['entries']) });
    }
    for (const name of [...this.seen.keys()]) if (!present.has(name)) this.seen.delete(name);
    const merged = new Map<string, SharedProxy>();
    for (const [name, entry] of [...this.seen].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      if (entry.replica === replica) continue;
      if (now - entry.observedAt > FORGET_AFTER_MS) {
        await this.remove(name);
        continue;
      }
      if (now - entry.observedAt > staleAfterMs) continue;
      for (const [nodeId, proxy] of entry.entries) merged.set(nodeId, preferred(merged.get(nodeId), proxy));
    }
    return merged;
  }

  async withdraw(replica: string): Promise<void> {
    this.mine.delete(replica);
    await this.remove(boardConfigMapName(replica));
  }

  async close(): Promise<void> {}

  private async remove(name: string): Promise<void> {
    try {
      await kubeRequest(this.options.kubeConfig, { method: 'DELETE', path: `${this.path}/${name}` });
    } catch (err) {
      if (!(err instanceof KubeApiError) || err.status !== 404) throw err;
    }
    this.seen.delete(name);
  }

}

/** A replica's entries as JSON: summaries and connection facts, without per-type records. */
export function entriesText(entries: ReadonlyMap<string, SharedProxy>): string {
  const sorted = [...entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return JSON.stringify(Object.fromEntries(sorted.map(([id, e]) => [id, compact(e)])));
}

function compact(entry: SharedProxy): SharedProxy {
  const node = entry.node;
  if (node === undefined) return { delivery: entry.delivery };
  const { nodeId, connectedStreams, lastConnectedAt, lastDisconnectedAt, adminPort } = node;
  return {
    delivery: entry.delivery,
    node: {
      nodeId,
      connectedStreams,
      ...(lastConnectedAt ? { lastConnectedAt } : {}),
      ...(lastDisconnectedAt ? { lastDisconnectedAt } : {}),
      ...(adminPort === undefined ? {} : { adminPort }),
      types: [],
    },
  };
}

/** A ConfigMap's entries; an unreadable one counts as empty (it is rewritten within seconds). */
function parseEntries(text: string | undefined): ReadonlyMap<string, SharedProxy> {
  if (text === undefined) return new Map();
  try {
    const raw = JSON.parse(text) as Record<string, unknown>;
    return new Map(Object.entries(raw).map(([id, e]) => [id, sharedProxyFromJson(JSON.stringify(e))]));
  } catch {
    return new Map();
  }
}
