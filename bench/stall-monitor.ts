// Splits the control plane's event-loop stalls into the time its main thread ran and the time it
// waited for a core. The benchmark's CP shares two cores with the simulated Envoys, so a 100 ms
// loop delay may be 100 ms of our code or 30 ms of it and 70 ms in the kernel's run queue; only the
// first is the control plane's to fix. A 10 ms timer reads the main thread's scheduler statistics
// (/proc/self/schedstat: ns on a CPU, ns waiting on a run queue) at every tick; a tick that comes
// late is a stall, and the difference of the counters says what filled it. Linux only: elsewhere
// the split reads as zero.
import { openSync, readSync } from 'node:fs';
import { PerformanceObserver, constants } from 'node:perf_hooks';

/** The longest stalls since the last reset, in ms. */
export interface StallSplit {
  /** Longest gap between ticks beyond the timer's interval (what the loop-delay histogram sees). */
  readonly maxGapMs: number;
  /** Of that gap: the main thread on a CPU, and waiting for one. */
  readonly maxGapRanMs: number;
  readonly maxGapWaitedMs: number;
  /** Longest time the main thread ran within one gap (the stall our own code made). */
  readonly maxRanMs: number;
  /** Garbage collection: total pause, longest pause, and how many were full (mark-compact) ones. */
  readonly gcMs: number;
  readonly gcMaxPauseMs: number;
  readonly majorGcs: number;
}

const TICK_MS = 10;

/** Kept open: the monitor reads it 100 times a second, and opening it each time shows in profiles. */
let statFd: number | undefined;
const statBytes = Buffer.alloc(128);

/** Main thread's [ns on CPU, ns runnable but waiting]; zeros when the file is not there. */
function schedstat(): [number, number] {
  try {
    statFd ??= openSync('/proc/self/schedstat', 'r');
    const n = readSync(statFd, statBytes, 0, statBytes.length, 0);
    const [ran, waited] = statBytes.toString('latin1', 0, n).split(' ').map(Number);
    return [ran ?? 0, waited ?? 0];
  } catch {
    return [0, 0];
  }
}

/** Starts the monitor; `read()` returns the split since the last `reset()`. */
export function startStallMonitor(): { reset(): void; read(): StallSplit } {
  const none: StallSplit = { maxGapMs: 0, maxGapRanMs: 0, maxGapWaitedMs: 0, maxRanMs: 0, gcMs: 0, gcMaxPauseMs: 0, majorGcs: 0 };
  let worst = none;
  // GC pauses are the stalls no slicing of our own work can shorten; counted beside the split.
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      const major = (entry as unknown as { detail?: { kind?: number } }).detail?.kind === constants.NODE_PERFORMANCE_GC_MAJOR;
      worst = { ...worst, gcMs: worst.gcMs + entry.duration, gcMaxPauseMs: Math.max(worst.gcMaxPauseMs, entry.duration), majorGcs: worst.majorGcs + (major ? 1 : 0) };
    }
  }).observe({ entryTypes: ['gc'] });
  let last = performance.now();
  let [ran, waited] = schedstat();
  const tick = (): void => {
    const now = performance.now();
    const [ranNow, waitedNow] = schedstat();
    const gapMs = now - last - TICK_MS;
    const ranMs = (ranNow - ran) / 1e6;
    const waitedMs = (waitedNow - waited) / 1e6;
    if (gapMs > worst.maxGapMs) worst = { ...worst, maxGapMs: gapMs, maxGapRanMs: ranMs, maxGapWaitedMs: waitedMs };
    if (ranMs > worst.maxRanMs) worst = { ...worst, maxRanMs: ranMs };
    last = now;
    ran = ranNow;
    waited = waitedNow;
    setTimeout(tick, TICK_MS).unref();
  };
  setTimeout(tick, TICK_MS).unref();
  const round = (ms: number): number => Math.round(Math.max(0, ms) * 10) / 10;
  return {
    reset: () => {
      worst = none;
    },
    read: () => ({
      maxGapMs: round(worst.maxGapMs),
      maxGapRanMs: round(worst.maxGapRanMs),
      maxGapWaitedMs: round(worst.maxGapWaitedMs),
      maxRanMs: round(worst.maxRanMs),
      gcMs: round(worst.gcMs),
      gcMaxPauseMs: round(worst.gcMaxPauseMs),
      majorGcs: worst.majorGcs,
    }),
  };
}
