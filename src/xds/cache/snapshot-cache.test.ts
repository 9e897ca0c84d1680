import { describe, expect, it } from 'vitest';
import { SnapshotCache } from './snapshot-cache.js';
import { DeliveryStatus, MAX_NACK_MESSAGE, MAX_NACK_RESOURCES, type RejectedResponse } from './delivery-status.js';
import type { AckEvent, NackEvent } from './delivery-status.js';
import { buildSnapshot } from './snapshot.js';
import { TypeUrl } from './resource-types.js';

const snap = (name: string) => buildSnapshot({ [TypeUrl.Listener]: [{ name, bytes: new Uint8Array([1]) }] });

describe('SnapshotCache', () => {
  it('hides snapshots until ready and then notifies watchers', () => {
    const cache = new SnapshotCache();
    const s = snap('l');
    let calls = 0;
    cache.watch('m.a', () => calls++);
    cache.set('m.a', s);
    expect(cache.get('m.a')).toBe(s);
    expect(cache.current('m.a')).toBeUndefined();
    expect(calls).toBe(0);
    cache.setReady();
    expect(cache.current('m.a')).toBe(s);
    expect(calls).toBe(1);
    cache.setReady();
    expect(calls).toBe(1);
  });

  it('shares one snapshot object between nodes and ignores re-setting the same object', () => {
    const cache = new SnapshotCache();
    cache.setReady();
    const s = snap('l');
    const seen: string[] = [];
    cache.watch('m.a', () => seen.push('a'));
    cache.watch('m.b', () => seen.push('b'));
    cache.set('m.a', s);
    cache.set('m.b', s);
    cache.set('m.a', s);
    expect(seen).toEqual(['a', 'b']);
    expect(cache.current('m.a')).toBe(cache.current('m.b'));
    cache.set('m.a', snap('other'));
    expect(seen).toEqual(['a', 'b', 'a']);
  });

  it('notifies on delete and stops notifying after unwatch', () => {
    const cache = new SnapshotCache();
    cache.setReady();
    let calls = 0;
    const unwatch = cache.watch('m.a', () => calls++);
    cache.set('m.a', snap('l'));
    cache.delete('m.a');
    expect(calls).toBe(2);
    expect(cache.current('m.a')).toBeUndefined();
    expect(cache.watcherCount('m.a')).toBe(1);
    unwatch();
    expect(cache.watcherCount('m.a')).toBe(0);
    cache.set('m.a', snap('l'));
    expect(calls).toBe(2);
    expect(cache.nodeIds()).toEqual(['m.a']);
  });
});

/** A rejected response of version `version` carrying cluster `a`. */
const rejected = (version: string, message: string): RejectedResponse => ({ version, nonce: `n-${version}`, message, resources: ['a'] });

describe('DeliveryStatus', () => {
  it('records sent, ACK and NACK per type and emits events', () => {
    let t = 0;
    const delivery = new DeliveryStatus(() => new Date(++t * 1000));
    const acks: AckEvent[] = [];
    const nacks: NackEvent[] = [];
    delivery.onAck((e) => acks.push(e));
    const stop = delivery.onNack((e) => nacks.push(e));
    delivery.streamOpened('m.a');
    delivery.recordSent('m.a', TypeUrl.Cluster, 'v1');
    delivery.recordAck('m.a', TypeUrl.Cluster, 'v1');
    delivery.recordNack('m.a', TypeUrl.Cluster, rejected('v2', 'bad cluster'));
    delivery.recordNack('m.a', TypeUrl.Cluster, rejected('v3', 'still bad'));
    stop();
    delivery.recordNack('m.a', TypeUrl.Cluster, rejected('v4', 'not listened'));
    delivery.streamClosed('m.a');

    expect(acks.map((e) => [e.nodeId, e.typeUrl, e.version])).toEqual([['m.a', TypeUrl.Cluster, 'v1']]);
    expect(nacks.map((e) => [e.version, e.message, e.count])).toEqual([
      ['v2', 'bad cluster', 1],
      ['v3', 'still bad', 2],
    ]);
    const status = delivery.status('m.a')!;
    expect(status.connectedStreams).toBe(0);
    expect(status.types).toHaveLength(1);
    expect(status.types[0]).toMatchObject({ sentVersion: 'v1', ackedVersion: 'v1', sends: 1, acks: 1, nacks: 3, lastNack: { version: 'v4', nonce: 'n-v4', resources: ['a'], message: 'not listened', count: 3 } });
    delivery.forget('m.a');
    expect(delivery.status('m.a')).toBeUndefined();
  });

  it('clears a NACK when another version of its type is ACKed, not when the rejected one is', () => {
    const delivery = new DeliveryStatus(() => new Date(0));
    delivery.recordSent('m.a', TypeUrl.RouteConfiguration, 'v1');
    delivery.recordAck('m.a', TypeUrl.RouteConfiguration, 'v1');
    delivery.recordSent('m.a', TypeUrl.RouteConfiguration, 'v2');
    delivery.recordNack('m.a', TypeUrl.RouteConfiguration, rejected('v2', 'invalid regex'));
    delivery.recordNack('m.a', TypeUrl.Listener, rejected('l2', 'bad listener'));
    const nackOf = (typeUrl: string) => delivery.status('m.a')!.types.find((t) => t.typeUrl === typeUrl)!.lastNack;

    delivery.recordAck('m.a', TypeUrl.RouteConfiguration, 'v2');
    expect(nackOf(TypeUrl.RouteConfiguration)?.version).toBe('v2');
    delivery.recordAck('m.a', TypeUrl.RouteConfiguration, 'v3');
    expect(nackOf(TypeUrl.RouteConfiguration)).toBeUndefined();
    expect(Object.keys(delivery.status('m.a')!.types.find((t) => t.typeUrl === TypeUrl.RouteConfiguration)!)).not.toContain('lastNack');
    // Other types keep theirs; the count survives clearing.
    expect(nackOf(TypeUrl.Listener)?.message).toBe('bad listener');
    delivery.recordNack('m.a', TypeUrl.RouteConfiguration, rejected('v4', 'again'));
    expect(nackOf(TypeUrl.RouteConfiguration)?.count).toBe(2);
  });

  it("bounds Envoy's message and the resource names kept", () => {
    const delivery = new DeliveryStatus();
    const names = Array.from({ length: MAX_NACK_RESOURCES + 5 }, (_, i) => `listener-${String(i).padStart(2, '0')}`).reverse();
    delivery.recordNack('m.a', TypeUrl.Listener, { version: 'v1', nonce: 'n1', message: 'x'.repeat(MAX_NACK_MESSAGE + 500), resources: names });
    const nack = delivery.status('m.a')!.types[0]!.lastNack!;
    expect(nack.message).toBe(`${'x'.repeat(MAX_NACK_MESSAGE)}… (500 more characters)`);
    expect(nack.resources).toHaveLength(MAX_NACK_RESOURCES);
    expect(nack.resources[0]).toBe('listener-00');
  });
});

describe('SnapshotCache on demand', () => {
  it('builds an invalidated or never-set snapshot from the provider when read, and notifies watchers of invalidation', () => {
    const built = new Map([['m.a', snap('a')]]);
    let calls = 0;
    const cache = new SnapshotCache();
    cache.setProvider((id) => {
      calls += 1;
      return built.get(id);
    });
    expect(cache.current('m.a')).toBeUndefined(); // not ready: the provider is not even asked
    cache.setReady();
    expect(cache.current('m.a')).toBe(built.get('m.a'));
    expect(cache.current('m.a')).toBe(built.get('m.a'));
    expect(calls).toBe(1);
    let woken = 0;
    cache.watch('m.a', () => (woken += 1));
    built.set('m.a', snap('a2'));
    cache.invalidate('m.a');
    expect(woken).toBe(1);
    expect(cache.current('m.a')).toBe(built.get('m.a'));
    expect(cache.current('m.unknown')).toBeUndefined();
    expect(cache.peek('m.b')).toBeUndefined();
  });

  it('drops a snapshot nobody watched for the grace period, and rebuilds it on the next read', () => {
    let now = 0;
    const cache = new SnapshotCache(undefined, { idleGraceMs: 1000, now: () => now });
    let calls = 0;
    cache.setProvider(() => {
      calls += 1;
      return snap('a');
    });
    cache.setReady();
    const off = cache.watch('m.a', () => undefined);
    cache.current('m.a');
    now = 5000;
    cache.sweepIdle();
    expect(cache.peek('m.a')).toBeDefined(); // watched: kept however long
    off();
    now = 5500;
    cache.sweepIdle();
    expect(cache.peek('m.a')).toBeDefined(); // idle for less than the grace period
    now = 6001;
    cache.sweepIdle();
    expect(cache.peek('m.a')).toBeUndefined();
    expect(cache.current('m.a')).toBeDefined();
    expect(calls).toBe(2);
    cache.close();
  });
});
