import { describe, expect, it } from 'vitest';
import type { StoredResource } from '../core/resource.js';
import { PlainForwards } from './forwards.js';
import { canonicalHeaderName } from './header-names.js';
import { normalisePrefixes, userExactPaths } from './prefix-normalisation.js';
import { routeEntries, type Entry, type EntryContext } from './route-entries.js';
import { storedResource } from './testdata/load-case.js';

function httpRoute(rules: unknown[], name = 'r'): StoredResource<'MeshGatewayRoute'> {
  return storedResource({ type: 'MeshGatewayRoute', name, selectors: [], conf: { http: { rules } } });
}

/** A context naming clusters `c:<service>` and collecting problems. */
function context(): EntryContext & { problems: string[]; clusters: string[] } {
  const problems: string[] = [];
  const clusters: string[] = [];
  return {
    problems,
    clusters,
    routePolicies: () => undefined,
    clusterFor: (d) => {
      const name = `c:${d['kuma.io/service']}${d.version ? `:${d.version}` : ''}`;
      clusters.push(name);
      return name;
    },
    problem: (_route, message) => problems.push(message),
    plainForwards: new PlainForwards(),
  };
}

const BACKEND = { destination: { 'kuma.io/service': 'api' } };

/** Compact view of an entry: path and action rewrite. */
function view(e: Entry): string {
  const rw = e.action.rewritePath ? ` ${e.action.rewritePath.kind}:${e.action.rewritePath.value}` : '';
  return `${e.path.kind} ${e.path.value}${rw}`;
}

describe('OR expansion (docs/gateway.md §2.7 step 3)', () => {
  it('copies the rule once per match; no path gives prefix /, method kept apart', () => {
    const entries = routeEntries(
      httpRoute([
        {
          matches: [
            { path: { match: 'EXACT', value: '/e' } },
            { path: { match: 'REGEX', value: '/r.*' }, method: 'POST' },
            { method: 'NONE', headers: [{ match: 'ABSENT', name: 'x-a' }, { match: 'PRESENT', name: 'x-p' }, { match: 'REGEX', name: 'x-r', value: 'r' }, { match: 'EXACT', name: 'x-e', value: 'e' }] },
          ],
          backends: [BACKEND],
        },
      ]),
      context(),
    );
    expect(entries.map(view)).toEqual(['exact /e', 'regex /r.*', 'prefix /']);
    expect(entries[1]?.method).toBe('POST');
    expect(entries[2]?.method).toBeUndefined();
    expect(entries[2]?.headers.map((h) => h.kind)).toEqual(['exact', 'regex', 'present', 'absent']);
  });

  it('orders query conditions exact first, then regex', () => {
    const [entry] = routeEntries(
      httpRoute([{ matches: [{ queryParameters: [{ match: 'REGEX', name: 'b', value: '.*' }, { match: 'EXACT', name: 'a', value: '1' }] }], backends: [BACKEND] }]),
      context(),
    );
    expect(entry?.queryParameters).toEqual([
      { kind: 'exact', name: 'a', value: '1' },
      { kind: 'regex', name: 'b', value: '.*' },
    ]);
  });
});

describe('filters (docs/gateway.md §2.7 step 2, §2.9)', () => {
  it('keeps mirror percentages as numbers, a later mirror replacing an earlier one, 0% adding none', () => {
    const ctx = context();
    const entries = routeEntries(
      httpRoute([
        { matches: [{}], filters: [{ mirror: { backend: { destination: { 'kuma.io/service': 'old' } }, percentage: 50 } }, { mirror: { backend: { destination: { 'kuma.io/service': 'm' } }, percentage: 12.5 } }], backends: [BACKEND] },
        { matches: [{}], filters: [{ mirror: { backend: { destination: { 'kuma.io/service': 'tiny' } }, percentage: 0.001 } }], backends: [BACKEND] },
        { matches: [{}], filters: [{ mirror: { backend: { destination: { 'kuma.io/service': 'zero' } }, percentage: 0 } }], backends: [BACKEND] },
      ]),
      ctx,
    );
    const mirrors = entries.map((e) => (e.action.kind === 'forward' ? e.action.mirror : undefined));
    expect(mirrors).toEqual([{ cluster: 'c:m', percentage: 12.5 }, { cluster: 'c:tiny', percentage: 0.001 }, undefined]);
    // Every mirror destination that survives the filters yields a cluster, 0% included (docs/gateway.md §2.15).
    expect(ctx.clusters).toContain('c:zero');
    expect(ctx.clusters).not.toContain('c:old');
  });

  it('accumulates header filters: sets before adds, canonical names, removes as written, Host literal', () => {
    const [entry] = routeEntries(
      httpRoute([
        {
          matches: [{}],
          filters: [
            { requestHeader: { set: [{ name: 'x-a', value: '1' }, { name: 'Host', value: 'h1' }], add: [{ name: 'x-b', value: '2' }], remove: ['X-Gone'] } },
            { requestHeader: { set: [{ name: ':authority', value: 'h2' }, { name: 'x-c', value: '3' }], add: [], remove: [] } },
            { responseHeader: { set: [{ name: 'host', value: 'resp' }], add: [], remove: ['server'] } },
          ],
          backends: [BACKEND],
        },
      ]),
      context(),
    );
    expect(entry?.requestHeaders).toEqual({
      add: [
        { name: 'X-A', value: '1', append: false },
        { name: 'X-C', value: '3', append: false },
        { name: 'X-B', value: '2', append: true },
      ],
      remove: ['X-Gone'],
    });
    expect(entry?.responseHeaders).toEqual({ add: [{ name: 'Host', value: 'resp', append: false }], remove: ['server'] });
    expect(entry?.action.kind === 'forward' && entry.action.hostRewriteLiteral).toBe('h2');
  });

  it('redirects with query stripping left to the translator, port only when set [D2]', () => {
    const [a, b] = routeEntries(
      httpRoute([
        { matches: [{}], filters: [{ redirect: { scheme: 'https', port: 0, statusCode: 301 } }] },
        { matches: [{}], filters: [{ redirect: { hostname: 'x.example.com', port: 8443, statusCode: 307, path: { replaceFull: '/x' } } }] },
      ]),
      context(),
    );
    expect(a?.action).toEqual({ kind: 'redirect', scheme: 'https', statusCode: 301 });
    expect(b?.action).toEqual({ kind: 'redirect', hostname: 'x.example.com', port: 8443, statusCode: 307, rewritePath: { kind: 'full', value: '/x' } });
  });

  it('skips a rule with an unsupported redirect code, with a problem', () => {
    const ctx = context();
    expect(routeEntries(httpRoute([{ matches: [{}], filters: [{ redirect: { statusCode: 304 } }] }]), ctx)).toEqual([]);
    expect(ctx.problems).toEqual(['redirect status code 304 is not supported; rule skipped']);
  });
});

describe('MIME header canonicalisation (docs/gateway.md §2.9)', () => {
  it.each([
    ['x-request-ID', 'X-Request-Id'],
    ['CONTENT-TYPE', 'Content-Type'],
    ['x--double', 'X--Double'],
    ['x_under', 'X_under'],
    ['1abc-def', '1abc-Def'],
    [':authority', ':authority'],
    ['has space', 'has space'],
    ['caf\u00e9', 'caf\u00e9'],
  ])('%s -> %s', (input, expected) => {
    expect(canonicalHeaderName(input)).toBe(expected);
  });
});

describe('path-segment prefixes (docs/gateway.md §2.7 step 4, the table)', () => {
  /** Entries of one host holding the given rules. */
  function normalised(rules: unknown[]): string[] {
    const route = httpRoute(rules);
    return normalisePrefixes(routeEntries(route, context()), userExactPaths([route])).map(view);
  }
  const prefix = (value: string, rewrite?: string) => ({
    matches: [{ path: { match: 'PREFIX', value } }],
    filters: rewrite === undefined ? [] : [{ rewrite: { replacePrefixMatch: rewrite } }],
    backends: [BACKEND],
  });

  it('PREFIX /api -> exact /api; prefix /api/', () => {
    expect(normalised([prefix('/api')])).toEqual(['prefix /api/', 'exact /api']);
  });
  it('PREFIX /api and another rule EXACT /api -> prefix /api/ only from the prefix rule', () => {
    expect(normalised([prefix('/api'), { matches: [{ path: { match: 'EXACT', value: '/api' } }], backends: [BACKEND] }])).toEqual([
      'prefix /api/',
      'exact /api',
    ]);
  });
  it('PREFIX /prefix/a/, rewrite /a -> exact /prefix/a full /a; prefix /prefix/a/ prefix /a/', () => {
    expect(normalised([prefix('/prefix/a/', '/a')])).toEqual(['prefix /prefix/a/ prefix:/a/', 'exact /prefix/a full:/a']);
  });
  it('PREFIX /prefix, rewrite / -> exact /prefix full /; prefix /prefix/ prefix /', () => {
    expect(normalised([prefix('/prefix', '/')])).toEqual(['prefix /prefix/ prefix:/', 'exact /prefix full:/']);
  });
  it('PREFIX /, rewrite /a/b -> exact / full /a/b; prefix / prefix /a/b/', () => {
    expect(normalised([prefix('/', '/a/b')])).toEqual(['prefix / prefix:/a/b/', 'exact / full:/a/b']);
  });
  it('PREFIX /, no rewrite -> prefix / only', () => {
    expect(normalised([prefix('/')])).toEqual(['prefix /']);
  });
  it('strips every trailing slash and normalises redirect prefix rewrites too', () => {
    const redirect = { matches: [{ path: { match: 'PREFIX', value: '/old//' } }], filters: [{ redirect: { statusCode: 302, path: { replacePrefixMatch: '/new//' } } }] };
    expect(normalised([redirect])).toEqual(['prefix /old/ prefix:/new/', 'exact /old full:/new']);
  });
  it('D5: the exact copy keeps host_to_backend_hostname', () => {
    const rule = { matches: [{ path: { match: 'PREFIX', value: '/v1' } }], filters: [{ rewrite: { replacePrefixMatch: '/api', hostToBackendHostname: true } }], backends: [BACKEND] };
    const route = httpRoute([rule]);
    const entries = normalisePrefixes(routeEntries(route, context()), userExactPaths([route]));
    expect(entries.map((e) => e.action.kind === 'forward' && e.action.autoHostRewrite)).toEqual([true, true]);
  });
  it('D10: exact copies made in this step do not count as user exact matches', () => {
    expect(normalised([prefix('/api'), prefix('/api/')])).toEqual(['prefix /api/', 'exact /api', 'prefix /api/', 'exact /api']);
  });
  it('leaves exact and regex entries, and their prefix rewrites, unchanged', () => {
    const rule = { matches: [{ path: { match: 'EXACT', value: '/x' } }, { path: { match: 'PREFIX', value: '/y' } }], filters: [{ rewrite: { replacePrefixMatch: '/z/' } }], backends: [BACKEND] };
    expect(normalised([rule])).toEqual(['exact /x prefix:/z/', 'prefix /y/ prefix:/z/', 'exact /y full:/z']);
  });
});
