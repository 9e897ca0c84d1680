// Records what a client-node informer reports, so tests can wait for a specific callback
// instead of sleeping. Waits are bounded only to turn a missing event into a readable failure.
import type { Informer, KubernetesObject } from '@kubernetes/client-node';

/** One informer callback as recorded. */
export interface InformerEvent {
  readonly type: 'add' | 'update' | 'delete' | 'error' | 'connect';
  readonly name?: string;
  readonly resourceVersion?: string;
  readonly object?: KubernetesObject;
  readonly error?: unknown;
}

/** Subscribes to every callback of an informer and lets a test await events. */
export class InformerRecorder {
  /** Everything received, in order. */
  readonly events: InformerEvent[] = [];
  private readonly waiters: Array<{ predicate: (e: InformerEvent) => boolean; resolve: (e: InformerEvent) => void }> = [];

  constructor(informer: Informer<KubernetesObject>) {
    for (const type of ['add', 'update', 'delete'] as const) {
      informer.on(type, (object) => this.push({ type, name: object.metadata?.name ?? '', resourceVersion: object.metadata?.resourceVersion ?? '', object }));
    }
    informer.on('error', (error?: unknown) => this.push({ type: 'error', error }));
    informer.on('connect', () => this.push({ type: 'connect' }));
  }

  /** Resolves with the first recorded event (past or future) matching; rejects after `boundMs` listing what arrived. */
  waitFor(predicate: (e: InformerEvent) => boolean, boundMs = 10_000): Promise<InformerEvent> {
    const seen = this.events.find(predicate);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`informer event not seen; got: ${this.describe()}`)), boundMs);
      this.waiters.push({ predicate, resolve: (e) => (clearTimeout(timer), resolve(e)) });
    });
  }

  /** Resolves once an event of this type for this object name has arrived. */
  waitForEvent(type: InformerEvent['type'], name?: string): Promise<InformerEvent> {
    return this.waitFor((e) => e.type === type && (name === undefined || e.name === name));
  }

  /** The recorded events as `type:name` strings, in order (connect and error without a name). */
  describe(): string[] {
    return this.events.map((e) => (e.name === undefined ? e.type : `${e.type}:${e.name}`));
  }

  private push(event: InformerEvent): void {
    this.events.push(event);
    for (const waiter of this.waiters.filter((w) => w.predicate(event))) {
      this.waiters.splice(this.waiters.indexOf(waiter), 1);
      waiter.resolve(event);
    }
  }
}
