import { describe, expect, it } from 'vitest';
import { SnapshotCache } from './snapshot-cache.js';
import { DeliveryStatus } from './delivery-status.js';
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
    delivery.recordNack('m.a', TypeUrl.Cluster, 'v2', 'bad cluster');
    delivery.recordNack('m.a', TypeUrl.Cluster, 'v3', 'still bad');
    stop();
    delivery.recordNack('m.a', TypeUrl.Cluster, 'v4', 'not listened');
    delivery.streamClosed('m.a');

    expect(acks.map((e) => [e.nodeId, e.typeUrl, e.version])).toEqual([['m.a', TypeUrl.Cluster, 'v1']]);
    expect(nacks.map((e) => [e.version, e.message, e.count])).toEqual([
      ['v2', 'bad cluster', 1],
      ['v3', 'still bad', 2],
    ]);
    const status = delivery.status('m.a')!;
    expect(status.connectedStreams).toBe(0);
    expect(status.types).toHaveLength(1);
    expect(status.types[0]).toMatchObject({ sentVersion: 'v1', ackedVersion: 'v1', lastNack: { version: 'v4', message: 'not listened', count: 3 } });
    delivery.forget('m.a');
    expect(delivery.status('m.a')).toBeUndefined();
  });
});
