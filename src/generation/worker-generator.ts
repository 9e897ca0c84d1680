// Generation in a worker thread (see generator.ts). The worker gets a copy of the engine's mirror
// when it starts, in slices so the copy never stalls the event loop for long, then every change
// event the engine applies, in order; requests and replies are matched by id. If the worker dies,
// every pending and later request fails with the reason (the engine then falls back to inline
// generation, the identities concerned keeping their last good configuration meanwhile).
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { Worker } from 'node:worker_threads';
import type { StoredResource } from '../core/resource.js';
import type { ChangeEvent } from '../core/store.js';
import type { GenerationOutcome, GenerationRequest, Generator } from './generator.js';
import { unpackConfig } from './packed-config.js';
import type { ResourceMirror } from './resource-mirror.js';
import type { WorkerReply, WorkerRequest } from './worker-messages.js';

/** Resources per 'load' message while copying the mirror. */
const LOAD_SLICE = 1000;

/**
 * The compiled worker script. Under the test runner this module is TypeScript source; the worker
 * then runs the build's JavaScript (`npm test` builds first).
 */
function workerScript(): string {
  const here = fileURLToPath(import.meta.url);
  if (!here.endsWith('.ts')) return path.join(path.dirname(here), 'generation-worker.js');
  const root = path.resolve(path.dirname(here), '..', '..');
  return path.join(root, 'dist', 'src', 'generation', 'generation-worker.js');
}

interface Pending {
  readonly resolve: (outcome: GenerationOutcome) => void;
  readonly reject: (err: Error) => void;
}

/** A generator backed by one worker thread. */
export class WorkerGenerator implements Generator {
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private failure: Error | undefined;
  private closing = false;

  private constructor() {
    this.worker = new Worker(workerScript());
    this.worker.on('message', (reply: WorkerReply) => this.onReply(reply));
    this.worker.on('error', (err) => this.fail(err));
    this.worker.on('exit', (code) => this.fail(new Error(`generation worker exited with code ${code}`)));
  }

  /** Starts a worker and copies `mirror` into it; later changes must go through `sync`. */
  static async start(mirror: ResourceMirror): Promise<WorkerGenerator> {
    const generator = new WorkerGenerator();
    let slice: StoredResource[] = [];
    for (const resource of mirror.all()) {
      slice.push(resource);
      if (slice.length < LOAD_SLICE) continue;
      generator.post({ kind: 'load', resources: slice });
      slice = [];
      await yieldToLoop();
    }
    if (slice.length > 0) generator.post({ kind: 'load', resources: slice });
    return generator;
  }

  /** Why the worker is unusable, if it is. */
  get failed(): Error | undefined {
    return this.failure;
  }

  sync(events: readonly ChangeEvent[]): void {
    if (events.length > 0) this.post({ kind: 'events', events });
  }

  generate(request: GenerationRequest): Promise<GenerationOutcome> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.post({ kind: 'generate', id, request });
    });
  }

  drop(identity: string): void {
    this.post({ kind: 'drop', identity });
  }

  async close(): Promise<void> {
    this.closing = true;
    await this.worker.terminate();
  }

  private post(message: WorkerRequest): void {
    if (!this.failure) this.worker.postMessage(message);
  }

  private onReply(reply: WorkerReply): void {
    const pending = this.pending.get(reply.id);
    if (!pending) return;
    this.pending.delete(reply.id);
    pending.resolve({ ...reply.outcome, ...(reply.packed ? { config: unpackConfig(reply.packed) } : {}) });
  }

  private fail(err: Error): void {
    if (this.failure) return;
    this.failure = this.closing ? new Error('generation worker closed') : err;
    for (const pending of this.pending.values()) pending.reject(this.failure);
    this.pending.clear();
  }
}
