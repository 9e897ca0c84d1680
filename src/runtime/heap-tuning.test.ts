// The control plane's heap tuning: V8's growing factor is set unless the operator chose one.
import { describe, expect, it } from 'vitest';
import { HEAP_GROWING_PERCENT, tuneHeapForServing } from './heap-tuning.js';

describe('tuneHeapForServing', () => {
  it("sets V8's heap growing factor when nobody chose one", () => {
    expect(tuneHeapForServing([])).toBe(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
    expect(tuneHeapForServing(['--expose-gc', '--max-old-space-size=4096'])).toBe(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
  });

  it("keeps the operator's choice on node's command line, in either spelling", () => {
    expect(tuneHeapForServing(['--heap-growing-percent=30'])).toBe("kept the operator's --heap-growing-percent=30");
    expect(tuneHeapForServing(['--max-old-space-size=4096', '--heap_growing_percent=0'])).toBe("kept the operator's --heap_growing_percent=0");
    // A different flag that merely starts alike is not a choice of this one.
    expect(tuneHeapForServing(['--heap-growing-percentage-x'])).toBe(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
  });
});
