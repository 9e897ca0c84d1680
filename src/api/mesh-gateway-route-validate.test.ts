// docs/gateway.md §4.3: one row per MeshGatewayRoute rule, each with its exact field and message.
import { describe, expect, it } from 'vitest';
import { parseSpec } from './resource-kinds.js';
import type { Violation } from './violation.js';

function violationsOf(spec: unknown): readonly Violation[] {
  const r = parseSpec('MeshGatewayRoute', spec);
  return r.ok ? [] : r.violations;
}

const SELECTORS = [{ match: { 'kuma.io/service': 'gw' } }];
const BACKENDS = [{ destination: { 'kuma.io/service': 'web' } }];
const PATH = { path: { match: 'PREFIX', value: '/' } };
type Obj = Record<string, unknown>;
/** A route with one HTTP rule; the rule defaults to a valid prefix match and one backend. */
const rule = (r: Obj) => ({ selectors: SELECTORS, conf: { http: { rules: [{ matches: [PATH], backends: BACKENDS, ...r }] } } });
const withFilters = (...filters: Obj[]) => rule({ filters });
const withMatch = (match: Obj) => rule({ matches: [match] });
const R = 'conf.http.rules[0]';
const M = `${R}.matches[0]`;
const F0 = `${R}.filters[0]`;
const HOST_REWRITE = { rewrite: { hostToBackendHostname: true } };
const REDIRECT = { redirect: { status_code: 301 } };
const SVC_MISSING = 'mandatory tag "kuma.io/service" is missing';

describe('docs/gateway.md §4.3 MeshGatewayRoute', () => {
  it.each<[string, unknown, Violation[]]>([
    ['no selectors', { selectors: [], conf: { tcp: { rules: [{ backends: BACKENDS }] } } }, [{ field: 'selectors', message: 'must have at least one element' }]],
    [
      'a selector without tags',
      { selectors: [{ match: {} }], conf: { tcp: { rules: [{ backends: BACKENDS }] } } },
      [{ field: 'selectors[0].match', message: 'must have at least one tag' }],
    ],
    [
      'a selector without kuma.io/service',
      { selectors: [{ match: { port: 'http/80' } }], conf: { tcp: { rules: [{ backends: BACKENDS }] } } },
      [{ field: 'selectors[0].match', message: SVC_MISSING }],
    ],
    ['neither http nor tcp', { selectors: SELECTORS, conf: {} }, [{ field: 'conf', message: 'cannot be empty' }]],
    ['conf missing', { selectors: SELECTORS }, [{ field: 'conf', message: 'cannot be empty' }]],
    ['HTTP without rules', { selectors: SELECTORS, conf: { http: { rules: [] } } }, [{ field: 'conf.http.rules', message: 'cannot be empty' }]],
    ['a rule without matches', rule({ matches: [] }), [{ field: `${R}.matches`, message: 'cannot be empty' }]],
    ['a match with no condition', withMatch({}), [{ field: M, message: 'cannot be empty' }]],
    ['a match whose only method is NONE', withMatch({ method: 'NONE' }), [{ field: M, message: 'cannot be empty' }]],
    ['REGEX path with empty value', withMatch({ path: { match: 'REGEX' } }), [{ field: `${M}.value`, message: 'cannot be empty' }]],
    ['EXACT path not starting with /', withMatch({ path: { value: 'api' } }), [{ field: `${M}.value`, message: 'must be an absolute path' }]],
    ['PREFIX path not starting with /', withMatch({ path: { match: 1, value: 'api' } }), [{ field: `${M}.value`, message: 'must be an absolute path' }]],
    ['header with empty name', withMatch({ headers: [{ value: 'v' }] }), [{ field: `${M}.headers[0].name`, message: 'cannot be empty' }]],
    ['EXACT header with empty value', withMatch({ headers: [{ name: 'h' }] }), [{ field: `${M}.headers[0].value`, message: 'cannot be empty' }]],
    ['REGEX header with empty value', withMatch({ headers: [{ match: 'REGEX', name: 'h' }] }), [{ field: `${M}.headers[0].value`, message: 'cannot be empty' }]],
    ['PRESENT header with a value', withMatch({ headers: [{ match: 'PRESENT', name: 'h', value: 'v' }] }), [{ field: `${M}.headers[0].value`, message: 'cannot be set' }]],
    ['ABSENT header with a value', withMatch({ headers: [{ match: 2, name: 'h', value: 'v' }] }), [{ field: `${M}.headers[0].value`, message: 'cannot be set' }]],
    ['query parameter with empty name', withMatch({ queryParameters: [{ value: 'v' }] }), [{ field: `${M}.query_parameters[0].name`, message: 'cannot be empty' }]],
    ['query parameter with empty value', withMatch({ query_parameters: [{ name: 'q' }] }), [{ field: `${M}.query_parameters[0].value`, message: 'cannot be empty' }]],
    ['request_header with nothing to do', withFilters({ request_header: {} }), [{ field: `${F0}.request_header`, message: 'cannot be empty' }]],
    ['set entry with empty name', withFilters({ requestHeader: { set: [{ value: 'v' }] } }), [{ field: `${F0}.request_header.set[0].name`, message: 'cannot be empty' }]],
    ['add entry with empty value', withFilters({ request_header: { add: [{ name: 'h' }] } }), [{ field: `${F0}.request_header.add[0].value`, message: 'cannot be empty' }]],
    ['response_header set entry with empty value', withFilters({ response_header: { set: [{ name: 'h' }] } }), [{ field: `${F0}.response_header.set[0].value`, message: 'cannot be empty' }]],
    ['empty remove entry', withFilters({ request_header: { remove: [''] } }), [{ field: `${F0}.request_header.remove[0]`, message: 'cannot be empty' }]],
    ...(['Host', 'host', ':authority'].map((name) => [
      `request_header setting ${name} with a host rewrite (index counts remaining filters)`,
      withFilters(HOST_REWRITE, { request_header: { set: [{ name, value: 'x' }] } }),
      [{ field: `${F0}.request_header.set[0]`, message: `cannot modify '${name}' header, when route has set 'rewrite.host_to_backend_hostname' option` }],
    ]) as [string, unknown, Violation[]][]),
    [
      'request_header adding Host with a host rewrite',
      withFilters({ request_header: { add: [{ name: 'Host', value: 'x' }] } }, { rewrite: { host_to_backend_hostname: true } }),
      [{ field: `${F0}.request_header.add[0]`, message: "cannot modify 'Host' header, when route has set 'rewrite.host_to_backend_hostname' option" }],
    ],
    [
      'filter index shifts past a host-rewrite filter',
      withFilters(HOST_REWRITE, { request_header: { set: [{ name: 'a', value: 'b' }] } }, { response_header: {} }),
      [{ field: `${R}.filters[1].response_header`, message: 'cannot be empty' }],
    ],
    [
      'a host-rewrite filter is not checked, its replacePrefixMatch included',
      rule({ matches: [{ path: { value: '/a' } }], filters: [{ rewrite: { hostToBackendHostname: true, replacePrefixMatch: '/b' } }] }),
      [],
    ],
    ['redirect port above 65535', rule({ backends: [], filters: [{ redirect: { port: 70000, statusCode: 302 } }] }), [{ field: `${F0}.redirect.port`, message: 'port must be in the range [1, 65535]' }]],
    ['redirect status 200', rule({ backends: [], filters: [{ redirect: { status_code: 200 } }] }), [{ field: `${F0}.redirect.status_code`, message: 'must be in the range [300, 308]' }]],
    ['redirect status 399', rule({ backends: [], filters: [{ redirect: { status_code: 399 } }] }), [{ field: `${F0}.redirect.status_code`, message: 'must be in the range [300, 308]' }]],
    ['redirect status missing', rule({ backends: [], filters: [{ redirect: { scheme: 'https' } }] }), [{ field: `${F0}.redirect.status_code`, message: 'must be in the range [300, 308]' }]],
    ...([300, 304, 305, 306].map((code) => [
      `redirect status ${code} (D9)`,
      rule({ backends: [], filters: [{ redirect: { status_code: code } }] }),
      [{ field: `${F0}.redirect.status_code`, message: 'must be one of 301, 302, 303, 307 or 308' }],
    ]) as [string, unknown, Violation[]][]),
    ['mirror without percentage', withFilters({ mirror: { backend: BACKENDS[0] } }), [{ field: `${F0}.mirror.percentage`, message: 'cannot be empty' }]],
    ['mirror percentage 150', withFilters({ mirror: { backend: BACKENDS[0], percentage: 150 } }), [{ field: `${F0}.mirror.percentage`, message: 'has to be in [0.0 - 100.0] range' }]],
    ['mirror percentage below 0', withFilters({ mirror: { backend: BACKENDS[0], percentage: -1 } }), [{ field: `${F0}.mirror.percentage`, message: 'has to be in [0.0 - 100.0] range' }]],
    ['mirror without backend', withFilters({ mirror: { percentage: 10 } }), [{ field: `${F0}.mirror.backend`, message: 'cannot be empty' }]],
    ['mirror backend without tags', withFilters({ mirror: { percentage: 10, backend: { destination: {} } } }), [{ field: `${F0}.mirror.backend`, message: 'must have at least one tag' }]],
    ['mirror backend without service', withFilters({ mirror: { percentage: 10, backend: { destination: { app: 'x' } } } }), [{ field: `${F0}.mirror.backend`, message: SVC_MISSING }]],
    [
      'replacePrefixMatch without a prefix match',
      rule({ matches: [{ path: { value: '/a' } }], filters: [{ rewrite: { replace_prefix_match: '/b' } }] }),
      [{ field: `${F0}.rewrite.replacePrefixMatch`, message: 'cannot be used without a match on path prefix' }],
    ],
    [
      'a redirect with another filter; backends are then not checked',
      rule({ backends: [], filters: [REDIRECT, { request_header: { remove: ['x'] } }] }),
      [{ field: `${R}.filters`, message: 'redirects cannot be used with other filters' }],
    ],
    [
      'two redirects, backends present and still not checked',
      rule({ filters: [REDIRECT, REDIRECT] }),
      [{ field: `${R}.filters`, message: 'redirects cannot be used with other filters' }],
    ],
    [
      'a redirect with a host-rewrite filter (counted by the redirect rule)',
      rule({ backends: [], filters: [REDIRECT, HOST_REWRITE] }),
      [{ field: `${R}.filters`, message: 'redirects cannot be used with other filters' }],
    ],
    ['no backends and no redirect', rule({ backends: [] }), [{ field: `${R}.backends`, message: 'cannot be empty' }]],
    ['backends together with a redirect', rule({ filters: [REDIRECT] }), [{ field: `${R}.backends`, message: 'must be empty when using redirect filters' }]],
    ['backend destination without tags', rule({ backends: [{ weight: 1 }] }), [{ field: `${R}.backends[0]`, message: 'must have at least one tag' }]],
    ['backend destination without service', rule({ backends: [{ destination: { app: 'web' } }] }), [{ field: `${R}.backends[0]`, message: SVC_MISSING }]],
    [
      'backend destination with an empty tag value',
      rule({ backends: [{ destination: { 'kuma.io/service': 'web', version: '' } }] }),
      [{ field: `${R}.backends[0]["version"]`, message: 'tag value must be non-empty' }],
    ],
    ['TCP route without rules', { selectors: SELECTORS, conf: { tcp: { rules: [] } } }, [{ field: 'conf.tcp.rules', message: 'cannot be empty' }]],
    ['TCP rule without backends', { selectors: SELECTORS, conf: { tcp: { rules: [{}] } } }, [{ field: 'conf.tcp.rules[0].backends', message: 'cannot be empty' }]],
    [
      'TCP rule with matches fails parsing',
      { selectors: SELECTORS, conf: { tcp: { rules: [{ matches: [PATH], backends: BACKENDS }] } } },
      [{ field: 'conf.tcp.rules[0].matches', message: 'unknown field "matches"' }],
    ],
  ])('%s', (_name, spec, expected) => {
    expect(violationsOf(spec)).toEqual(expected);
  });

  it.each<[string, unknown]>([
    ['a PREFIX path of exactly /', withMatch({ path: { match: 'PREFIX', value: '/' } })],
    ['a redirect port of 0 (not set)', rule({ backends: [], filters: [{ redirect: { port: 0, status_code: 308 } }] })],
    ['a match on method only', withMatch({ method: 3 })],
    ['a prefix rewrite with a prefix match', withFilters({ rewrite: { replacePrefixMatch: '/v2' } })],
    ['a backend with weight 0', rule({ backends: [{ weight: 0, destination: { 'kuma.io/service': 'web' } }] })],
    ['a TCP backend without service (no semantic checks on TCP)', { selectors: SELECTORS, conf: { tcp: { rules: [{ backends: [{ destination: {} }] }] } } }],
    ['a mirror of 0 percent', withFilters({ mirror: { backend: BACKENDS[0], percentage: 0 } })],
    ['setting Host without a host rewrite', withFilters({ request_header: { set: [{ name: 'Host', value: 'x' }] } })],
  ])('accepts %s', (_name, spec) => {
    expect(violationsOf(spec)).toEqual([]);
  });
});
