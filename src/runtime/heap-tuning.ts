// V8 heap sizing for a serving control plane (docs/xds-server.md §15, "Garbage collection").
//
// Pushing one change to a thousand proxies allocates over 100 MB of short-lived buffers (each
// response framed by grpc-js), and a fan-out several times that. V8 counts those buffers against
// the heap's next collection limit, and its adaptive growing factor kept that limit a few MB above
// the live heap of a small control plane: one scale-1000 fan-out ran about 30 full mark-compacts,
// whose concurrent marking was a quarter of the control plane's CPU. A fixed factor of 2 (the limit
// at twice what survived the last collection, within V8's own range of 1.1 to 4) cut them by half
// to two thirds, and a change's CPU by about 30 %, with the same RSS per proxy (bench/README.md).
import { setFlagsFromString } from 'node:v8';

/** The growing factor, as V8's --heap-growing-percent (factor = 1 + percent / 100). */
export const HEAP_GROWING_PERCENT = 100;

/**
 * Sets V8's heap growing factor for this process, unless the operator chose one on node's command
 * line (`node --heap-growing-percent=N …`; 0 is V8's adaptive factor). NODE_OPTIONS cannot carry
 * this flag: node refuses it there. V8 reads the factor whenever it sets the next limit, so
 * setting it at start takes effect from the first collection. Returns what was done, for the
 * start log.
 */
export function tuneHeapForServing(execArgv: readonly string[] = process.execArgv): string {
  const chosen = execArgv.find((a) => /^--heap[-_]growing[-_]percent(=|$)/.test(a));
  if (chosen) return `kept the operator's ${chosen}`;
  setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
  return `--heap-growing-percent=${HEAP_GROWING_PERCENT}`;
}
