/**
 * Collapses bursts of events into one call: fires after `quietMs` without a new event, or
 * `maxDelayMs` after the first event of the batch, whichever comes first (Istio's defaults are
 * 100 ms and 10 s). `flush()` fires immediately when something is pending; `cancel()` drops it.
 */
export class Debouncer {
  private quietTimer: NodeJS.Timeout | undefined;
  private maxTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly fire: () => void,
    private readonly quietMs: number,
    private readonly maxDelayMs: number,
  ) {}

  /** Record one event. */
  trigger(): void {
    if (this.quietTimer) clearTimeout(this.quietTimer);
    this.quietTimer = setTimeout(() => this.flush(), this.quietMs);
    this.maxTimer ??= setTimeout(() => this.flush(), this.maxDelayMs);
  }

  /** True while a batch is waiting to fire. */
  get pending(): boolean {
    return this.quietTimer !== undefined;
  }

  /** Fire now if a batch is pending. */
  flush(): void {
    if (!this.quietTimer) return;
    this.cancel();
    this.fire();
  }

  /** Drop the pending batch without firing. */
  cancel(): void {
    clearTimeout(this.quietTimer);
    clearTimeout(this.maxTimer);
    this.quietTimer = undefined;
    this.maxTimer = undefined;
  }
}
