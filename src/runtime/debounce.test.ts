import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Debouncer } from './debounce.js';

describe('Debouncer', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('fires once after the quiet period following a burst', () => {
    const fire = vi.fn();
    const d = new Debouncer(fire, 100, 10_000);
    d.trigger();
    vi.advanceTimersByTime(50);
    d.trigger();
    vi.advanceTimersByTime(99);
    expect(fire).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(fire).toHaveBeenCalledTimes(1);
    expect(d.pending).toBe(false);
  });

  it('fires at the maximum delay under a continuous stream of events', () => {
    const fire = vi.fn();
    const d = new Debouncer(fire, 100, 1_000);
    for (let t = 0; t < 1_000; t += 50) {
      d.trigger();
      vi.advanceTimersByTime(50);
    }
    expect(fire).toHaveBeenCalledTimes(1);
  });

  it('flush fires a pending batch immediately and cancel drops it', () => {
    const fire = vi.fn();
    const d = new Debouncer(fire, 100, 1_000);
    d.flush();
    expect(fire).not.toHaveBeenCalled();
    d.trigger();
    d.flush();
    expect(fire).toHaveBeenCalledTimes(1);
    d.trigger();
    d.cancel();
    vi.advanceTimersByTime(5_000);
    expect(fire).toHaveBeenCalledTimes(1);
  });
});
