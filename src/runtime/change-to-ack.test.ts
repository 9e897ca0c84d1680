// Change-to-ACK attribution: the oldest change handed to a generation, per type the generation
// changed for a proxy, observed at that version's ACK; NACKs and unrelated ACKs are not counted.
import { describe, expect, it } from 'vitest';
import { buildSnapshot, type Snapshot } from '../xds/cache/snapshot.js';
import { TypeUrl } from '../xds/cache/resource-types.js';
import { ChangeToAck, MAX_PENDING } from './change-to-ack.js';

function snapshot(routes: string, listeners = 'l'): Snapshot {
  const resource = (name: string, body: string) => ({ name, bytes: Buffer.from(body) });
  return buildSnapshot({ [TypeUrl.RouteConfiguration]: [resource('r', routes)], [TypeUrl.Listener]: [resource('l', listeners)] });
}

function ack(nodeId: string, typeUrl: string, version: string, at: number) {
  return { nodeId, typeUrl, version, at: new Date(at) };
}

describe('ChangeToAck', () => {
  it('times each changed type from the oldest change of its generation to its ACK', () => {
    let now = 1_000;
    const seen: [string, number][] = [];
    const t = new ChangeToAck((type, s) => seen.push([type, s]), () => now);
    const first = snapshot('a');
    t.changed();
    now = 1_050;
    t.changed(); // a later change in the same debounce window: the first one is what the proxy waits since
    t.generationStarting();
    t.published('m.gw', first, undefined);
    t.generationDone();
    t.acked(ack('m.gw', TypeUrl.RouteConfiguration, first.types.get(TypeUrl.RouteConfiguration)!.version, 1_300));
    expect(seen).toEqual([[TypeUrl.RouteConfiguration, 0.3]]);

    // Only RDS changes next. LDS of the first generation was still waiting, so its ACK counts from the
    // first change; an ACK of an older RDS version counts nothing.
    const second = snapshot('b');
    now = 2_000;
    t.changed();
    t.generationStarting();
    t.published('m.gw', second, first);
    t.generationDone();
    t.acked(ack('m.gw', TypeUrl.Listener, first.types.get(TypeUrl.Listener)!.version, 2_100));
    t.acked(ack('m.gw', TypeUrl.RouteConfiguration, first.types.get(TypeUrl.RouteConfiguration)!.version, 2_100));
    t.acked(ack('m.gw', TypeUrl.RouteConfiguration, second.types.get(TypeUrl.RouteConfiguration)!.version, 2_500));
    expect(seen.slice(1)).toEqual([[TypeUrl.Listener, 1.1], [TypeUrl.RouteConfiguration, 0.5]]);
    // Nothing waits any more.
    expect(t.pendingCount()).toBe(0);
  });

  it('keeps the older change time when a newer version replaces one not yet ACKed, and drops a NACKed version', () => {
    let now = 0;
    const seen: number[] = [];
    const t = new ChangeToAck((_type, s) => seen.push(s), () => now);
    const generation = (snap: Snapshot, previous?: Snapshot) => {
      t.changed();
      t.generationStarting();
      t.published('m.gw', snap, previous);
      t.generationDone();
    };
    const [a, b, c] = [snapshot('a'), snapshot('b'), snapshot('c')];
    generation(a);
    now = 500;
    generation(b, a);
    t.acked(ack('m.gw', TypeUrl.RouteConfiguration, b.types.get(TypeUrl.RouteConfiguration)!.version, 800));
    expect(seen).toEqual([0.8]);
    now = 1_000;
    generation(c, b);
    t.nacked({ ...ack('m.gw', TypeUrl.RouteConfiguration, c.types.get(TypeUrl.RouteConfiguration)!.version, 1_100), nonce: '1', message: 'no', resources: [], count: 1 });
    t.acked(ack('m.gw', TypeUrl.RouteConfiguration, c.types.get(TypeUrl.RouteConfiguration)!.version, 1_200));
    expect(seen).toEqual([0.8]);
  });

  it('ignores snapshots published outside a generation and bounds what waits', () => {
    const t = new ChangeToAck(() => undefined, () => 0);
    t.published('m.first-build', snapshot('a'), undefined);
    expect(t.pendingCount()).toBe(0);
    t.changed();
    t.generationStarting();
    const snap = snapshot('a');
    for (let i = 0; i < MAX_PENDING; i++) t.published(`m.gw-${i}`, snap, undefined);
    expect(t.pendingCount()).toBe(MAX_PENDING);
  });
});
