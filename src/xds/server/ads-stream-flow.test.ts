// How streams share push permits (flow-control.ts), against fake calls: first pushes run at most K
// at a time however many streams arrive, and a stream waiting for 'drain' holds no permit.
import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import type * as grpc from '@grpc/grpc-js';
import { pino } from 'pino';
import { AdsStream, type StreamDeps } from './ads-stream.js';
import { NO_AUTHENTICATION } from './proxy-authentication.js';
import { SOTW_PROTOCOL } from './sotw-stream.js';
import { FirstPushQueue, Semaphore, type PermitPool } from './flow-control.js';
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

function deps(cache: SnapshotCache, pools: { pushLimiter: PermitPool; firstPushes?: PermitPool }): StreamDeps {
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
