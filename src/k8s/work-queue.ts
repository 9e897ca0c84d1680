import type { Logger } from 'pino';

/** Retry timing of a failed reconcile: doubling from `baseMs` up to `maxMs`. */
export interface Backoff {
  readonly baseMs: number;
  readonly maxMs: number;
}

/**
 * A controller work queue: keys (`namespace/name`) are deduplicated while waiting, one key is never
 * reconciled twice at once, a key added during its own reconcile runs again afterwards (so no event
 * is lost), and failures are retried with exponential backoff. Keys of one queue are processed one
 * at a time, in arrival order, which keeps the API server load and the logs readable.
 */
export class WorkQueue {
  private readonly waiting: string[] = [];
  private readonly queued = new Set<string>();
  private readonly failures = new Map<string, number>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private active: string | undefined;
  private dirtyWhileActive = false;
  private stopped = false;
  private idleWaiters: (() => void)[] = [];

  constructor(
    private readonly name: string,
    private readonly reconcile: (key: string) => Promise<void>,
    private readonly logger: Logger,
    private readonly backoff: Backoff = { baseMs: 200, maxMs: 30_000 },
  ) {}

  /** Ask for `key` to be reconciled. */
  add(key: string): void {
    if (this.stopped) return;
    if (this.active === key) {
      this.dirtyWhileActive = true;
      return;
    }
    if (this.queued.has(key)) return;
    clearTimeout(this.timers.get(key));
    this.timers.delete(key);
    this.queued.add(key);
    this.waiting.push(key);
    this.pump();
  }

  /** Resolves once nothing is queued or running (retries waiting on a timer do not count). */
  idle(): Promise<void> {
    if (!this.active && this.waiting.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Stop taking work; pending retries are dropped. */
  stop(): void {
    this.stopped = true;
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
  }

  private pump(): void {
    if (this.active || this.stopped) return;
    const key = this.waiting.shift();
    if (key === undefined) {
      for (const w of this.idleWaiters.splice(0)) w();
      return;
    }
    this.queued.delete(key);
    this.active = key;
    this.dirtyWhileActive = false;
    void this.reconcile(key).then(
      () => this.finish(key, undefined),
      (err: unknown) => this.finish(key, err),
    );
  }

  private finish(key: string, err: unknown): void {
    this.active = undefined;
    if (err === undefined) {
      this.failures.delete(key);
      if (this.dirtyWhileActive) this.add(key);
    } else {
      const count = (this.failures.get(key) ?? 0) + 1;
      this.failures.set(key, count);
      const delay = Math.min(this.backoff.maxMs, this.backoff.baseMs * 2 ** (count - 1));
      this.logger.warn({ err, key, queue: this.name, attempt: count, retryInMs: delay }, 'reconcile failed; retrying');
      if (this.dirtyWhileActive) this.add(key);
      else if (!this.stopped) {
        this.timers.set(
          key,
          setTimeout(() => {
            this.timers.delete(key);
            this.add(key);
          }, delay),
        );
      }
    }
    this.pump();
  }
}
