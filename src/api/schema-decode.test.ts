import { describe, expect, it } from 'vitest';
import { MESH_GATEWAY_SPEC_SCHEMA } from './mesh-gateway.js';
import { MESH_GATEWAY_ROUTE_SPEC_SCHEMA } from './mesh-gateway-route.js';
import { bool, double, enumeration, field, freeform, integer, listOf, mapOf, object, oneOf, snakeCase, text, uint32 } from './schema.js';
import { decode } from './schema-decode.js';

const listener = (extra: Record<string, unknown>) => ({
  selectors: [{ match: { 'kuma.io/service': 'gw' } }],
  conf: { listeners: [{ port: 80, protocol: 'HTTP', ...extra }] },
});

describe('decode: wrong types name the expected type', () => {
  it.each([
    ['port as non-numeric string', { port: '80a' }, 'conf.listeners[0].port', 'must be an integer'],
    ['port as fraction', { port: 80.5 }, 'conf.listeners[0].port', 'must be an integer'],
    ['port as boolean', { port: true }, 'conf.listeners[0].port', 'must be an integer'],
    ['hostname as number', { hostname: 5 }, 'conf.listeners[0].hostname', 'must be a string'],
    ['crossMesh as string', { crossMesh: 'yes' }, 'conf.listeners[0].crossMesh', 'must be a boolean'],
    ['tags as list', { tags: ['a'] }, 'conf.listeners[0].tags', 'must be a map'],
    ['tag value as number', { tags: { version: 2 } }, 'conf.listeners[0].tags["version"]', 'must be a string'],
    ['tls as string', { tls: 'on' }, 'conf.listeners[0].tls', 'must be an object'],
    ['certificates as object', { tls: { mode: 'TERMINATE', certificates: {} } }, 'conf.listeners[0].tls.certificates', 'must be a list'],
    ['unknown protocol name', { protocol: 'UDP' }, 'conf.listeners[0].protocol', 'must be one of "NONE", "TCP", "TLS", "HTTP", "HTTPS"'],
    ['reserved protocol number 2', { protocol: 2 }, 'conf.listeners[0].protocol', 'must be one of "NONE", "TCP", "TLS", "HTTP", "HTTPS"'],
    ['negative connection limit', { resources: { connectionLimit: -1 } }, 'conf.listeners[0].resources.connectionLimit', 'must be in the range [0, 4294967295]'],
  ])('%s', (_name, extra, fieldPath, message) => {
    expect(decode(MESH_GATEWAY_SPEC_SCHEMA, listener(extra)).violations).toEqual([{ field: fieldPath, message }]);
  });
});

describe('decode: accepted spellings', () => {
  it.each([
    ['integer given as decimal string', { port: '8080' }, { port: 8080 }],
    ['protocol by number', { protocol: 5 }, { protocol: 'HTTPS' }],
    ['TLS mode by number', { protocol: 'TLS', tls: { mode: 1, certificates: [{ secret: 's' }] } }, { tls: { mode: 'TERMINATE', certificates: [{ secret: 's' }] } }],
    ['snake_case cross_mesh', { cross_mesh: true }, { crossMesh: true }],
    ['snake_case connection_limit', { resources: { connection_limit: 7 } }, { resources: { connectionLimit: 7 } }],
    ['snake_case inline_string', { protocol: 'TLS', tls: { mode: 'PASSTHROUGH', certificates: [{ inline_string: 'pem' }] } }, { tls: { mode: 'PASSTHROUGH', certificates: [{ inlineString: 'pem' }] } }],
    ['null treated as not set', { hostname: null, tls: null }, { hostname: '' }],
  ])('%s', (_name, extra, expected) => {
    const out = decode(MESH_GATEWAY_SPEC_SCHEMA, listener(extra));
    expect(out.violations).toEqual([]);
    const decoded = out.value as { conf: { listeners: Record<string, unknown>[] } };
    expect(decoded.conf.listeners[0]).toMatchObject(expected);
  });

  it('derives snake_case from lowerCamelCase names', () => {
    expect(['queryParameters', 'hostToBackendHostname', 'port'].map(snakeCase)).toEqual([
      'query_parameters',
      'host_to_backend_hostname',
      'port',
    ]);
  });

  it.each([
    ['queryParameters', 'query_parameters'],
    ['requestHeader', 'request_header'],
    ['statusCode', 'status_code'],
    ['replacePrefixMatch', 'replace_prefix_match'],
  ])('accepts %s and %s in routes', (camel, snake) => {
    const route = (key: string) => {
      const filter: Record<string, unknown> =
        camel === 'requestHeader'
          ? { [key]: { remove: ['x'] } }
          : camel === 'statusCode'
            ? { redirect: { [key]: 301 } }
            : camel === 'replacePrefixMatch'
              ? { rewrite: { [key]: '/' } }
              : { rewrite: { replaceFull: '/' } };
      const match: Record<string, unknown> =
        camel === 'queryParameters' ? { [key]: [{ name: 'q', value: 'v' }] } : { path: { value: '/' } };
      return { conf: { http: { rules: [{ matches: [match], filters: [filter] }] } } };
    };
    const a = decode(MESH_GATEWAY_ROUTE_SPEC_SCHEMA, route(camel));
    const b = decode(MESH_GATEWAY_ROUTE_SPEC_SCHEMA, route(snake));
    expect(a.violations).toEqual([]);
    expect(b.value).toEqual(a.value);
  });
});

describe('decode: structure violations', () => {
  it('reports an unknown field at its own path', () => {
    const spec = { selectors: [], conf: { listners: [] } };
    expect(decode(MESH_GATEWAY_SPEC_SCHEMA, spec).violations).toEqual([{ field: 'conf.listners', message: 'unknown field "listners"' }]);
  });

  it('reports both spellings of one field as a duplicate', () => {
    const spec = { conf: { http: { rules: [{ matches: [{ queryParameters: [], query_parameters: [] }] }] } } };
    expect(decode(MESH_GATEWAY_ROUTE_SPEC_SCHEMA, spec).violations).toEqual([
      {
        field: 'conf.http.rules[0].matches[0].query_parameters',
        message: 'duplicate field: "queryParameters" and "query_parameters" are the same field',
      },
    ]);
  });

  it('rejects a matches key in a TCP rule as unknown', () => {
    const spec = { conf: { tcp: { rules: [{ matches: [], backends: [] }] } } };
    expect(decode(MESH_GATEWAY_ROUTE_SPEC_SCHEMA, spec).violations).toEqual([
      { field: 'conf.tcp.rules[0].matches', message: 'unknown field "matches"' },
    ]);
  });

  it('reports a list item of the wrong type and keeps later indices aligned', () => {
    const spec = { conf: { listeners: ['x', { port: 'bad' }] } };
    expect(decode(MESH_GATEWAY_SPEC_SCHEMA, spec).violations).toEqual([
      { field: 'conf.listeners[0]', message: 'must be an object' },
      { field: 'conf.listeners[1].port', message: 'must be an integer' },
    ]);
  });

  it.each([
    ['two members of a oneof', { secret: 'a', file: 'b' }, 'only one of "secret", "file", "inline", "inlineString" may be set'],
    ['no member of a required oneof', {}, 'must have exactly one of "secret", "file", "inline", "inlineString"'],
  ])('data source with %s', (_name, source, message) => {
    const spec = listener({ protocol: 'HTTPS', tls: { mode: 'TERMINATE', certificates: [source] } });
    expect(decode(MESH_GATEWAY_SPEC_SCHEMA, spec).violations).toEqual([{ field: 'conf.listeners[0].tls.certificates[0]', message }]);
  });
});

describe('decode: defaults', () => {
  it('fills the documented defaults of a MeshGateway listener', () => {
    const out = decode(MESH_GATEWAY_SPEC_SCHEMA, { conf: { listeners: [{ port: 80, protocol: 'HTTP' }] } });
    expect(out.value).toEqual({
      selectors: [],
      tags: {},
      conf: { listeners: [{ port: 80, protocol: 'HTTP', hostname: '', tags: {}, crossMesh: false }] },
    });
  });

  it('fills route match defaults: EXACT path, header and query matches', () => {
    const spec = { conf: { http: { rules: [{ matches: [{ path: { value: '/' }, headers: [{ name: 'h', value: 'v' }], query_parameters: [{ name: 'q', value: 'v' }] }] }] } } };
    const value = decode(MESH_GATEWAY_ROUTE_SPEC_SCHEMA, spec).value;
    expect(value).toEqual({
      selectors: [],
      conf: {
        http: {
          hostnames: [],
          rules: [
            {
              matches: [
                {
                  path: { match: 'EXACT', value: '/' },
                  headers: [{ match: 'EXACT', name: 'h', value: 'v' }],
                  queryParameters: [{ match: 'EXACT', name: 'q', value: 'v' }],
                },
              ],
              filters: [],
              backends: [],
            },
          ],
        },
      },
    });
  });

  it('keeps an absent backend weight absent and an explicit zero as zero', () => {
    const spec = { conf: { tcp: { rules: [{ backends: [{ destination: {} }, { weight: 0, destination: {} }] }] } } };
    const value = decode(MESH_GATEWAY_ROUTE_SPEC_SCHEMA, spec).value as { conf: { tcp: { rules: { backends: object[] }[] } } };
    expect(value.conf.tcp.rules[0]?.backends).toEqual([{ destination: {} }, { weight: 0, destination: {} }]);
  });
});

describe('decode: bounds', () => {
  const small = object('test', {
    list: field(listOf(text(), 2), 'a short list'),
    name: field(text(4), 'a short string'),
    tags: field(mapOf(text(), 1), 'a small map'),
    any: field(freeform(), 'free-form'),
  });

  it.each([
    ['a list over its cap', { list: ['a', 'b', 'c'] }, 'list', 'must have at most 2 elements'],
    ['a string over its cap', { name: 'abcde' }, 'name', 'must be at most 4 characters'],
    ['a map over its cap', { tags: { a: 'x', b: 'y' } }, 'tags', 'must have at most 1 entries'],
  ])('rejects %s', (_name, input, fieldPath, message) => {
    expect(decode(small, input).violations).toEqual([{ field: fieldPath, message }]);
  });

  it('rejects free-form data nested deeper than the maximum depth', () => {
    let deep: Record<string, unknown> = {};
    const root = deep;
    for (let i = 0; i < 40; i++) deep = (deep['a'] = {}) as Record<string, unknown>;
    const violations = decode(small, { any: root }).violations;
    expect(violations).toHaveLength(1);
    expect(violations[0]?.message).toBe('exceeds the maximum nesting depth of 32');
  });

  it('rejects the 501st listener', () => {
    const listeners = Array.from({ length: 501 }, () => ({ port: 80, protocol: 'HTTP' }));
    expect(decode(MESH_GATEWAY_SPEC_SCHEMA, { conf: { listeners } }).violations).toEqual([
      { field: 'conf.listeners', message: 'must have at most 500 elements' },
    ]);
  });

  it('stores a "__proto__" map key as data, not as a prototype', () => {
    const input = JSON.parse('{"tags": {"__proto__": "x"}}') as unknown;
    const value = decode(small, input).value as { tags: Record<string, string> };
    expect(Object.keys(value.tags)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(value.tags)).toBe(Object.prototype);
  });
});

describe('decode: scalar kinds', () => {
  const scalars = object('test', {
    n: field(double(), 'a double'),
    b: field(bool(), 'a bool'),
    e: field(enumeration({ A: 0, B: 1 }), 'an enum'),
    i: field(integer('int32', { minimum: -5, maximum: 5 }), 'a bounded int'),
    u: field(uint32(), 'a uint32'),
  }, { oneOf: [oneOf(['n', 'b'], false)] });

  it.each([
    ['a double from a numeric string', { n: '12.5' }, { n: 12.5 }],
    ['an enum by number', { e: 1 }, { e: 'B' }],
    ['an enum by name', { e: 'A' }, { e: 'A' }],
    ['a negative int within bounds', { i: -5 }, { i: -5 }],
  ])('accepts %s', (_name, input, expected) => {
    const out = decode(scalars, input);
    expect(out.violations).toEqual([]);
    expect(out.value).toEqual(expected);
  });

  it.each([
    ['a non-numeric double', { n: 'abc' }, 'n', 'must be a number'],
    ['an enum number out of range', { e: 7 }, 'e', 'must be one of "A", "B"'],
    ['an int below its minimum', { i: -6 }, 'i', 'must be in the range [-5, 5]'],
    ['two members of an optional oneof', { n: 1, b: true }, '', 'only one of "n", "b" may be set'],
    ['a uint32 above its range', { u: 4_294_967_296 }, 'u', 'must be in the range [0, 4294967295]'],
  ])('rejects %s', (_name, input, fieldPath, message) => {
    expect(decode(scalars, input).violations).toEqual([{ field: fieldPath, message }]);
  });
});
