// The ResourceStore of Kubernetes mode. Reads are served from watchers (one per kind, see
// watch/resource-watcher.ts), converted once per watch event; writes go to the API server
// (store/kube-writer.ts). Differences from the other stores, all forced by the Kubernetes API:
// - commit() has no all-or-nothing form: Kubernetes has no multi-object transactions. Instead of a
//   best-effort sequence that could leave half a batch written, a commit of more than one op is
//   refused; on Kubernetes, kubectl and admission are the write path for batches.
// - change events come from the watch, not from the write: a write resolves once the watch has
//   delivered its own change (bounded by `writeSettleMs`), so a caller reads its own write and sees
//   its event before the write resolves, as with the other stores, in the usual case.
// - during an API outage reads keep serving the cache and writes fail with StoreUnavailableError.
// - the first sync emits a put event per resource to listeners subscribed before open().
import type { KubeConfig, KubernetesObject } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import type { Kind, ResourceInput, ResourceKey, StoredResource } from '../core/resource.js';
import { isGlobalKind } from '../api/resource-kinds.js';
import { ChangeFanOut } from '../core/store-events.js';
import { assertValidKey, compareByMeshName, frozenKey, keyId, keyOfOp } from '../core/stored-resource.js';
import {
  StoreUnavailableError,
  type ChangeEvent,
  type ListOptions,
  type ResourceStore,
  type WriteOp,
  type WriteOptions,
} from '../core/store.js';
import { KubeWriter } from './store/kube-writer.js';
import {
  DEFAULT_SYSTEM_NAMESPACE,
  kindLocations,
  objectRef,
  toStoredResource,
  watchPath,
  type KindLocation,
  type KumaObject,
  type ObjectRef,
} from './store/kuma-objects.js';
import { WriteSettler } from './store/write-settler.js';
import { startWatcher, type ResourceWatcher, type WatcherHealth } from './watch/resource-watcher.js';

/** Options of the Kubernetes store. */
export interface KubernetesStoreOptions {
  readonly kubeConfig: KubeConfig;
  readonly logger: Logger;
  /** Namespace of the control plane, where mesh Secrets live (Kuma's `kuma-system`). */
  readonly systemNamespace?: string;
  /** Watchers' healing re-list period (default 5 min). */
  readonly resyncMs?: number;
  /** Watchers' restart backoff after an error (default 1 s doubling to 30 s). */
  readonly watchBackoff?: { readonly initialMs: number; readonly maxMs: number };
  /** Longest wait of a write for its own watch event before resolving anyway (default 5 s). */
  readonly writeSettleMs?: number;
  /** Bound of each write request (default 10 s); past it the write fails as unavailable. */
  readonly requestTimeoutMs?: number;
}

/** A ResourceStore backed by the Kubernetes API: Kuma CRDs and core/v1 Secrets of Kuma's type. */
export class KubernetesStore implements ResourceStore {
  /** No multi-object transactions: commit() takes at most one op. */
  readonly atomicCommit: boolean = false;
  private readonly logger: Logger;
  private readonly locations: ReadonlyMap<Kind, KindLocation>;
  private readonly watchers = new Map<Kind, ResourceWatcher<KumaObject>>();
  /** Converted resources per kind, by store key id: reads never scan other kinds. */
  private readonly rows = new Map<Kind, Map<string, StoredResource>>();
  /** Store key id of each Kubernetes object (`kind/namespace/name`); a mesh change moves the key. */
  private readonly keyOfObject = new Map<string, string>();
  private readonly fanOut: ChangeFanOut;
  private readonly settler: WriteSettler;
  private readonly writer: KubeWriter;
  private state: 'new' | 'opening' | 'open' | 'closed' = 'new';

  constructor(private readonly options: KubernetesStoreOptions) {
    this.logger = options.logger.child({ module: 'k8s-store' });
    const locations = kindLocations(options.systemNamespace ?? DEFAULT_SYSTEM_NAMESPACE);
    this.locations = new Map(locations.map((l) => [l.kind, l]));
    for (const location of locations) this.rows.set(location.kind, new Map());
    this.fanOut = new ChangeFanOut(this.logger);
    this.settler = new WriteSettler(options.writeSettleMs ?? 5000, (kind, ref) => this.watchers.get(kind)?.get(ref.namespace, ref.name));
    this.writer = new KubeWriter({
      kubeConfig: options.kubeConfig,
      requestTimeoutMs: options.requestTimeoutMs ?? 10_000,
      location: (kind) => this.location(kind),
      settled: (location, ref, answer) => this.settler.settled(location.kind, ref, answer),
    });
  }

  /**
   * Start one watcher per kind and resolve once every one has completed its first full list
   * (readiness: nothing is served from a partial view). Rejects if the store is closed first.
   */
  async open(): Promise<void> {
    if (this.state !== 'new') throw new Error(`Kubernetes store: open() called on a ${this.state} store`);
    this.state = 'opening';
    for (const location of this.locations.values()) this.watchers.set(location.kind, this.startWatcher(location));
    try {
      await Promise.all([...this.watchers.values()].map((w) => w.synced));
    } catch (cause) {
      throw new StoreUnavailableError('Kubernetes store closed before its first sync', { cause });
    }
    if (this.state === 'opening') this.state = 'open';
    const resources = [...this.rows.values()].reduce((n, rows) => n + rows.size, 0);
    this.logger.info({ resources }, 'Kubernetes store synced');
  }

  /** Look one resource up in the cache. */
  async get<K extends Kind>(key: ResourceKey & { kind: K }): Promise<StoredResource<K> | undefined> {
    this.assertOpen();
    return this.rowsOf(key.kind).get(keyId(key)) as StoredResource<K> | undefined;
  }

  /** All cached resources of a kind, sorted by (mesh, name). */
  async list<K extends Kind>(kind: K, options?: ListOptions): Promise<StoredResource<K>[]> {
    this.assertOpen();
    const mesh = isGlobalKind(kind) ? undefined : options?.mesh;
    const found = [...this.rowsOf(kind).values()].filter((r) => mesh === undefined || r.mesh === mesh);
    return found.sort(compareByMeshName) as StoredResource<K>[];
  }

  /** Create or update one resource through the API server. */
  async put<K extends Kind>(resource: ResourceInput<K>, options?: WriteOptions): Promise<StoredResource<K>> {
    this.assertOpen();
    assertValidKey(resource);
    return (await this.writer.put(resource, options)) as StoredResource<K>;
  }

  /** Delete one resource through the API server; false when it did not exist. */
  async delete(key: ResourceKey, options?: WriteOptions): Promise<boolean> {
    this.assertOpen();
    assertValidKey(key);
    return this.writer.delete(key, options);
  }

  /** One op is written as put/delete; several are refused (no multi-object transactions). */
  async commit(ops: readonly WriteOp[]): Promise<StoredResource[]> {
    this.assertOpen();
    if (ops.length === 0) return [];
    const [op] = ops;
    if (ops.length > 1 || !op) {
      const keys = ops.map((o) => keyOfOp(o).name).join(', ');
      throw new Error(`commit of ${ops.length} resources (${keys}): the Kubernetes API has no multi-object transactions; write them one by one or with kubectl apply`);
    }
    if (op.op === 'put') return [await this.put(op.resource, op.options)];
    await this.delete(op.key, op.options);
    return [];
  }

  /** Subscribe to changes as the watchers see them. */
  watch(listener: (event: ChangeEvent) => void): () => void {
    return this.fanOut.watch(listener);
  }

  /**
   * Name and namespace of the object a stored resource of a namespaced kind lives in (a
   * Dataplane `backend-1.shop`); undefined for cluster-scoped kinds and the system namespace's
   * Secrets, whose store name is the object name.
   */
  objectNameOf(key: ResourceKey): { readonly name: string; readonly namespace: string } | undefined {
    const location = this.locations.get(key.kind);
    if (!location?.namespacedName) return undefined;
    const ref = objectRef(location, key.name);
    return ref?.namespace === undefined ? undefined : { name: ref.name, namespace: ref.namespace };
  }

  /**
   * How multi-zone sync names this store's resources (src/kds/sync-apply.ts StoreNaming): a kind
   * kept in namespaced objects is received into the system namespace, `<name>.<system namespace>`
   * in the store, and sent without that suffix; other kinds keep their names.
   */
  syncNaming(): { toStore(kind: string, name: string): string; toWire(kind: string, name: string): string } {
    const suffix = `.${this.options.systemNamespace ?? DEFAULT_SYSTEM_NAMESPACE}`;
    const namespaced = (kind: string) => this.locations.get(kind as Kind)?.namespacedName === true;
    return {
      toStore: (kind, name) => (namespaced(kind) ? `${name}${suffix}` : name),
      toWire: (kind, name) => (namespaced(kind) && name.endsWith(suffix) ? name.slice(0, -suffix.length) : name),
    };
  }

  /** Liveness of each kind's watcher: a readiness endpoint can report a lost API connection. */
  health(): Partial<Record<Kind, WatcherHealth>> {
    const out: Partial<Record<Kind, WatcherHealth>> = {};
    for (const [kind, watcher] of this.watchers) out[kind] = watcher.health();
    return out;
  }

  /** Stop every watcher; later calls fail with StoreUnavailableError. Idempotent. */
  async close(): Promise<void> {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.settler.cancelAll();
    await Promise.all([...this.watchers.values()].map((w) => w.stop()));
  }

  private startWatcher(location: KindLocation): ResourceWatcher<KumaObject> {
    const watcher = startWatcher<KumaObject>({
      kubeConfig: this.options.kubeConfig,
      path: watchPath(location),
      logger: this.logger,
      ...(location.fieldSelector === undefined ? {} : { fieldSelector: location.fieldSelector }),
      ...(this.options.resyncMs === undefined ? {} : { resyncMs: this.options.resyncMs }),
      ...(this.options.watchBackoff === undefined ? {} : { backoff: this.options.watchBackoff }),
    });
    watcher.on('add', (obj) => this.upserted(location, obj));
    watcher.on('update', (obj) => this.upserted(location, obj));
    watcher.on('delete', (obj) => this.deleted(location, obj));
    return watcher;
  }

  // An object that fails validation (admission normally prevents it) is skipped; an update that
  // fails keeps the last valid version, as an invalid gateway keeps its last good config.
  private upserted(location: KindLocation, obj: KumaObject): void {
    const ref = refOf(obj);
    const converted = toStoredResource(location, obj);
    if (!converted.ok) {
      const { namespace, name } = ref;
      this.logger.warn({ kind: location.kind, namespace, name, violations: converted.violations }, 'invalid Kubernetes object skipped');
    } else {
      const stored = converted.value;
      const rows = this.rowsOf(location.kind);
      const objectId = objectIdOf(location, ref);
      const events: ChangeEvent[] = [];
      const previousId = this.keyOfObject.get(objectId);
      const previous = previousId === undefined ? undefined : rows.get(previousId);
      if (previousId !== undefined && previous && previousId !== keyId(stored)) {
        rows.delete(previousId);
        events.push({ type: 'delete', key: frozenKey(previous), resource: previous });
      }
      rows.set(keyId(stored), stored);
      this.keyOfObject.set(objectId, keyId(stored));
      events.push({ type: 'put', key: frozenKey(stored), resource: stored });
      this.fanOut.emit(events);
    }
    this.settler.observed(location.kind, ref);
  }

  private deleted(location: KindLocation, obj: KumaObject): void {
    const ref = refOf(obj);
    const objectId = objectIdOf(location, ref);
    const rows = this.rowsOf(location.kind);
    const id = this.keyOfObject.get(objectId);
    const previous = id === undefined ? undefined : rows.get(id);
    this.keyOfObject.delete(objectId);
    if (id !== undefined && previous) {
      rows.delete(id);
      this.fanOut.emit([{ type: 'delete', key: frozenKey(previous), resource: previous }]);
    }
    this.settler.observed(location.kind, ref);
  }

  private rowsOf(kind: Kind): Map<string, StoredResource> {
    const rows = this.rows.get(kind);
    if (!rows) throw new Error(`Kubernetes store: no API location for kind ${kind}`);
    return rows;
  }

  private location(kind: Kind): KindLocation {
    const location = this.locations.get(kind);
    if (!location) throw new Error(`Kubernetes store: no API location for kind ${kind}`);
    return location;
  }

  // Before the first full list the cache is partial, and a partial answer is never given.
  private assertOpen(): void {
    if (this.state === 'closed') throw new StoreUnavailableError('Kubernetes store is closed');
    if (this.state !== 'open') throw new StoreUnavailableError('Kubernetes store has not completed its first sync');
  }
}

function refOf(obj: KubernetesObject): ObjectRef {
  return { namespace: obj.metadata?.namespace || undefined, name: obj.metadata?.name ?? '' };
}

function objectIdOf(location: KindLocation, ref: ObjectRef): string {
  return `${location.kind}/${ref.namespace ?? ''}/${ref.name}`;
}
