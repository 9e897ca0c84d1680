// What the generation engine's property tests share: a deterministic random sequence to pick
// changes with, and a digest of what an engine serves, to compare it with a fresh engine's.
import type { GenerationEngine } from '../../src/generation/engine.js';
import type { SnapshotCache } from '../../src/xds/cache/snapshot-cache.js';

/** Node id -> snapshot version and per-type versions, for comparing two engines. */
export function served(engine: GenerationEngine, cache: SnapshotCache): Record<string, string> {
  const out: Record<string, string> = {};
  for (const nodeId of engine.nodeIds()) {
    const s = cache.get(nodeId)!;
    out[nodeId] = [s.version, ...[...s.types.values()].map((t) => `${t.typeUrl.slice(-12)}=${t.version}`)].join(' ');
  }
  return out;
}

/** Deterministic pseudo-random numbers (xorshift32). */
export function random(seed: number): () => number {
  let x = seed || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}
