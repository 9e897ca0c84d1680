import { pino } from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { WorkQueue } from './work-queue.js';

const logger = pino({ level: 'silent' });

describe('WorkQueue', () => {
  afterEach(() => vi.useRealTimers());

  it('deduplicates waiting keys, processes them in arrival order one at a time, and reruns a key added while it ran', async () => {
    const order: string[] = [];
    let running = 0;
    let maxRunning = 0;
    const q = new WorkQueue('t', async (k) => {
      running += 1;
      maxRunning = Math.max(maxRunning, running);
      order.push(k);
      await new Promise((r) => setTimeout(r, 1));
      running -= 1;
    }, logger);
    for (const k of ['a', 'b', 'a', 'c', 'b']) q.add(k);
    await q.idle();
    // `a` started at once, so its second add reruns it; the second `b` merged into the waiting one.
    expect(order).toEqual(['a', 'b', 'c', 'a']);
    expect(maxRunning).toBe(1);
  });

  it('runs a key again when it was added during its own reconcile (no lost event)', async () => {
    const order: string[] = [];
    const q: WorkQueue = new WorkQueue('t', async (k) => {
      order.push(k);
      if (order.length === 1) q.add('a');
    }, logger);
    q.add('a');
    await q.idle();
    await q.idle();
    expect(order).toEqual(['a', 'a']);
  });

  it('retries a failing key with doubling backoff until it succeeds', async () => {
    vi.useFakeTimers();
    let attempts = 0;
    const q = new WorkQueue('t', async () => {
      attempts += 1;
      if (attempts < 3) throw new Error('boom');
    }, logger, { baseMs: 100, maxMs: 1_000 });
    q.add('a');
    await vi.advanceTimersByTimeAsync(0);
    expect(attempts).toBe(1);
    await vi.advanceTimersByTimeAsync(99);
    expect(attempts).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(attempts).toBe(2);
    await vi.advanceTimersByTimeAsync(199);
    expect(attempts).toBe(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(attempts).toBe(3);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(attempts).toBe(3);
    q.stop();
  });
});
