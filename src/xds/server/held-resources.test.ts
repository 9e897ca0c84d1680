// The held entries of a stream as a shared snapshot map plus an overlay: reads like a Map
// whatever the representation, idle streams store (almost) nothing of their own, and the protocol
// rules on top (NACK rollback, delta reconnects, retained names) see no difference.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HeldResources, NOT_FOUND, type HeldResource } from './held-resources.js';
import { applySotwRequest, buildSotwResponse } from './sotw-stream.js';
import { applyDeltaRequest, buildDeltaResponse } from './delta-stream.js';
import type { TypeView } from './stream-state.js';
import type { BuildContext } from './protocol.js';
import type { SnapshotResource } from '../cache/snapshot.js';
import { TypeUrl } from '../cache/resource-types.js';

/** A snapshot type's resources: a fresh object per resource, as every new snapshot builds them. */
function resources(typeUrl: string, versions: Record<string, string>): Map<string, SnapshotResource> {
  const map = new Map<string, SnapshotResource>();
  for (const name of Object.keys(versions).sort()) {
    const bytes = new TextEncoder().encode(`${name}@${versions[name]}`);
    map.set(name, { typeUrl, name, version: versions[name]!, bytes, any: { type_url: typeUrl, value: bytes } });
  }
  return map;
}

/** A view as Retention gives it: the snapshot's map, shared. */
function view(typeUrl: string, versions: Record<string, string>, keep: string[] = []): TypeView {
  const map = resources(typeUrl, versions);
  return { typeUrl, version: `tv-${JSON.stringify(versions)}`, resources: map, keep: new Set(keep), shared: map };
}

let n = 0;
const ctx = (now = 0): BuildContext => ({ now, nackBackoffMs: 5000, nextNonce: () => `h${++n}` });
const versions = (held: HeldResources) => Object.fromEntries([...held].map(([name, entry]) => [name, entry.version]));

describe('HeldResources', () => {
  it('behaves like a Map under any sequence of sets, deletes and rebases', () => {
    const names = fc.constantFrom('a', 'b', 'c', 'd', 'e');
    const entry = fc.oneof(fc.constantFrom('1', '2').map((v) => ({ version: v }) as HeldResource), fc.constant(NOT_FOUND));
    const op = fc.oneof(
      fc.record({ kind: fc.constant('set' as const), name: names, entry }),
      fc.record({ kind: fc.constant('delete' as const), name: names }),
      fc.record({ kind: fc.constant('rebase' as const), versions: fc.dictionary(names, fc.constantFrom('1', '2')) }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 40 }), (ops) => {
        const held = new HeldResources();
        const model = new Map<string, string | null>();
        for (const o of ops) {
          if (o.kind === 'set') {
            held.set(o.name, o.entry);
            model.set(o.name, o.entry.version);
          } else if (o.kind === 'delete') {
            expect(held.delete(o.name)).toBe(model.delete(o.name));
          } else {
            held.rebase(resources(TypeUrl.Cluster, o.versions));
          }
          expect(held.size).toBe(model.size);
          expect(versions(held)).toEqual(Object.fromEntries(model));
          for (const name of ['a', 'b', 'c', 'd', 'e']) expect([held.has(name), held.get(name)?.version]).toEqual([model.has(name), model.get(name)]);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('an ACKed SotW wildcard stream references the snapshot and stores nothing of its own', () => {
    const v1 = view(TypeUrl.Cluster, { a: '1', b: '1', c: '1' });
    const { state } = applySotwRequest(undefined, TypeUrl.Cluster, {}, 0);
    expect(buildSotwResponse(state, v1, ctx()).kind).toBe('send');
    applySotwRequest(state, TypeUrl.Cluster, { response_nonce: state.last!.nonce, version_info: state.last!.version }, 0);
    expect(state.held.ownEntries()).toBe(0);
    expect(state.held.get('b')).toBe(v1.resources.get('b'));
    // A new snapshot with one change: only the changed entry would be the stream's own, and after
    // the push (full state) none is; unchanged entries now point at the new snapshot's objects.
    const v2 = view(TypeUrl.Cluster, { a: '1', b: '2', c: '1' });
    expect(buildSotwResponse(state, v2, ctx()).kind).toBe('send');
    expect(state.held.ownEntries()).toBe(0);
    expect(state.held.get('a')).toBe(v2.resources.get('a'));
  });

  it('NACK after an ACK rolls back to the ACKed entries with the shared representation (SotW)', () => {
    const v1 = view(TypeUrl.Cluster, { a: '1', b: '1', c: '1' });
    const { state } = applySotwRequest(undefined, TypeUrl.Cluster, {}, 0);
    buildSotwResponse(state, v1, ctx());
    applySotwRequest(state, TypeUrl.Cluster, { response_nonce: state.last!.nonce, version_info: state.last!.version }, 0);
    const v2 = view(TypeUrl.Cluster, { a: '1', b: '2', d: '1' });
    const push = buildSotwResponse(state, v2, ctx());
    expect(push.kind === 'send' && push.message.resources).toHaveLength(3);
    const nack = applySotwRequest(state, TypeUrl.Cluster, { response_nonce: state.last!.nonce, error_detail: { message: 'bad b' } }, 100);
    expect(nack.outcome.nack).toMatchObject({ resources: ['a', 'b', 'd'], message: 'bad b' });
    expect(versions(state.held)).toEqual({ a: '1', b: '1', c: '1' });
    expect(state.held.get('c')).toBe(v1.resources.get('c'));
    // Rejected content is not sent again; changed content waits for the backoff, then is complete.
    expect(buildSotwResponse(state, v2, ctx(100_000)).kind).toBe('none');
    const v3 = view(TypeUrl.Cluster, { a: '1', b: '3', d: '1' });
    expect(buildSotwResponse(state, v3, ctx(200))).toEqual({ kind: 'defer', until: 5100 });
    const after = buildSotwResponse(state, v3, ctx(5100));
    expect(after.kind === 'send' && after.message.resources.length).toBe(3);
    expect(versions(state.held)).toEqual({ a: '1', b: '3', d: '1' });
  });

  it('NACK after an ACK rolls back with the shared representation (delta), removals included', () => {
    const v1 = view(TypeUrl.Cluster, { a: '1', b: '1' });
    const { state } = applyDeltaRequest(undefined, TypeUrl.Cluster, {}, 0);
    buildDeltaResponse(state, v1, ctx());
    applyDeltaRequest(state, TypeUrl.Cluster, { response_nonce: state.last!.nonce }, 0);
    expect(state.held.ownEntries()).toBe(0);
    const v2 = view(TypeUrl.Cluster, { a: '2' });
    const push = buildDeltaResponse(state, v2, ctx());
    expect(push.kind === 'send' && [push.message.resources.map((r) => r.name), push.message.removed_resources]).toEqual([['a'], ['b']]);
    applyDeltaRequest(state, TypeUrl.Cluster, { response_nonce: state.last!.nonce, error_detail: { message: 'no' } }, 0);
    expect(versions(state.held)).toEqual({ a: '1', b: '1' });
  });

  it('a delta reconnect whose initial_resource_versions match the snapshot ends up sharing it', () => {
    const v = view(TypeUrl.ClusterLoadAssignment, { a: '1', b: '1', c: '2' });
    const { state } = applyDeltaRequest(undefined, TypeUrl.ClusterLoadAssignment, { resource_names_subscribe: ['a', 'b', 'c'], initial_resource_versions: { a: '1', b: '1', c: '1' } }, 0);
    const first = buildDeltaResponse(state, v, ctx());
    expect(first.kind === 'send' && first.message.resources.map((r) => r.name)).toEqual(['c']);
    expect(state.held.ownEntries()).toBe(0);
    expect(state.held.get('a')).toBe(v.resources.get('a'));
  });

  it('a subscription to a few names of a large type keeps a small plain copy', () => {
    const many = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`r${i}`, '1']));
    const v = view(TypeUrl.RouteConfiguration, many);
    const { state } = applySotwRequest(undefined, TypeUrl.RouteConfiguration, { resource_names: ['r1', 'r2', 'missing'] }, 0);
    buildSotwResponse(state, v, ctx());
    expect(state.held.size).toBe(2);
    expect(state.held.ownEntries()).toBe(2);
    // Nearly all names: the shared map plus "not held" marks for the rest.
    const most = Object.keys(many).slice(0, 48);
    applySotwRequest(state, TypeUrl.RouteConfiguration, { resource_names: most, response_nonce: state.last!.nonce, version_info: state.last!.version }, 0);
    buildSotwResponse(state, v, ctx());
    expect(state.held.size).toBe(48);
    expect(state.held.ownEntries()).toBe(2);
  });

  it('retained names stay held and are kept, not announced as removed', () => {
    const v1 = view(TypeUrl.Cluster, { a: '1', gone: '1' });
    const { state } = applyDeltaRequest(undefined, TypeUrl.Cluster, {}, 0);
    buildDeltaResponse(state, v1, ctx());
    const shared = resources(TypeUrl.Cluster, { a: '2' });
    const retained: TypeView = {
      typeUrl: TypeUrl.Cluster,
      version: 'tv2',
      resources: new Map([...shared, ['gone', state.held.get('gone') as SnapshotResource]]),
      keep: new Set(['gone']),
      shared,
    };
    const push = buildDeltaResponse(state, retained, ctx());
    expect(push.kind === 'send' && [push.message.resources.map((r) => r.name), push.message.removed_resources]).toEqual([['a'], []]);
    expect(state.held.has('gone')).toBe(true);
    expect(state.held.ownEntries()).toBe(1);
  });
});
