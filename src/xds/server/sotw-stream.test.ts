import { describe, expect, it } from 'vitest';
import { applySotwRequest, buildSotwResponse, classifySotwRequest, setSotwNames } from './sotw-stream.js';
import { TypeState } from './stream-state.js';
import type { TypeView } from './stream-state.js';
import type { BuildContext } from './protocol.js';
import type { DiscoveryRequest } from './ads-service.js';
import type { SnapshotResource } from '../cache/snapshot.js';
import { TypeUrl } from '../cache/resource-types.js';

/** A view of synthetic resources: name → version. */
function view(typeUrl: string, versions: Record<string, string>, typeVersion = 'tv'): TypeView {
  const resources = new Map<string, SnapshotResource>();
  for (const name of Object.keys(versions).sort()) {
    const bytes = new TextEncoder().encode(`${name}@${versions[name]}`);
    resources.set(name, { typeUrl, name, version: versions[name]!, bytes, any: { type_url: typeUrl, value: bytes } });
  }
  return { typeUrl, version: typeVersion, resources, keep: new Set() };
}

let nonce = 0;
const ctx = (now = 0, nackBackoffMs = 5000): BuildContext => ({ now, nackBackoffMs, nextNonce: () => `n${++nonce}` });

/** Applies a request and, if due, builds the response; returns the names sent (or null). */
function step(state: TypeState | undefined, typeUrl: string, req: DiscoveryRequest, v: TypeView, now = 0) {
  const { state: s, outcome } = applySotwRequest(state, typeUrl, req, now);
  const result = outcome.needsResponse ? buildSotwResponse(s, v, ctx(now)) : { kind: 'none' as const };
  const sent = result.kind === 'send' ? result.message.resources.map((a) => new TextDecoder().decode(a.value)) : null;
  return { state: s, outcome, result, sent };
}

describe('SotW request classification (docs/xds-server.md §5 table)', () => {
  const sent = (): TypeState => {
    const s = new TypeState(TypeUrl.RouteConfiguration);
    s.commit({ nonce: 'n-current', version: 'v1', key: 'k', undo: [] });
    return s;
  };
  it.each<[string, TypeState | undefined, DiscoveryRequest, string]>([
    ['no state, no nonce', undefined, {}, 'first'],
    ['no state, nonce from an old stream', undefined, { response_nonce: 'old' }, 'first'],
    ['not the latest nonce', sent(), { response_nonce: 'n-older' }, 'stale'],
    ['latest nonce with error_detail', sent(), { response_nonce: 'n-current', error_detail: { message: 'bad' } }, 'nack'],
    ['latest nonce, no error_detail', sent(), { response_nonce: 'n-current' }, 'ack'],
    ['latest nonce, older version, no error (a subscription change, not a NACK)', sent(), { response_nonce: 'n-current', version_info: 'v0' }, 'ack'],
    ['nothing sent yet, empty nonce', new TypeState(TypeUrl.RouteConfiguration), {}, 'update'],
  ])('%s → %s', (_what, state, req, kind) => {
    expect(classifySotwRequest(state, req)).toBe(kind);
  });
});

describe('legacy wildcard (docs/xds-server.md §6)', () => {
  it('[] = wildcard; ["*","A"] = wildcard plus A; ["A"] = A only; [] afterwards = nothing', () => {
    const s = new TypeState(TypeUrl.Cluster);
    setSotwNames(s, []);
    expect([s.wildcard, [...s.explicit]]).toEqual([true, []]);
    setSotwNames(s, ['*', 'A']);
    expect([s.wildcard, [...s.explicit]]).toEqual([true, ['A']]);
    setSotwNames(s, ['A']);
    expect([s.wildcard, [...s.explicit]]).toEqual([false, ['A']]);
    setSotwNames(s, []);
    expect([s.wildcard, [...s.explicit]]).toEqual([false, []]);
  });
});

describe('SotW responses', () => {
  it('answers the first request even when the version is current, and an empty LDS set too', () => {
    const first = step(undefined, TypeUrl.Listener, { version_info: 'tv' }, view(TypeUrl.Listener, { l: '1' }));
    expect(first.sent).toEqual(['l@1']);
    const empty = step(undefined, TypeUrl.Listener, {}, view(TypeUrl.Listener, {}));
    expect(empty.result.kind).toBe('send');
    expect(empty.sent).toEqual([]);
  });

  it('sends LDS/CDS as the full set whenever it changes, nothing when unchanged', () => {
    const { state } = step(undefined, TypeUrl.Cluster, {}, view(TypeUrl.Cluster, { a: '1', b: '1' }));
    expect(buildSotwResponse(state, view(TypeUrl.Cluster, { a: '1', b: '1' }), ctx()).kind).toBe('none');
    const changed = buildSotwResponse(state, view(TypeUrl.Cluster, { a: '2', b: '1' }), ctx());
    expect(changed.kind === 'send' && changed.message.resources.length).toBe(2);
    const removed = buildSotwResponse(state, view(TypeUrl.Cluster, { b: '1' }), ctx());
    expect(removed.kind === 'send' && removed.message.resources.length).toBe(1);
  });

  it('sends only requested names that exist, and only changed ones afterwards', () => {
    const v1 = view(TypeUrl.ClusterLoadAssignment, { a: '1', b: '1', c: '1' });
    const { state, sent } = step(undefined, TypeUrl.ClusterLoadAssignment, { resource_names: ['a', 'b', 'missing'] }, v1);
    expect(sent).toEqual(['a@1', 'b@1']);
    const v2 = view(TypeUrl.ClusterLoadAssignment, { a: '1', b: '2', c: '2' });
    const next = buildSotwResponse(state, v2, ctx());
    expect(next.kind === 'send' && next.message.resources.map((a) => new TextDecoder().decode(a.value))).toEqual(['b@2']);
  });

  it('holds back a named request whose names do not exist yet and sends them when they appear', () => {
    const { state, result } = step(undefined, TypeUrl.RouteConfiguration, { resource_names: ['r'] }, view(TypeUrl.RouteConfiguration, {}));
    expect(result.kind).toBe('none');
    const later = buildSotwResponse(state, view(TypeUrl.RouteConfiguration, { r: '1' }), ctx());
    expect(later.kind).toBe('send');
  });

  it('re-sends newly added names even if sent before; removed names need no response', () => {
    const v = view(TypeUrl.ClusterLoadAssignment, { a: '1', b: '1' });
    const first = step(undefined, TypeUrl.ClusterLoadAssignment, { resource_names: ['a', 'b'] }, v);
    const nonce1 = first.state.last!.nonce;
    const shrink = step(first.state, TypeUrl.ClusterLoadAssignment, { resource_names: ['a'], response_nonce: nonce1 }, v);
    expect(shrink.outcome).toMatchObject({ kind: 'ack', needsResponse: false });
    const grow = step(shrink.state, TypeUrl.ClusterLoadAssignment, { resource_names: ['a', 'b'], response_nonce: nonce1 }, v);
    expect(grow.sent).toEqual(['b@1']);
  });

  it('ignores a stale request completely, including its names', () => {
    const v = view(TypeUrl.ClusterLoadAssignment, { a: '1', b: '1' });
    const first = step(undefined, TypeUrl.ClusterLoadAssignment, { resource_names: ['a'] }, v);
    const stale = step(first.state, TypeUrl.ClusterLoadAssignment, { resource_names: ['a', 'b'], response_nonce: 'old' }, v);
    expect(stale.outcome).toEqual({ kind: 'stale', needsResponse: false });
    expect([...stale.state.explicit]).toEqual(['a']);
  });

  it('after a NACK: never resends the rejected content, defers changed content until the backoff passed', () => {
    const v1 = view(TypeUrl.Cluster, { a: '1' }, 'v1');
    const v2 = view(TypeUrl.Cluster, { a: '2' }, 'v2');
    const v3 = view(TypeUrl.Cluster, { a: '3' }, 'v3');
    const { state } = step(undefined, TypeUrl.Cluster, {}, v1);
    const ack = applySotwRequest(state, TypeUrl.Cluster, { response_nonce: state.last!.nonce, version_info: 'v1' }, 0);
    expect(ack.outcome.ackedVersion).toBe('v1');
    expect(buildSotwResponse(state, v2, ctx(10)).kind).toBe('send');
    const nack = applySotwRequest(state, TypeUrl.Cluster, { response_nonce: state.last!.nonce, version_info: 'v1', error_detail: { message: 'rejected' } }, 1000);
    expect(nack.outcome).toMatchObject({ kind: 'nack', needsResponse: false, nack: { version: 'v2', message: 'rejected', count: 1 } });
    // Held rolled back to what the client accepted, so the rejected content is recognised.
    expect(state.held.get('a')?.version).toBe('1');
    expect(buildSotwResponse(state, v2, ctx(1000 + 60_000)).kind).toBe('none');
    expect(buildSotwResponse(state, v3, ctx(1000 + 4999))).toEqual({ kind: 'defer', until: 6000 });
    const resent = buildSotwResponse(state, v3, ctx(6000));
    expect(resent.kind === 'send' && resent.version).toBe('v3');
  });

  it('a NACK names the rejected response (nonce, resources sent); echoing its nonce later is no ACK of it', () => {
    const v1 = view(TypeUrl.RouteConfiguration, { a: '1', b: '1' }, 'v1');
    const v2 = view(TypeUrl.RouteConfiguration, { a: '1', b: '2' }, 'v2');
    const { state } = step(undefined, TypeUrl.RouteConfiguration, { resource_names: ['a', 'b'] }, v1);
    applySotwRequest(state, TypeUrl.RouteConfiguration, { resource_names: ['a', 'b'], response_nonce: state.last!.nonce, version_info: 'v1' }, 0);
    expect(buildSotwResponse(state, v2, ctx(10)).kind).toBe('send');
    const rejectedNonce = state.last!.nonce;
    const error_detail = { message: 'route b: invalid regex' };
    const nack = applySotwRequest(state, TypeUrl.RouteConfiguration, { resource_names: ['a', 'b'], response_nonce: rejectedNonce, version_info: 'v1', error_detail }, 100);
    // Only `b` changed, so only `b` was in the rejected response.
    expect(nack.outcome.nack).toMatchObject({ version: 'v2', nonce: rejectedNonce, resources: ['b'], message: 'route b: invalid regex' });

    // Envoy changes its subscription, echoing the rejected nonce and the version it still runs.
    const later = applySotwRequest(state, TypeUrl.RouteConfiguration, { resource_names: ['a'], response_nonce: rejectedNonce, version_info: 'v1' }, 200);
    expect(later.outcome).toMatchObject({ kind: 'ack', ackedVersion: undefined });
    expect(state.lastAcked).toBe(false);
    // The same NACK repeated records nothing new.
    const again = applySotwRequest(state, TypeUrl.RouteConfiguration, { resource_names: ['a'], response_nonce: rejectedNonce, version_info: 'v1', error_detail }, 300);
    expect(again.outcome.nack).toBeUndefined();
    expect(state.nack?.count).toBe(1);
  });
});
