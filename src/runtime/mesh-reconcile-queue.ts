// The loop behind the runtime's Mesh reconcilers (builtin CAs, default policies): every stored
// Mesh at start, then every written Mesh, handled one at a time; a Mesh written again while
// queued is handled once. What "handled" means is the reconciler's own `ensure`.
import type { StoredResource } from '../core/resource.js';
import type { ResourceStore } from '../core/store.js';

/** Serial, deduplicating queue of Mesh names fed by the store; see the file header. */
export class MeshReconcileQueue {
  private readonly queue = new Set<string>();
  private running: Promise<void> | undefined;
  private stopped = false;

  /** `wants` filters the Meshes worth queuing (default: all). `ensure` must not throw. */
  constructor(
    private readonly store: ResourceStore,
    private readonly ensure: (mesh: string) => Promise<void>,
    private readonly wants: (mesh: StoredResource<'Mesh'>) => boolean = () => true,
  ) {}

  /** Queues every stored Mesh and follows Mesh writes; returns the function that stops it. */
  async start(): Promise<() => Promise<void>> {
    const unwatch = this.store.watch((event) => {
      if (event.key.kind === 'Mesh' && event.type === 'put' && this.wants(event.resource as StoredResource<'Mesh'>)) this.enqueue(event.key.name);
    });
    for (const mesh of await this.store.list('Mesh')) if (this.wants(mesh)) this.enqueue(mesh.name);
    return async () => {
      this.stopped = true;
      unwatch();
      await this.running;
    };
  }

  /** Settles once every queued Mesh has been handled (tests). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  private enqueue(mesh: string): void {
    this.queue.add(mesh);
    this.running ??= this.drain().finally(() => {
      this.running = undefined;
    });
  }

  private async drain(): Promise<void> {
    while (!this.stopped && this.queue.size > 0) {
      const mesh = this.queue.values().next().value as string;
      this.queue.delete(mesh);
      await this.ensure(mesh);
    }
  }
}
