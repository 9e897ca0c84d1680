import { describe, expect, it } from 'vitest';
import { applyDeltaRequest, buildDeltaResponse } from './delta-stream.js';
import type { TypeState, TypeView } from './stream-state.js';
import type { BuildContext } from './protocol.js';
import type { DeltaDiscoveryRequest } from './ads-service.js';
import type { SnapshotResource } from '../cache/snapshot.js';
import { TypeUrl } from '../cache/resource-types.js';

function view(typeUrl: string, versions: Record<string, string>, keep: string[] = []): TypeView {
  const resources = new Map<string, SnapshotResource>();
  for (const name of Object.keys(versions).sort()) {
    const bytes = new TextEncoder().encode(name);
    resources.set(name, { typeUrl, name, version: versions[name]!, bytes, any: { type_url: typeUrl, value: bytes } });
  }
  return { typeUrl, version: 'tv', resources, keep: new Set(keep) };
}

let n = 0;
const ctx = (now = 0): BuildContext => ({ now, nackBackoffMs: 5000, nextNonce: () => `d${++n}` });

/** Applies a request, builds if due; returns [sent "name@version"], removed, or null for no response. */
function step(state: TypeState | undefined, typeUrl: string, req: DeltaDiscoveryRequest, v: TypeView, now = 0) {
  const applied = applyDeltaRequest(state, typeUrl, req, now);
  const result = applied.outcome.needsResponse ? buildDeltaResponse(applied.state, v, ctx(now)) : ({ kind: 'none' } as const);
  const response =
    result.kind === 'send'
      ? { resources: result.message.resources.map((r) => `${r.name}@${r.version}`), removed: [...result.message.removed_resources] }
      : null;
  return { ...applied, result, response };
}

describe('delta', () => {
  it('first request with no names is a wildcard and gets the full set', () => {
    const { state, response } = step(undefined, TypeUrl.Cluster, {}, view(TypeUrl.Cluster, { a: '1', b: '1' }));
    expect(state.wildcard).toBe(true);
    expect(response).toEqual({ resources: ['a@1', 'b@1'], removed: [] });
  });

  it('reconnect with initial_resource_versions: only differences, removals for what is gone, empty answer when equal', () => {
    const v = view(TypeUrl.Cluster, { a: '1', b: '2' });
    const unchanged = step(undefined, TypeUrl.Cluster, { initial_resource_versions: { a: '1', b: '2' } }, v);
    expect(unchanged.response).toEqual({ resources: [], removed: [] });
    const changed = step(undefined, TypeUrl.Cluster, { initial_resource_versions: { a: '1', b: '1', old: '9' } }, v);
    expect(changed.response).toEqual({ resources: ['b@2'], removed: ['old'] });
  });

  it('answers a named subscription to a missing resource with removed_resources, once', () => {
    const first = step(undefined, TypeUrl.RouteConfiguration, { resource_names_subscribe: ['r', 'missing'] }, view(TypeUrl.RouteConfiguration, { r: '1' }));
    expect(first.response).toEqual({ resources: ['r@1'], removed: ['missing'] });
    expect(buildDeltaResponse(first.state, view(TypeUrl.RouteConfiguration, { r: '1' }), ctx()).kind).toBe('none');
    const appears = buildDeltaResponse(first.state, view(TypeUrl.RouteConfiguration, { r: '1', missing: '1' }), ctx());
    expect(appears.kind === 'send' && appears.message.resources.map((r) => r.name)).toEqual(['missing']);
  });

  it('applies subscription changes whatever the nonce says', () => {
    const v = view(TypeUrl.ClusterLoadAssignment, { a: '1', b: '1' });
    const first = step(undefined, TypeUrl.ClusterLoadAssignment, { resource_names_subscribe: ['a'] }, v);
    const stale = step(first.state, TypeUrl.ClusterLoadAssignment, { resource_names_subscribe: ['b'], response_nonce: 'not-latest' }, v);
    expect(stale.outcome.kind).toBe('stale');
    expect(stale.response).toEqual({ resources: ['b@1'], removed: [] });
  });

  it('re-sends a name subscribed again (the client may have dropped it); phantom unsubscribes are ignored', () => {
    const v = view(TypeUrl.ClusterLoadAssignment, { a: '1' });
    const first = step(undefined, TypeUrl.ClusterLoadAssignment, { resource_names_subscribe: ['a'] }, v);
    const phantom = step(first.state, TypeUrl.ClusterLoadAssignment, { resource_names_unsubscribe: ['never'] }, v);
    expect(phantom.response).toBeNull();
    const again = step(first.state, TypeUrl.ClusterLoadAssignment, { resource_names_subscribe: ['a'] }, v);
    expect(again.response).toEqual({ resources: ['a@1'], removed: [] });
  });

  it('plain unsubscribe needs no response; with * plus the name it is sent again (still covered)', () => {
    const v = view(TypeUrl.Cluster, { a: '1', b: '1' });
    const named = step(undefined, TypeUrl.Cluster, { resource_names_subscribe: ['a', 'b'] }, v);
    const un = step(named.state, TypeUrl.Cluster, { resource_names_unsubscribe: ['a'] }, v);
    expect(un.response).toBeNull();
    const wild = step(undefined, TypeUrl.Cluster, { resource_names_subscribe: ['*', 'a'] }, v);
    const unWild = step(wild.state, TypeUrl.Cluster, { resource_names_unsubscribe: ['a'] }, v);
    expect(unWild.response).toEqual({ resources: ['a@1'], removed: [] });
  });

  it('announces resources deleted from a wildcard subscription, but not names the view keeps', () => {
    const first = step(undefined, TypeUrl.Cluster, {}, view(TypeUrl.Cluster, { a: '1', b: '1', c: '1' }));
    const next = buildDeltaResponse(first.state, view(TypeUrl.Cluster, { a: '1' }, ['c']), ctx());
    expect(next.kind === 'send' && next.message.removed_resources).toEqual(['b']);
    expect(first.state.held.has('c')).toBe(true);
  });

  it('NACK rolls back held versions, suppresses identical content and ACK/NACK need the latest nonce', () => {
    const first = step(undefined, TypeUrl.Cluster, {}, view(TypeUrl.Cluster, { a: '1' }));
    const s = first.state;
    applyDeltaRequest(s, TypeUrl.Cluster, { response_nonce: s.last!.nonce }, 0);
    const push = buildDeltaResponse(s, view(TypeUrl.Cluster, { a: '2' }), ctx());
    expect(push.kind).toBe('send');
    const staleNack = applyDeltaRequest(s, TypeUrl.Cluster, { response_nonce: 'older', error_detail: { message: 'x' } }, 0);
    expect(staleNack.outcome.nack).toBeUndefined();
    const nack = applyDeltaRequest(s, TypeUrl.Cluster, { response_nonce: s.last!.nonce, error_detail: { message: 'bad a' } }, 100);
    expect(nack.outcome.nack).toMatchObject({ message: 'bad a', count: 1 });
    expect(s.held.get('a')?.version).toBe('1');
    expect(buildDeltaResponse(s, view(TypeUrl.Cluster, { a: '2' }), ctx(100_000)).kind).toBe('none');
    expect(buildDeltaResponse(s, view(TypeUrl.Cluster, { a: '3' }), ctx(200))).toEqual({ kind: 'defer', until: 5100 });
    const after = buildDeltaResponse(s, view(TypeUrl.Cluster, { a: '3' }), ctx(5100));
    expect(after.kind === 'send' && after.message.resources.map((r) => r.version)).toEqual(['3']);
  });
});
