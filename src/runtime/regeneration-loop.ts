// The regeneration loop of the control plane: generations of the engine one at a time, and one
// more if changes arrived meanwhile (the debounce in front of it coalesces bursts).
import type { Logger } from 'pino';
import type { GenerationEngine } from '../generation/engine.js';

/**
 * Serialises regenerations: one at a time, and one more if changes arrived meanwhile. `after`
 * runs after each (the certificate file watch follows what generations read).
 */
export function regenerationLoop(snapshots: GenerationEngine, logger: Logger, hooks: { before: () => void; after: (seconds: number) => void }): { request: () => void; settle: () => Promise<void>; pending: () => number } {
  let running: Promise<void> | undefined;
  let again = false;
  const run = async (): Promise<void> => {
    do {
      again = false;
      try {
        const began = performance.now();
        hooks.before();
        await snapshots.regenerate();
        hooks.after((performance.now() - began) / 1000);
      } catch (err) {
        logger.error({ err }, 'snapshot generation failed; proxies keep their last good config');
      }
    } while (again);
  };
  const request = () => {
    if (running) {
      again = true;
      return;
    }
    running = run().finally(() => (running = undefined));
  };
  return { request, settle: async () => { while (running) await running; }, pending: () => (again ? 1 : 0) };
}
