// How streams share push permits (flow-control.ts), against fake calls: first pushes run at most K
// at a time however many streams arrive, a stream waiting for 'drain' holds no permit, and push
// work is spread over turns of the event loop (LoopSlices) without reordering a stream's responses.
import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import type * as grpc from '@grpc/grpc-js';
import { pino } from 'pino';
import { AdsStream, type StreamDeps } from './ads-stream.js';
import { NO_AUTHENTICATION } from './proxy-authentication.js';
import { SOTW_PROTOCOL } from './sotw-stream.js';
import { FirstPushQueue, LoopSlices, Semaphore, type PermitPool, type PushSlices } from './flow-control.js';
import type { DiscoveryRequest, DiscoveryResponse } from './ads-service.js';
import { SnapshotCache } from '../cache/snapshot-cache.js';
import { buildSnapshot } from '../cache/snapshot.js';
import { TypeUrl } from '../cache/resource-types.js';

/** A call whose writes are slow: write() reports a full buffer, 'drain' follows after `drainMs` ('never': only when emitted by the test). */
class SlowCall extends EventEmitter {
  readonly written: DiscoveryResponse[] = [];
  readonly metadata = { get: () => [] };
  constructor(private readonly drainMs: number | 'never' | undefined) {
    super();
    this.on('error', () => undefined);
  }
  write(message: DiscoveryResponse): boolean {
    this.written.push(message);
    if (this.drainMs === undefined) return true;
    if (this.drainMs === 'never') return false;
    setTimeout(() => this.emit('drain'), this.drainMs);
    return false;
  }
  end(): void {}
}

/** Counts permits held at once. */
class CountingPool implements PermitPool {
  held = 0;
  max = 0;
  constructor(private readonly inner: PermitPool) {}
  async acquire(resume?: boolean): Promise<void> {
    await this.inner.acquire(resume);
    this.held += 1;
    this.max = Math.max(this.max, this.held);
  }
  release(): void {
    this.held -= 1;
    this.inner.release();
  }
}

const snapshot = buildSnapshot({
  [TypeUrl.Cluster]: [{ name: 'a', bytes: new Uint8Array([1]) }],
  [TypeUrl.Listener]: [{ name: 'l', bytes: new Uint8Array([1]) }],
});

function deps(cache: SnapshotCache, pools: { pushLimiter: PermitPool; firstPushes?: PermitPool; pushSlices?: PushSlices }): StreamDeps {
  return {
    cache,
    logger: pino({ level: 'silent' }),
    settings: {
      nackBackoffMs: 5000,
      maxTypeUrlsPerStream: 16,
      maxNamesPerRequest: 1000,
      maxQueuedRequests: 64,
      sendTimeoutMs: 60_000,
      controlPlaneId: 'test',
      authentication: NO_AUTHENTICATION,
      now: Date.now,
    },
    ...pools,
    onClosed: () => undefined,
  };
}

function open(cache: SnapshotCache, streamDeps: StreamDeps, nodeId: string, drainMs: number | 'never' | undefined): SlowCall {
  const call = new SlowCall(drainMs);
  new AdsStream<DiscoveryRequest, DiscoveryResponse>(call as unknown as grpc.ServerDuplexStream<DiscoveryRequest, DiscoveryResponse>, SOTW_PROTOCOL, streamDeps).start();
  cache.set(nodeId, snapshot);
  call.emit('data', { node: { id: nodeId }, type_url: TypeUrl.Cluster });
  call.emit('data', { type_url: TypeUrl.Listener });
  return call;
}

describe('AdsStream push permits', () => {
  it('runs at most K first pushes at once however many streams arrive, and serves them all', async () => {
    const cache = new SnapshotCache();
    cache.setReady();
    const firstPushes = new CountingPool(new FirstPushQueue(3));
    const pushLimiter = new CountingPool(new Semaphore(100));
    const streamDeps = deps(cache, { pushLimiter, firstPushes });
    const calls = Array.from({ length: 40 }, (_, i) => open(cache, streamDeps, `m.gw-${i}`, 2));
    await vi.waitFor(() => expect(calls.every((c) => c.written.length === 2)).toBe(true), { timeout: 10_000 });
    expect(firstPushes.max).toBe(3);
    expect(firstPushes.held).toBe(0);
    // The first pushes carried every type's first response; the update semaphore was not used.
    expect(pushLimiter.max).toBe(0);
    // A later snapshot is an update push: the update semaphore, not the first-push queue.
    cache.set('m.gw-0', buildSnapshot({ [TypeUrl.Cluster]: [{ name: 'a', bytes: new Uint8Array([2]) }], [TypeUrl.Listener]: [{ name: 'l', bytes: new Uint8Array([1]) }] }));
    await vi.waitFor(() => expect(calls[0]!.written).toHaveLength(3));
    expect(pushLimiter.max).toBe(1);
  });

  it('a stream waiting for drain gives its permit back: another stream pushes meanwhile', async () => {
    const cache = new SnapshotCache();
    cache.setReady();
    const pool = new CountingPool(new Semaphore(1));
    const streamDeps = deps(cache, { pushLimiter: pool });
    const stuck = open(cache, streamDeps, 'm.stuck', 'never');
    await vi.waitFor(() => expect(stuck.written).toHaveLength(1));
    expect(pool.held).toBe(0);
    const other = open(cache, streamDeps, 'm.other', undefined);
    await vi.waitFor(() => expect(other.written).toHaveLength(2));
    expect(stuck.written).toHaveLength(1);
    // When the stuck one drains, it takes a permit again and finishes.
    stuck.emit('drain');
    await vi.waitFor(() => expect(stuck.written).toHaveLength(2));
    expect(pool.max).toBe(1);
  });
});

describe('AdsStream push slices', () => {
  /** Counts turns of the event loop (check phases) so a test can say in which turn a write happened. */
  function turnCounter(): { turn: number; stop: () => void } {
    const counter = { turn: 0, stop: () => undefined as void };
    let stopped = false;
    const tick = (): void => {
      if (stopped) return;
      counter.turn += 1;
      setImmediate(tick);
    };
    setImmediate(tick);
    counter.stop = () => {
      stopped = true;
    };
    return counter;
  }

  it('with a slice of one response per turn, spreads pushes over turns and keeps each stream in push order', async () => {
    const cache = new SnapshotCache();
    cache.setReady();
    // A clock that never moves and a loop that never idles: exactly one response per turn.
    const pushSlices = new LoopSlices(0, { now: () => 0, idleMs: () => 0 });
    const streamDeps = deps(cache, { pushLimiter: new Semaphore(100), firstPushes: new Semaphore(100), pushSlices });
    const counter = turnCounter();
    const turns: number[] = [];
    const calls = Array.from({ length: 6 }, (_, i) => open(cache, streamDeps, `m.gw-${i}`, undefined));
    for (const call of calls) {
      const write = call.write.bind(call);
      call.write = (message) => {
        turns.push(counter.turn);
        return write(message);
      };
    }
    await vi.waitFor(() => expect(calls.every((c) => c.written.length === 2)).toBe(true));
    counter.stop();
    expect(new Set(turns).size).toBe(turns.length);
    for (const call of calls) expect(call.written.map((r) => r.type_url)).toEqual([TypeUrl.Cluster, TypeUrl.Listener]);
  });

  it('adds no wait when the turn has room: a lone stream is answered before the loop turns', async () => {
    const cache = new SnapshotCache();
    cache.setReady();
    // A clock that never moves: the slice always has room (no timing in the assertion).
    const pushSlices = new LoopSlices(10, { now: () => 0, idleMs: () => 0 });
    const streamDeps = deps(cache, { pushLimiter: new Semaphore(100), firstPushes: new Semaphore(100), pushSlices });
    let turned = false;
    setImmediate(() => {
      turned = true;
    });
    const call = open(cache, streamDeps, 'm.lone', undefined);
    const writtenBeforeTurn: boolean[] = [];
    const write = call.write.bind(call);
    call.write = (message) => {
      writtenBeforeTurn.push(!turned);
      return write(message);
    };
    await vi.waitFor(() => expect(call.written).toHaveLength(2));
    expect(writtenBeforeTurn).toEqual([true, true]);
  });
});
