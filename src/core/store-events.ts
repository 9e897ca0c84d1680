// Watcher fan-out shared by the stores. Stores call emit() only after a commit is durable, with
// the events of that commit in op order; this class keeps that order per listener and keeps one
// misbehaving listener from hiding changes from the others.
import type { Logger } from 'pino';
import type { ChangeEvent } from './store.js';

/** A change listener as passed to ResourceStore.watch(). */
export type ChangeListener = (event: ChangeEvent) => void;

// A wrapper per subscription, so the same function subscribed twice is two subscriptions and
// each unsubscribe removes exactly its own.
interface Subscription {
  readonly listener: ChangeListener;
}

/** Delivers committed changes to the store's watchers, synchronously and in commit order. */
export class ChangeFanOut {
  private readonly subscriptions = new Set<Subscription>();
  private emitting = false;

  constructor(private readonly logger: Logger) {}

  /** Subscribe; returns an idempotent unsubscribe function. */
  watch(listener: ChangeListener): () => void {
    const subscription: Subscription = { listener };
    this.subscriptions.add(subscription);
    return () => {
      this.subscriptions.delete(subscription);
    };
  }

  /**
   * True while listeners run. Stores reject writes then: a write from inside a listener would
   * deliver its own events before the rest of the current commit's, breaking commit order.
   */
  get isEmitting(): boolean {
    return this.emitting;
  }

  /**
   * Deliver the events of one commit, each to every listener subscribed when delivery started
   * (and still subscribed). A listener that throws breaks its contract; the commit is already
   * durable, so the error is logged and delivery continues rather than failing the write.
   */
  emit(events: readonly ChangeEvent[]): void {
    if (events.length === 0 || this.subscriptions.size === 0) return;
    const subscribers = [...this.subscriptions];
    this.emitting = true;
    try {
      for (const event of events) {
        for (const subscription of subscribers) this.deliver(subscription, event);
      }
    } finally {
      this.emitting = false;
    }
  }

  private deliver(subscription: Subscription, event: ChangeEvent): void {
    if (!this.subscriptions.has(subscription)) return;
    try {
      subscription.listener(event);
    } catch (err) {
      const { kind, mesh, name } = event.key;
      this.logger.error({ err, kind, mesh, name, type: event.type }, 'store watcher threw; event delivery continues');
    }
  }
}
