// ProxyTemplate validation, one row per rule with Kuma's field and message (docs/policies.md
// "ProxyTemplate"), plus the Envoy decoding of each `value` with the path inside it.
import { describe, expect, it } from 'vitest';
import { parseSpec } from './resource-kinds.js';
import type { Violation } from './violation.js';

function violationsOf(spec: unknown): readonly Violation[] {
  const r = parseSpec('ProxyTemplate', spec);
  return r.ok ? [] : r.violations;
}

const SELECTORS = [{ match: { 'kuma.io/service': '*' } }];
const withConf = (conf: unknown) => ({ selectors: SELECTORS, conf });
const withModification = (m: unknown) => withConf({ imports: ['default-proxy'], modifications: [m] });
const at = (kind: string, rest = '') => `conf.modifications[0].${kind}${rest}`;

describe('ProxyTemplate validation', () => {
  it('accepts Kuma documentation examples of every kind', () => {
    const spec = withConf({
      imports: ['default-proxy'],
      resources: [{ name: 'raw', version: '1', resource: "'@type': type.googleapis.com/envoy.config.cluster.v3.Cluster\nname: raw\nconnectTimeout: 5s\ntype: STATIC" }],
      modifications: [
        { cluster: { operation: 'add', value: 'name: test-cluster\nconnectTimeout: 5s\ntype: STATIC' } },
        { cluster: { operation: 'patch', match: { name: 'test-cluster', origin: 'inbound' }, value: 'connectTimeout: 5s' } },
        { cluster: { operation: 'remove', match: { origin: 'inbound' } } },
        { listener: { operation: 'add', value: 'name: test-listener\naddress:\n  socketAddress:\n    address: 192.168.0.1\n    portValue: 8080' } },
        { listener: { operation: 'patch', match: { tags: { 'kuma.io/service': 'backend' } }, value: 'continueOnListenerFiltersTimeout: true' } },
        {
          networkFilter: {
            operation: 'patch',
            match: { name: 'envoy.filters.network.http_connection_manager', origin: 'gateway' },
            value:
              "name: envoy.filters.network.http_connection_manager\ntypedConfig:\n  '@type': type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager\n  streamIdleTimeout: 15s",
          },
        },
        {
          httpFilter: {
            operation: 'addBefore',
            match: { name: 'envoy.filters.http.router', origin: 'outbound', listenerTags: { 'kuma.io/service': 'offers' } },
            value: "name: envoy.filters.http.lua\ntypedConfig:\n  '@type': type.googleapis.com/envoy.extensions.filters.http.lua.v3.Lua\n  inline_code: |\n    function envoy_on_request(h) end",
          },
        },
        { virtualHost: { operation: 'add', value: "name: backend\ndomains: ['*']\nroutes:\n- match:\n    prefix: /\n  route:\n    cluster: backend" } },
        { virtualHost: { operation: 'patch', match: { routeConfigurationName: 'outbound:backend' }, value: 'retryPolicy:\n  retryOn: 5xx\n  numRetries: 3' } },
      ],
    });
    expect(violationsOf(spec)).toEqual([]);
  });

  it.each<[string, unknown, Violation[]]>([
    ['no selectors', { conf: { imports: ['default-proxy'] } }, [{ field: 'selectors', message: 'must have at least one element' }]],
    ['a selector without kuma.io/service', { selectors: [{ match: { version: 'v1' } }] }, [{ field: 'selectors[0].match', message: 'mandatory tag "kuma.io/service" is missing' }]],
    ['an empty import', withConf({ imports: [''] }), [{ field: 'conf.imports[0]', message: 'cannot be empty' }]],
    [
      'an unknown profile',
      withConf({ imports: ['custom-proxy'] }),
      [{ field: 'conf.imports[0]', message: 'profile not found. Available profiles: default-proxy,egress-proxy,gateway-proxy,ingress-proxy' }],
    ],
    [
      'an empty raw resource',
      withConf({ resources: [{}] }),
      [
        { field: 'conf.resources[0].name', message: 'cannot be empty' },
        { field: 'conf.resources[0].version', message: 'cannot be empty' },
        { field: 'conf.resources[0].resource', message: 'cannot be empty' },
      ],
    ],
    [
      'a raw resource with a bad field',
      withConf({ resources: [{ name: 'a', version: '1', resource: "'@type': type.googleapis.com/envoy.config.cluster.v3.Cluster\nconnectTimeout: fast" }] }),
      [
        {
          field: 'conf.resources[0].resource',
          message: 'native Envoy resource is not valid: connectTimeout: invalid google.protobuf.Duration value "fast": expected seconds with an "s" suffix, like "5s" or "0.25s"',
        },
      ],
    ],
    [
      'an unknown cluster operation',
      withModification({ cluster: { operation: 'addFirst', value: 'name: a' } }),
      [{ field: at('cluster', '.operation'), message: 'invalid operation. Available operations: "add", "patch", "remove"' }],
    ],
    [
      'an unknown filter operation',
      withModification({ httpFilter: { operation: 'add', value: 'name: a' } }),
      [{ field: at('httpFilter', '.operation'), message: 'invalid operation. Available operations: "addFirst", "addLast", "addBefore", "addAfter", "patch", "remove"' }],
    ],
    ['a cluster added with a match', withModification({ cluster: { operation: 'add', match: { name: 'a' }, value: 'name: a' } }), [{ field: at('cluster', '.match'), message: 'cannot be defined' }]],
    ['a listener added with a match', withModification({ listener: { operation: 'add', match: {}, value: 'name: a' } }), [{ field: at('listener', '.match'), message: 'cannot be defined' }]],
    [
      'a virtual host added with a match name',
      withModification({ virtualHost: { operation: 'add', match: { name: 'a' }, value: "name: a\ndomains: ['*']" } }),
      [{ field: at('virtualHost', '.match.name'), message: 'cannot be defined' }],
    ],
    [
      'addBefore without a filter name',
      withModification({ networkFilter: { operation: 'addBefore', value: 'name: a' } }),
      [{ field: at('networkFilter', '.match.name'), message: 'cannot be empty. You need to pick a filter before which this one will be added' }],
    ],
    [
      'addAfter without a filter name',
      withModification({ httpFilter: { operation: 'addAfter', match: { origin: 'inbound' }, value: 'name: a' } }),
      [{ field: at('httpFilter', '.match.name'), message: 'cannot be empty. You need to pick a filter after which this one will be added' }],
    ],
    ['a filter patch without a name', withModification({ httpFilter: { operation: 'patch', value: 'name: a' } }), [{ field: at('httpFilter', '.match.name'), message: 'cannot be empty' }]],
    [
      'an unknown field in a cluster value, with its path',
      withModification({ cluster: { operation: 'patch', value: 'circuitBreakers:\n  thresholds:\n  - maxConection: 5' } }),
      [{ field: at('cluster', '.value'), message: 'native Envoy resource is not valid: circuitBreakers.thresholds[0].maxConection: unknown field "maxConection" of envoy.config.cluster.v3.CircuitBreakers.Thresholds' }],
    ],
    [
      'a wrong kind of value',
      withModification({ listener: { operation: 'patch', value: 'perConnectionBufferLimitBytes: lots' } }),
      [{ field: at('listener', '.value'), message: 'native Envoy resource is not valid: perConnectionBufferLimitBytes: invalid value for uint32 field: "lots"' }],
    ],
    [
      'an unknown @type in a filter',
      withModification({ networkFilter: { operation: 'addFirst', value: "name: f\ntypedConfig:\n  '@type': type.googleapis.com/envoy.extensions.filters.network.nope.v3.Nope" } }),
      [{ field: at('networkFilter', '.value'), message: 'native Envoy resource is not valid: typedConfig.@type: unknown message type type.googleapis.com/envoy.extensions.filters.network.nope.v3.Nope' }],
    ],
    [
      'an unknown field inside a typed config',
      withModification({ httpFilter: { operation: 'addLast', value: "name: f\ntypedConfig:\n  '@type': type.googleapis.com/envoy.extensions.filters.http.lua.v3.Lua\n  inlineCod: x" } }),
      [{ field: at('httpFilter', '.value'), message: 'native Envoy resource is not valid: typedConfig.inlineCod: unknown field "inlineCod" of envoy.extensions.filters.http.lua.v3.Lua' }],
    ],
    ['broken YAML', withModification({ virtualHost: { operation: 'patch', value: 'domains: [' } }), [{ field: at('virtualHost', '.value'), message: expect.stringContaining('native Envoy resource is not valid: ') as unknown as string }]],
    [
      'an added filter without a name',
      withModification({ httpFilter: { operation: 'addFirst', value: "typedConfig:\n  '@type': type.googleapis.com/envoy.extensions.filters.http.lua.v3.Lua" } }),
      [{ field: at('httpFilter', '.value'), message: 'native Envoy resource is not valid: invalid HttpFilter.Name: value length must be at least 1 runes' }],
    ],
    [
      'two kinds in one modification',
      withModification({ cluster: { operation: 'remove' }, listener: { operation: 'remove' } }),
      [{ field: 'conf.modifications[0]', message: 'only one of "cluster", "listener", "networkFilter", "httpFilter", "virtualHost" may be set' }],
    ],
  ])('%s', (_name, spec, expected) => {
    expect(violationsOf(spec)).toEqual(expected);
  });

  it('does not read the value of a remove', () => {
    expect(violationsOf(withModification({ listener: { operation: 'remove', match: { origin: 'outbound' }, value: 'not: [valid' } }))).toEqual([]);
  });

  it('accepts snake_case field names inside values, as protojson does', () => {
    expect(violationsOf(withModification({ cluster: { operation: 'patch', value: 'connect_timeout: 0.5s\nper_connection_buffer_limit_bytes: 1024' } }))).toEqual([]);
  });
});
