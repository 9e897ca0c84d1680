// Entry point of a generation worker thread (worker-generator.ts starts it). It keeps its own
// mirror of the store, fed by the same change events as the engine's, and answers generation
// requests with packed configurations; its encode cache lives here, next to the encoder.
import { parentPort } from 'node:worker_threads';
import type { StoredResource } from '../core/resource.js';
import type { ChangeEvent } from '../core/store.js';
import { LeasedGeneration, type GenerationRequest } from './generator.js';
import { packConfig } from './packed-config.js';
import { isGenerationKind, ResourceMirror } from './resource-mirror.js';
import type { WorkerReply, WorkerRequest } from './worker-messages.js';

const mirror = new ResourceMirror();
const generation = new LeasedGeneration(mirror);

function load(resources: readonly StoredResource[]): void {
  for (const resource of resources) {
    if (!isGenerationKind(resource.kind)) continue;
    const event: ChangeEvent = { type: 'put', key: { kind: resource.kind, mesh: resource.mesh, name: resource.name }, resource };
    mirror.apply(event);
  }
}

function generate(id: number, request: GenerationRequest): void {
  const { config, ...rest } = generation.run(request);
  const packed = config ? packConfig(config) : undefined;
  const reply: WorkerReply = { id, outcome: rest, ...(packed ? { packed } : {}) };
  parentPort!.postMessage(reply, packed ? [packed.buffer] : []);
}

parentPort!.on('message', (message: WorkerRequest) => {
  switch (message.kind) {
    case 'load':
      load(message.resources);
      break;
    case 'events':
      for (const event of message.events) mirror.apply(event);
      break;
    case 'generate':
      generate(message.id, message.request);
      break;
    case 'drop':
      generation.drop(message.identity);
      break;
  }
});
