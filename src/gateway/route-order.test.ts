import { describe, expect, it } from 'vitest';
import type { HeaderMatch, PathMatch, QueryMatch } from '../ir/gateway.js';
import type { Entry } from './route-entries.js';
import { sortEntries } from './route-order.js';

/** An entry with the given conditions; `id` (in the cluster name) tracks generation order. */
function entry(id: string, path: PathMatch, more: { method?: 'GET'; headers?: number; query?: number } = {}): Entry {
  const headers: HeaderMatch[] = Array.from({ length: more.headers ?? 0 }, (_, i) => ({ kind: 'present', name: `h${i}` }));
  const queryParameters: QueryMatch[] = Array.from({ length: more.query ?? 0 }, (_, i) => ({ kind: 'exact', name: `q${i}`, value: 'v' }));
  return {
    path,
    ...(more.method ? { method: more.method } : {}),
    headers,
    queryParameters,
    action: { kind: 'forward', forwards: [{ cluster: id, weight: 1, meshCluster: true }], autoHostRewrite: false },
    requestHeaders: { add: [], remove: [] },
    responseHeaders: { add: [], remove: [] },
  };
}
const exact = (value: string): PathMatch => ({ kind: 'exact', value });
const prefix = (value: string): PathMatch => ({ kind: 'prefix', value });
const regex = (value: string): PathMatch => ({ kind: 'regex', value });

/** Sorted ids. */
function order(entries: Entry[]): string[] {
  return sortEntries(entries).map((e) => (e.action.kind === 'forward' ? (e.action.forwards[0]?.cluster ?? '') : ''));
}

describe('route ordering (docs/gateway.md §2.8)', () => {
  it('1. exact paths first, longer first', () => {
    expect(order([entry('p', prefix('/aaaaaa/')), entry('short', exact('/a')), entry('long', exact('/abc'))])).toEqual(['long', 'short', 'p']);
  });
  it('2. then prefixes, longer first', () => {
    expect(order([entry('r', regex('/.*')), entry('p1', prefix('/')), entry('p2', prefix('/api/'))])).toEqual(['p2', 'p1', 'r']);
  });
  it('3. regexes longer first; equal lengths are equivalent and keep generation order', () => {
    expect(order([entry('a', regex('/a.*')), entry('b', regex('/b.*'), { method: 'GET', headers: 2 }), entry('long', regex('/long.*'))])).toEqual([
      'long',
      'a',
      'b',
    ]);
  });
  it('4. a method condition first', () => {
    expect(order([entry('plain', exact('/x'), { headers: 3 }), entry('method', exact('/x'), { method: 'GET' })])).toEqual(['method', 'plain']);
  });
  it('5. more header conditions first (the method is not counted)', () => {
    expect(order([entry('one', exact('/x'), { headers: 1 }), entry('two', exact('/x'), { headers: 2, query: 0 })])).toEqual(['two', 'one']);
  });
  it('6. more query parameter conditions first', () => {
    expect(order([entry('zero', prefix('/x/')), entry('two', prefix('/x/'), { query: 2 }), entry('one', prefix('/x/'), { query: 1 })])).toEqual([
      'two',
      'one',
      'zero',
    ]);
  });
  it('7. the smaller path string first, in byte order', () => {
    expect(order([entry('b', exact('/b')), entry('Z', exact('/Z')), entry('a', exact('/a'))])).toEqual(['Z', 'a', 'b']);
  });
  it('keeps generation order for entries equal on every criterion (stable)', () => {
    const entries = Array.from({ length: 50 }, (_, i) => entry(`e${i}`, exact('/same')));
    expect(order(entries)).toEqual(entries.map((_, i) => `e${i}`));
  });
  it('orders equal-length non-ASCII paths by bytes, not UTF-16 code units', () => {
    // Both 5 bytes; U+FF61 (EF BD A1) sorts before U+1F600 (F0 9F 98 80), though its code unit
    // 0xFF61 is above the surrogate 0xD83D.
    expect(order([entry('emoji', exact('/\u{1F600}')), entry('halfwidth', exact('/\uFF61a'))])).toEqual(['halfwidth', 'emoji']);
  });
  it('compares lengths in UTF-8 bytes', () => {
    expect(order([entry('ascii', exact('/ab')), entry('utf8', exact('/\u00e9b'))])).toEqual(['utf8', 'ascii']);
  });
  it('does not mutate its input', () => {
    const entries = [entry('b', exact('/b')), entry('a', exact('/aa'))];
    sortEntries(entries);
    expect(entries.map((e) => e.path.value)).toEqual(['/b', '/aa']);
  });
});
