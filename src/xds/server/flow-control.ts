// Bounded work for the xDS server (xds-server.md §14 rule 6): a token bucket admits new streams
// (excess ones get RESOURCE_EXHAUSTED and Envoy retries with backoff, which spreads a reconnect
// storm), and a semaphore caps how many streams are writing pushes at once so generation for many
// proxies cannot starve ACK handling and keepalives on the single event loop.
import os from 'node:os';

/** Default concurrency and admission rate: min(15 + 5 × cores, 100) (Istio's formula). */
export function defaultPushConcurrency(cores: number = os.availableParallelism()): number {
  return Math.min(15 + 5 * cores, 100);
}

/** Token bucket refilled continuously at `ratePerSecond`, holding at most `burst` tokens. */
export class TokenBucket {
  private tokens: number;
  private lastRefill: number;

  constructor(
    private readonly ratePerSecond: number,
    private readonly burst: number,
    private readonly now: () => number = Date.now,
  ) {
    this.tokens = burst;
    this.lastRefill = now();
  }

  /** Takes one token if available. */
  tryTake(): boolean {
    const now = this.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.lastRefill) / 1000) * this.ratePerSecond);
    this.lastRefill = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

/** Counting semaphore; waiters are served first come, first served. */
export class Semaphore {
  private available: number;
  private readonly waiters: Array<() => void> = [];

  constructor(permits: number) {
    this.available = permits;
  }

  /** Resolves once a permit is held; pair every call with exactly one `release()`. */
  async acquire(): Promise<void> {
    if (this.available > 0) {
      this.available -= 1;
      return;
    }
    await new Promise<void>((resolve) => this.waiters.push(resolve));
  }

  /** Returns a permit, handing it straight to the oldest waiter if any. */
  release(): void {
    const next = this.waiters.shift();
    if (next) next();
    else this.available += 1;
  }
}
