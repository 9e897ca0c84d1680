// Messages between the engine and a generation worker thread.
import type { StoredResource } from '../core/resource.js';
import type { ChangeEvent } from '../core/store.js';
import type { GenerationOutcome, GenerationRequest } from './generator.js';
import type { PackedConfig } from './packed-config.js';

/** Engine -> worker, processed in order. */
export type WorkerRequest =
  | { readonly kind: 'load'; readonly resources: readonly StoredResource[] }
  | { readonly kind: 'events'; readonly events: readonly ChangeEvent[] }
  | { readonly kind: 'generate'; readonly id: number; readonly request: GenerationRequest }
  | { readonly kind: 'drop'; readonly identity: string };

/** Worker -> engine: the outcome of one generate request; the config travels packed. */
export interface WorkerReply {
  readonly id: number;
  readonly outcome: Omit<GenerationOutcome, 'config'>;
  readonly packed?: PackedConfig;
}
