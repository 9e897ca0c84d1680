// The stream driver against a fake call (an EventEmitter with the ServerDuplexStream surface it
// uses), for what real gRPC cannot provoke on demand: back-pressure, send timeouts, failures.
import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import * as grpc from '@grpc/grpc-js';
import { pino } from 'pino';
import { AdsStream } from './ads-stream.js';
import type { StreamSettings } from './ads-stream.js';
import { credentialAuthentication, NO_AUTHENTICATION, type ProxyAuthentication } from './proxy-authentication.js';
import { SOTW_PROTOCOL } from './sotw-stream.js';
import { Semaphore } from './flow-control.js';
import type { DiscoveryRequest, DiscoveryResponse } from './ads-service.js';
import { SnapshotCache } from '../cache/snapshot-cache.js';
import { buildSnapshot } from '../cache/snapshot.js';
import { TypeUrl } from '../cache/resource-types.js';

class FakeCall extends EventEmitter {
  readonly metadata = new grpc.Metadata();
  readonly written: DiscoveryResponse[] = [];
  readonly errors: Array<{ code: number; details: string }> = [];
  /** What write() returns: false simulates a full buffer until 'drain'. */
  writable = true;
  constructor() {
    super();
    this.on('error', (err: { code: number; details: string }) => this.errors.push({ code: err.code, details: err.details }));
  }
  write(message: DiscoveryResponse): boolean {
    this.written.push(message);
    return this.writable;
  }
  end(): void {}
}

const snapshot = (listenerBytes: number) =>
  buildSnapshot({
    [TypeUrl.Cluster]: [{ name: 'a', bytes: new Uint8Array([listenerBytes]) }],
    [TypeUrl.Listener]: [{ name: 'l', bytes: new Uint8Array([listenerBytes]) }],
  });

function startStream(opts: { sendTimeoutMs?: number; authentication?: ProxyAuthentication; cache?: SnapshotCache } = {}) {
  const cache = opts.cache ?? new SnapshotCache();
  cache.setReady();
  const settings: StreamSettings = {
    nackBackoffMs: 5000,
    maxTypeUrlsPerStream: 16,
    maxNamesPerRequest: 1000,
    maxQueuedRequests: 64,
    sendTimeoutMs: opts.sendTimeoutMs ?? 60_000,
    controlPlaneId: 'test',
    authentication: opts.authentication ?? NO_AUTHENTICATION,
    now: Date.now,
  };
  const call = new FakeCall();
  const closed: unknown[] = [];
  const stream = new AdsStream<DiscoveryRequest, DiscoveryResponse>(call as unknown as grpc.ServerDuplexStream<DiscoveryRequest, DiscoveryResponse>, SOTW_PROTOCOL, {
    cache,
    logger: pino({ level: 'silent' }),
    settings,
    pushLimiter: new Semaphore(4),
    onClosed: (s) => closed.push(s),
  });
  stream.start();
  const request = (typeUrl: string, extra: DiscoveryRequest = {}) => call.emit('data', { node: { id: 'm.gw' }, type_url: typeUrl, ...extra });
  return { cache, call, request, closed };
}

const types = (call: FakeCall) => call.written.map((w) => `${w.type_url.split('.').pop()}@${w.version_info}`);

describe('AdsStream', () => {
  it('waits for drain when write() returns false, and a newer snapshot replaces unsent responses', async () => {
    const { cache, call, request } = startStream();
    const v1 = snapshot(1);
    cache.set('m.gw', v1);
    call.writable = false;
    request(TypeUrl.Cluster);
    request(TypeUrl.Listener);
    await vi.waitFor(() => expect(call.written).toHaveLength(1));
    // Two newer snapshots while CDS v1 waits for drain: only the latest is sent, from CDS again.
    cache.set('m.gw', snapshot(2));
    const v3 = snapshot(3);
    cache.set('m.gw', v3);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(call.written).toHaveLength(1);
    call.writable = true;
    call.emit('drain');
    await vi.waitFor(() => expect(call.written).toHaveLength(3));
    const cds = (s: typeof v1) => s.types.get(TypeUrl.Cluster)!.version;
    const lds = (s: typeof v1) => s.types.get(TypeUrl.Listener)!.version;
    expect(types(call)).toEqual([`Cluster@${cds(v1)}`, `Cluster@${cds(v3)}`, `Listener@${lds(v3)}`]);
  });

  it('closes a stream that cannot send within the send timeout with UNAVAILABLE', async () => {
    const { cache, call, request, closed } = startStream({ sendTimeoutMs: 50 });
    cache.set('m.gw', snapshot(1));
    call.writable = false;
    request(TypeUrl.Cluster);
    await vi.waitFor(() => expect(call.errors).toHaveLength(1));
    expect(call.errors[0]).toEqual({ code: grpc.status.UNAVAILABLE, details: 'could not send to the proxy for 50 ms' });
    expect(closed).toHaveLength(1);
    expect(cache.watcherCount('m.gw')).toBe(0);
  });

  it('answers INTERNAL when handling a request throws, and the stream is cleaned up', async () => {
    const { call, request, cache } = startStream({
      authentication: credentialAuthentication(async () => {
        throw new Error('token backend exploded');
      }),
    });
    call.metadata.set('authorization', 'a-token');
    request(TypeUrl.Cluster);
    await vi.waitFor(() => expect(call.errors).toHaveLength(1));
    expect(call.errors[0]).toEqual({ code: grpc.status.INTERNAL, details: 'internal error' });
    expect(cache.delivery.status('m.gw')).toBeUndefined();
  });

  it('does not lose a snapshot that appears right after a pump found none', async () => {
    // The snapshot is published in the microtask right after the pump's (empty) look.
    class LateCache extends SnapshotCache {
      private armed = true;
      override current(nodeId: string) {
        const found = super.current(nodeId);
        if (this.armed && !found) {
          this.armed = false;
          queueMicrotask(() => this.set(nodeId, snapshot(7)));
        }
        return found;
      }
    }
    const { call, request } = startStream({ cache: new LateCache() });
    request(TypeUrl.Cluster);
    await vi.waitFor(() => expect(call.written).toHaveLength(1));
    expect(call.written[0]!.type_url).toBe(TypeUrl.Cluster);
  });
});

describe('adminPortOf', () => {
  it("reads dataplane.admin.port from node metadata as protobufjs decodes it, and ignores anything else", async () => {
    const { adminPortOf } = await import('./ads-stream.js');
    expect(adminPortOf({ fields: { 'dataplane.admin.port': { stringValue: '9902' } } })).toBe(9902);
    expect(adminPortOf({ fields: { 'dataplane.admin.port': { numberValue: 9903 } } })).toBe(9903);
    expect(adminPortOf({ fields: { 'dataplane.admin.port': { stringValue: '70000' } } })).toBeUndefined();
    expect(adminPortOf({ fields: { 'dataplane.admin.port': { stringValue: 'x' } } })).toBeUndefined();
    expect(adminPortOf({ fields: {} })).toBeUndefined();
    expect(adminPortOf(undefined)).toBeUndefined();
  });
});
