import { describe, expect, it } from 'vitest';
import type { StoredResource } from '../core/resource.js';
import { compareGroupOrder, compareVirtualHostOrder, hostnamesMatch } from './hostname-match.js';
import { redistributeWildcardRoutes, routesForHost, type Host } from './hosts.js';
import { storedResource } from './testdata/load-case.js';

function route(name: string, hostnames: string[] = []): StoredResource<'MeshGatewayRoute'> {
  return storedResource({ type: 'MeshGatewayRoute', name, selectors: [], conf: { http: { hostnames, rules: [] } } });
}

function host(hostname: string, routes: StoredResource<'MeshGatewayRoute'>[] = [], tags = { l: hostname }): Host {
  return { hostname, tags, routes, implicit: false };
}

/** hostname -> route names, for compact assertions. */
function layout(hosts: readonly Host[]): Record<string, string[]> {
  return Object.fromEntries(hosts.map((h) => [h.hostname, h.routes.map((r) => r.name)]));
}

describe('hostname matching (docs/gateway.md §2.7 step 1)', () => {
  it.each([
    ['foo.example.com', 'foo.example.com', true],
    ['*.example.com', 'foo.example.com', true],
    ['*.example.com', 'a.b.example.com', true],
    ['*.com', '*.example.com', true],
    ['foo.example.com', '*.com', true],
    ['*.example.com', 'foo.examples.com', false],
    ['*.example.com', 'example.com', false],
    ['*.example.com', 'fooexample.com', false],
    ['foo.example.com', 'bar.example.com', false],
    ['*', 'anything.example.com', true],
  ])('%s vs %s -> %s', (a, b, expected) => {
    expect(hostnamesMatch(a, b)).toBe(expected);
    expect(hostnamesMatch(b, a)).toBe(expected);
  });

  it('keeps every route on *, and matching or hostname-less routes elsewhere', () => {
    const routes = [route('none'), route('match', ['*.example.com']), route('other', ['shop.other.com'])];
    expect(routesForHost(host('*', routes)).map((r) => r.name)).toEqual(['none', 'match', 'other']);
    expect(routesForHost(host('foo.example.com', routes)).map((r) => r.name)).toEqual(['none', 'match']);
  });
});

describe('group and virtual host order (docs/gateway.md §2.6)', () => {
  it('orders filter chains: exact names, then wildcards with more labels first, then bytes', () => {
    const names = ['*', '*.com', 'foo.example.com', '*.example.com', 'bar.example.com', '*.a.example.com', '*.b.example.com'];
    expect([...names].sort(compareGroupOrder)).toEqual([
      'bar.example.com',
      'foo.example.com',
      '*.a.example.com',
      '*.b.example.com',
      '*.example.com',
      '*.com',
      '*',
    ]);
  });

  it('orders virtual hosts in descending byte order, * last', () => {
    const names = ['*', 'one.example.com', '*.example.com', 'three.example.com', 'two.example.com'];
    expect([...names].sort(compareVirtualHostOrder)).toEqual([
      'two.example.com',
      'three.example.com',
      'one.example.com',
      '*.example.com',
      '*',
    ]);
  });
});

describe('redistributing wildcard routes (docs/gateway.md §2.6)', () => {
  it('leaves groups without a * host alone (duplicates still removed)', () => {
    const r = route('r');
    expect(layout(redistributeWildcardRoutes([host('a.example.com', [r, r])]))).toEqual({ 'a.example.com': ['r'] });
  });

  it('moves hostname routes to named hosts, creating implicit copies of * with its tags', () => {
    const hosts = redistributeWildcardRoutes([
      host('*', [route('catch'), route('foo', ['foo.example.com']), route('listed', ['api.example.com'])]),
      host('api.example.com', [route('own')]),
    ]);
    expect(layout(hosts)).toEqual({
      '*': ['catch'],
      'api.example.com': ['own', 'listed'],
      'foo.example.com': ['foo', 'catch'],
    });
    const implicit = hosts.find((h) => h.hostname === 'foo.example.com');
    expect(implicit?.implicit).toBe(true);
    expect(implicit?.tags).toEqual({ l: '*' });
  });

  it('D3: implicit hosts get the hostname-less routes after their own, listener hosts do not', () => {
    const hosts = redistributeWildcardRoutes([
      host('*', [route('a-catch'), route('b-named', ['x.example.com', 'y.example.com']), route('c-catch')]),
      host('y.example.com'),
    ]);
    expect(layout(hosts)).toEqual({
      '*': ['a-catch', 'c-catch'],
      'y.example.com': ['b-named'],
      'x.example.com': ['b-named', 'a-catch', 'c-catch'],
    });
  });

  it('D4: *.S reaches *.S and names ending in .S on label boundaries, including later implicit hosts', () => {
    const hosts = redistributeWildcardRoutes([
      host('*', [route('a-wild', ['*.example.com']), route('b-late', ['late.example.com', 'fooexample.com', 'example.com'])]),
      host('*.a.example.com'),
    ]);
    expect(layout(hosts)).toEqual({
      '*': [],
      '*.a.example.com': ['a-wild'],
      '*.example.com': ['a-wild'],
      'late.example.com': ['b-late', 'a-wild'],
      'fooexample.com': ['b-late'],
      'example.com': ['b-late'],
    });
  });

  it('removes duplicates within a host keeping the first position', () => {
    const both = route('both', ['*.example.com', 'foo.example.com']);
    const hosts = redistributeWildcardRoutes([host('*', [both]), host('foo.example.com', [route('own')])]);
    expect(layout(hosts)['foo.example.com']).toEqual(['own', 'both']);
  });

  it('does not mutate its input', () => {
    const input = [host('*', [route('n', ['n.example.com']), route('c')])];
    const before = JSON.stringify(input);
    redistributeWildcardRoutes(input);
    expect(JSON.stringify(input)).toBe(before);
  });
});
