// A list+watch of one Kubernetes collection that stays alive on its own (docs/robustness.md §3.5).
//
// It drives client-node's ListWatch (what makeInformer builds), one instance per "session", and
// works around what that informer does not do:
// - after an `error` (failed list, watch refused, connection reset) it never restarts: we start a
//   new session with backoff, 1 s doubling to 30 s;
// - stop() aborts the watch, which reports an AbortError through `error`; a stop() during the list
//   still opens a watch afterwards, and one during the watch request leaves it unaborted: every
//   callback and list of a superseded session is ignored, and it is stopped again once started;
// - it re-lists only after a 410: we re-list every `resyncMs` (default 5 min) by replacing the
//   session, which heals missed events and silently hung watches (its 30 s watch timeout signal is
//   built but never used).
// - the restart timer is the only thing that retries a watcher whose API server is unreachable or
//   refuses it, so it keeps the process alive (a control plane started before the API server, or
//   before its RBAC, must keep retrying, not exit); stop() clears it.
// Every list, the first and each later one (410, restart, resync), goes through our list function,
// which diffs the complete answer against the watcher's own cache (object-cache.ts): absent objects
// are reported deleted, changed ones updated, unchanged ones not at all. A failed list throws before
// touching the cache, so an outage keeps serving the last state and is never read as "no objects".
import { ListWatch, Watch, type KubeConfig, type KubernetesListObject, type KubernetesObject } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { KubeApiError } from './kube-request.js';
import { listObjects } from './list-objects.js';
import { ObjectCache, type ObjectChange } from './object-cache.js';

/** Default period of the healing re-list. */
export const DEFAULT_RESYNC_MS = 5 * 60_000;
/** Default restart backoff after an error: doubling from `initialMs` up to `maxMs`. */
export const DEFAULT_WATCH_BACKOFF = { initialMs: 1000, maxMs: 30_000 } as const;

/** Options of startWatcher. */
export interface WatcherOptions {
  readonly kubeConfig: KubeConfig;
  /** Collection path: `/apis/kuma.io/v1alpha1/meshgateways`, `/api/v1/namespaces/kuma-system/secrets`. */
  readonly path: string;
  readonly logger: Logger;
  readonly labelSelector?: string;
  readonly fieldSelector?: string;
  /** Period of the full re-list; 0 disables it. */
  readonly resyncMs?: number;
  readonly backoff?: { readonly initialMs: number; readonly maxMs: number };
}

/** Listener signatures per event; an update also gets the object it replaces. */
export interface WatcherListeners<T> {
  add: (object: T) => void;
  update: (object: T, previous: T) => void;
  delete: (object: T) => void;
}

/** Liveness of a watcher, for readiness endpoints and logs. */
export interface WatcherHealth {
  /** The first complete list has been applied. */
  readonly synced: boolean;
  /** Synced, and no list or watch has failed since the last successful list. */
  readonly healthy: boolean;
  /** Failures since the last successful list (each followed by a restart with backoff). */
  readonly consecutiveFailures: number;
  readonly lastError?: string;
}

/** A running watcher. Objects handed out are deep-frozen and shared: copy before changing one. */
export interface ResourceWatcher<T extends KubernetesObject> {
  /** Resolves after the first complete list; rejects only if stopped before that. */
  readonly synced: Promise<void>;
  /** Every object known, sorted by namespace then name. */
  list(): T[];
  /** One object; namespace undefined (or '') for cluster-scoped kinds. */
  get(namespace: string | undefined, name: string): T | undefined;
  /** Subscribe; events arrive in order per object. Returns the unsubscribe function. */
  on<E extends keyof WatcherListeners<T>>(event: E, listener: WatcherListeners<T>[E]): () => void;
  /** Whether the watcher is synced and currently connected. */
  health(): WatcherHealth;
  /** Stop watching for good; the cache stays readable. */
  stop(): Promise<void>;
}

/** Start watching the collection at `options.path`. */
export function startWatcher<T extends KubernetesObject>(options: WatcherOptions): ResourceWatcher<T> {
  const watcher = new Watcher<T>(options);
  watcher.startSession('start');
  return watcher;
}

type Informer<T extends KubernetesObject> = ListWatch<T>;

class Watcher<T extends KubernetesObject> implements ResourceWatcher<T> {
  readonly synced: Promise<void>;
  private readonly cache = new ObjectCache<T>();
  private readonly listeners: { [E in keyof WatcherListeners<T>]: Set<WatcherListeners<T>[E]> } = {
    add: new Set(),
    update: new Set(),
    delete: new Set(),
  };
  private readonly logger: Logger;
  private readonly resyncMs: number;
  private readonly backoff: { readonly initialMs: number; readonly maxMs: number };
  private resolveSynced!: () => void;
  private rejectSynced!: (err: Error) => void;
  private isSynced = false;
  private session = 0;
  private informer: Informer<T> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private delayMs: number;
  private sessionStartedAt = 0;
  private stopped = false;
  private consecutiveFailures = 0;
  /** The session already being restarted: it reports its death once. */
  private failedSession = 0;
  private lastError: string | undefined;

  constructor(private readonly options: WatcherOptions) {
    this.logger = options.logger.child({ module: 'k8s-watch', path: options.path });
    this.resyncMs = options.resyncMs ?? DEFAULT_RESYNC_MS;
    this.backoff = options.backoff ?? DEFAULT_WATCH_BACKOFF;
    this.delayMs = this.backoff.initialMs;
    this.synced = new Promise<void>((resolve, reject) => {
      this.resolveSynced = resolve;
      this.rejectSynced = reject;
    });
    // A caller that never awaits `synced` must not see an unhandled rejection on stop().
    this.synced.catch(() => undefined);
  }

  list(): T[] {
    return this.cache.list();
  }

  get(namespace: string | undefined, name: string): T | undefined {
    return this.cache.get(namespace || undefined, name);
  }

  on<E extends keyof WatcherListeners<T>>(event: E, listener: WatcherListeners<T>[E]): () => void {
    const set = this.listeners[event] as Set<WatcherListeners<T>[E]>;
    // Wrapped so that the same function subscribed twice is two subscriptions.
    const wrapped = ((...args: Parameters<WatcherListeners<T>[E]>) => (listener as (...a: unknown[]) => void)(...args)) as WatcherListeners<T>[E];
    set.add(wrapped);
    return () => {
      set.delete(wrapped);
    };
  }

  health(): WatcherHealth {
    const { isSynced: synced, consecutiveFailures, lastError } = this;
    return { synced, healthy: synced && consecutiveFailures === 0, consecutiveFailures, ...(lastError === undefined ? {} : { lastError }) };
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.session++;
    clearTimeout(this.timer);
    if (!this.isSynced) this.rejectSynced(new Error(`watch ${this.options.path}: stopped before the first list completed`));
    const informer = this.informer;
    this.informer = undefined;
    await informer?.stop();
  }

  /** Replace the current session (if any) with a new one that lists, then watches. */
  startSession(reason: 'start' | 'restart' | 'resync'): void {
    if (this.stopped) return;
    clearTimeout(this.timer);
    const id = ++this.session;
    const previous = this.informer;
    void previous?.stop();
    const { kubeConfig, path, labelSelector, fieldSelector } = this.options;
    const informer = new ListWatch<T>(path, new Watch(kubeConfig), () => this.listFor(id), false, labelSelector, fieldSelector);
    informer.on('add', (obj) => this.current(id) && this.apply(this.cache.upsert(obj)));
    informer.on('update', (obj) => this.current(id) && this.apply(this.cache.upsert(obj)));
    informer.on('delete', (obj) => this.current(id) && this.apply(this.cache.remove(obj)));
    informer.on('error', (err) => this.current(id) && this.failed(id, err));
    this.informer = informer;
    this.sessionStartedAt = Date.now();
    this.logger.debug({ reason }, 'watch session starting');
    informer.start().then(
      // A session superseded while start() ran may have opened a watch stop() could not abort yet.
      () => (this.current(id) ? undefined : informer.stop()),
      (err: unknown) => this.current(id) && this.failed(id, err),
    );
  }

  private current(id: number): boolean {
    return id === this.session && !this.stopped;
  }

  // The list function handed to ListWatch: it runs on session start and on every 410.
  private async listFor(id: number): Promise<KubernetesListObject<T>> {
    const { kubeConfig, path, labelSelector, fieldSelector } = this.options;
    const list = await listObjects<T>(kubeConfig, path, { labelSelector, fieldSelector });
    // Throwing keeps ListWatch from opening a watch for a session nobody will stop.
    if (!this.current(id)) throw new Error(`watch ${path}: list of a superseded session`);
    for (const change of this.cache.replaceAll(list.items)) this.apply(change);
    this.logger.debug({ objects: list.items.length, resourceVersion: list.metadata?.resourceVersion }, 'listed');
    this.consecutiveFailures = 0;
    if (!this.isSynced) {
      this.isSynced = true;
      this.resolveSynced();
    }
    this.scheduleResync();
    return list;
  }

  private scheduleResync(): void {
    clearTimeout(this.timer);
    // Unref'd: while synced, the open watch connection is what keeps a session alive, not this timer.
    if (this.resyncMs > 0) this.timer = setTimeout(() => this.startSession('resync'), this.resyncMs).unref();
  }

  // The session is dead (client-node will not retry): start a new one after the backoff delay. A
  // session that had lived longer than the longest delay counts as healthy, so the delay resets.
  private failed(id: number, err: unknown): void {
    if (this.failedSession === id) return;
    this.failedSession = id;
    if (Date.now() - this.sessionStartedAt >= this.backoff.maxMs) this.delayMs = this.backoff.initialMs;
    this.consecutiveFailures++;
    const reason = watchFailureReason(err);
    this.lastError = `${reason}: ${err instanceof Error ? err.message : String(err)}`;
    const delayMs = this.delayMs;
    this.delayMs = Math.min(this.delayMs * 2, this.backoff.maxMs);
    const { consecutiveFailures: failures } = this;
    this.logger.warn({ err, reason, failures, retryInMs: delayMs, cachedObjects: this.cache.size }, `watch failed (${reason}); serving the cache and retrying`);
    clearTimeout(this.timer);
    // Not unref'd: see the header.
    this.timer = setTimeout(() => this.startSession('restart'), delayMs);
  }

  private apply(change: ObjectChange<T> | undefined): void {
    if (!change) return;
    for (const listener of [...this.listeners[change.type]]) {
      try {
        if (change.type === 'update') (listener as WatcherListeners<T>['update'])(change.object, change.previous);
        else (listener as WatcherListeners<T>['add'])(change.object);
      } catch (err) {
        const { namespace, name } = change.object.metadata ?? {};
        this.logger.error({ err, event: change.type, namespace, name }, 'watch listener threw; delivery continues');
      }
    }
  }
}

/**
 * Why a list or watch failed, in words an operator can act on: the API server unreachable, our
 * credentials or RBAC refused, the collection not served (CRDs not installed), or a server error.
 */
export function watchFailureReason(err: unknown): string {
  const status = err instanceof KubeApiError ? err.status : statusOfClientError(err);
  if (status === 401) return 'unauthorized: the API server rejects the control plane\'s credentials';
  if (status === 403) return 'forbidden: RBAC does not (yet) allow the control plane to list and watch this collection';
  if (status === 404) return 'not found: the API server does not serve this collection (CRDs not installed?)';
  if (status === 429 || (status !== undefined && status >= 500)) return `API server error (HTTP ${status})`;
  if (status === 0 || status === undefined) return 'API server unreachable';
  return `HTTP ${status}`;
}

// client-node's Watch reports a refused watch as an Error carrying the HTTP code.
function statusOfClientError(err: unknown): number | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const { statusCode, code } = err as { statusCode?: unknown; code?: unknown };
  if (typeof statusCode === 'number') return statusCode;
  return typeof code === 'number' ? code : undefined;
}
