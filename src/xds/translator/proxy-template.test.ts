// The ProxyTemplate step on hand-made resources: each modification kind and operation, matching
// by name, origin, tags, listener and route configuration, order and sorting, and the failures.
import { describe, expect, it } from 'vitest';
import type { ProxyTemplatePlan, TemplateModification } from '../../ir/proxy-template.js';
import { applyProxyTemplate, gatewayOrigin, ORIGIN_MODIFICATIONS, sidecarOrigin, type OriginOf } from './proxy-template.js';
import type { EnvoyResources, NamedResource } from './translate.js';

const HCM_TYPE = 'type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager';
const ROUTER = { name: 'envoy.filters.http.router', typed_config: { '@type': 'type.googleapis.com/envoy.extensions.filters.http.router.v3.Router' } };

function tagsMetadata(tags: Record<string, string>) {
  return { filter_metadata: { 'io.kuma.tags': { fields: Object.fromEntries(Object.entries(tags).map(([k, v]) => [k, { stringValue: v }])) } } };
}

function httpListener(name: string, tags: Record<string, string>, routeName = `${name}-routes`): NamedResource {
  const hcm = {
    '@type': HCM_TYPE,
    stat_prefix: name,
    http_filters: [ROUTER],
    route_config: { name: routeName, virtual_hosts: [{ name: 'backend', domains: ['*'], routes: [] }] },
  };
  return Object.freeze({
    name,
    resource: Object.freeze({
      name,
      address: { socket_address: { address: '10.0.0.1', port_value: 8080 } },
      metadata: tagsMetadata(tags),
      filter_chains: [{ filters: [{ name: 'envoy.filters.network.http_connection_manager', typed_config: hcm }] }],
    }),
  });
}

function cluster(name: string): NamedResource {
  return { name, resource: Object.freeze({ name, connect_timeout: Object.freeze({ seconds: 0, nanos: 250000000 }), type: 'EDS' }) };
}

function sidecar(): EnvoyResources {
  return {
    clusters: [cluster('backend'), cluster('localhost:8080')],
    endpoints: [],
    listeners: [httpListener('inbound:10.0.0.1:80', { 'kuma.io/service': 'web' }), httpListener('outbound:127.0.0.1:10001', { 'kuma.io/service': 'backend' })],
    routes: [],
    runtimes: [],
    secrets: [],
  };
}

function plan(...modifications: TemplateModification[]): ProxyTemplatePlan {
  return { source: 'default/pt', keepsGenerated: true, resources: [], modifications };
}

function run(p: ProxyTemplatePlan, resources = sidecar(), origin: OriginOf = sidecarOrigin): EnvoyResources {
  const result = applyProxyTemplate(resources, p, origin);
  if (!result.ok) throw new Error(result.message);
  return result.resources;
}

const byName = (list: readonly NamedResource[], name: string) => list.find((r) => r.name === name)?.resource as Record<string, any>;
const hcmOf = (listener: Record<string, any>) => listener['filter_chains'][0].filters.find((f: any) => f.name === 'envoy.filters.network.http_connection_manager').typed_config;
const httpFilterNames = (r: EnvoyResources, listener: string) => hcmOf(byName(r.listeners, listener)).http_filters.map((f: any) => f.name);

describe('cluster modifications', () => {
  it('add appends a cluster, sorted by name, and replaces one of the same name', () => {
    const r = run(plan({ kind: 'cluster', operation: 'add', match: {}, value: { name: 'aaa', type: 'STATIC' } }, { kind: 'cluster', operation: 'add', match: {}, value: { name: 'backend', type: 'STRICT_DNS' } }));
    expect(r.clusters.map((c) => c.name)).toEqual(['aaa', 'backend', 'localhost:8080']);
    expect(byName(r.clusters, 'backend')).toEqual({ name: 'backend', type: 'STRICT_DNS' });
  });

  it('patch merges into the clusters of an origin, replacing a duration whole', () => {
    const r = run(plan({ kind: 'cluster', operation: 'patch', match: { origin: 'outbound' }, value: { connect_timeout: { seconds: 5, nanos: 0 }, per_connection_buffer_limit_bytes: { value: 1024 } } }));
    expect(byName(r.clusters, 'backend')).toEqual({ name: 'backend', connect_timeout: { seconds: 5, nanos: 0 }, type: 'EDS', per_connection_buffer_limit_bytes: { value: 1024 } });
    expect(byName(r.clusters, 'localhost:8080')['connect_timeout']).toEqual({ seconds: 0, nanos: 250000000 });
  });

  it('patch setting one member of a oneof clears the other', () => {
    const custom = { cluster_type: { name: 'envoy.clusters.aggregate', typed_config: { '@type': 'type.googleapis.com/google.protobuf.Struct', fields: {} } } };
    const r = run(plan({ kind: 'cluster', operation: 'patch', match: { name: 'backend' }, value: custom }));
    expect(byName(r.clusters, 'backend')['type']).toBeUndefined();
    expect(byName(r.clusters, 'backend')['cluster_type']).toEqual(custom.cluster_type);
  });

  it('remove drops the clusters matching name and origin', () => {
    expect(run(plan({ kind: 'cluster', operation: 'remove', match: { origin: 'inbound' } })).clusters.map((c) => c.name)).toEqual(['backend']);
    expect(run(plan({ kind: 'cluster', operation: 'remove', match: { name: 'backend', origin: 'inbound' } })).clusters).toHaveLength(2);
    expect(run(plan({ kind: 'cluster', operation: 'remove', match: {} })).clusters).toEqual([]);
  });

  it('leaves the generated objects untouched', () => {
    const input = sidecar();
    run(plan({ kind: 'cluster', operation: 'patch', match: {}, value: { connect_timeout: { seconds: 9, nanos: 0 } } }), input);
    expect(byName(input.clusters, 'backend')['connect_timeout']).toEqual({ seconds: 0, nanos: 250000000 });
  });
});

describe('listener modifications', () => {
  it('patch matches by tags of io.kuma.tags, `*` accepting any value', () => {
    const r = run(plan({ kind: 'listener', operation: 'patch', match: { tags: { 'kuma.io/service': 'backend' } }, value: { continue_on_listener_filters_timeout: true } }));
    expect(byName(r.listeners, 'outbound:127.0.0.1:10001')['continue_on_listener_filters_timeout']).toBe(true);
    expect(byName(r.listeners, 'inbound:10.0.0.1:80')['continue_on_listener_filters_timeout']).toBeUndefined();
    const all = run(plan({ kind: 'listener', operation: 'patch', match: { tags: { 'kuma.io/service': '*' } }, value: { continue_on_listener_filters_timeout: true } }));
    expect(all.listeners.every((l) => (l.resource as any).continue_on_listener_filters_timeout === true)).toBe(true);
  });

  it('add and remove', () => {
    const added = run(plan({ kind: 'listener', operation: 'add', match: {}, value: { name: 'extra', address: { socket_address: { address: '0.0.0.0', port_value: 9 } } } }));
    expect(added.listeners.map((l) => l.name)).toEqual(['extra', 'inbound:10.0.0.1:80', 'outbound:127.0.0.1:10001']);
    expect(run(plan({ kind: 'listener', operation: 'remove', match: { origin: 'outbound' } })).listeners.map((l) => l.name)).toEqual(['inbound:10.0.0.1:80']);
  });
});

describe('network filter modifications', () => {
  const rbac = { name: 'envoy.filters.network.local_ratelimit', typed_config: { '@type': 'type.googleapis.com/envoy.extensions.filters.network.local_ratelimit.v3.LocalRateLimit', stat_prefix: 'rl' } };
  const names = (r: EnvoyResources, l: string) => byName(r.listeners, l)['filter_chains'][0].filters.map((f: any) => f.name);

  it.each<[TemplateModification['operation'], string[]]>([
    ['addFirst', ['envoy.filters.network.local_ratelimit', 'envoy.filters.network.http_connection_manager']],
    ['addLast', ['envoy.filters.network.http_connection_manager', 'envoy.filters.network.local_ratelimit']],
    ['addBefore', ['envoy.filters.network.local_ratelimit', 'envoy.filters.network.http_connection_manager']],
    ['addAfter', ['envoy.filters.network.http_connection_manager', 'envoy.filters.network.local_ratelimit']],
  ])('%s on the listener named', (operation, expected) => {
    const r = run(plan({ kind: 'networkFilter', operation, match: { name: 'envoy.filters.network.http_connection_manager', listenerName: 'inbound:10.0.0.1:80' }, value: rbac }));
    expect(names(r, 'inbound:10.0.0.1:80')).toEqual(expected);
    expect(names(r, 'outbound:127.0.0.1:10001')).toEqual(['envoy.filters.network.http_connection_manager']);
  });

  it('addBefore a filter that is not there adds nothing', () => {
    const r = run(plan({ kind: 'networkFilter', operation: 'addBefore', match: { name: 'envoy.filters.network.tcp_proxy' }, value: rbac }));
    expect(names(r, 'inbound:10.0.0.1:80')).toEqual(['envoy.filters.network.http_connection_manager']);
  });

  it('patch merges the typed config; remove drops the filter', () => {
    const r = run(
      plan({
        kind: 'networkFilter',
        operation: 'patch',
        match: { name: 'envoy.filters.network.http_connection_manager', origin: 'inbound' },
        value: { name: 'envoy.filters.network.http_connection_manager', typed_config: { '@type': HCM_TYPE, stream_idle_timeout: { seconds: 15, nanos: 0 } } },
      }),
    );
    const hcm = hcmOf(byName(r.listeners, 'inbound:10.0.0.1:80'));
    expect(hcm.stream_idle_timeout).toEqual({ seconds: 15, nanos: 0 });
    expect(hcm.stat_prefix).toBe('inbound:10.0.0.1:80');
    expect(hcmOf(byName(r.listeners, 'outbound:127.0.0.1:10001')).stream_idle_timeout).toBeUndefined();
    expect(names(run(plan({ kind: 'networkFilter', operation: 'remove', match: { listenerTags: { 'kuma.io/service': 'web' } } })), 'inbound:10.0.0.1:80')).toEqual([]);
  });

  it('a patch of another typed config type cannot be applied', () => {
    const result = applyProxyTemplate(sidecar(), plan({ kind: 'networkFilter', operation: 'patch', match: { name: 'envoy.filters.network.http_connection_manager' }, value: rbac }), sidecarOrigin);
    expect(result).toEqual({
      ok: false,
      message: expect.stringMatching(/^ProxyTemplate default\/pt: conf\.modifications\[0\]\.networkFilter \(patch\) cannot be applied: filter envoy\.filters\.network\.http_connection_manager has a typed config of type .*HttpConnectionManager, the patch one of .*LocalRateLimit$/),
    });
  });
});

describe('HTTP filter modifications', () => {
  const lua = { name: 'envoy.filters.http.lua', typed_config: { '@type': 'type.googleapis.com/envoy.extensions.filters.http.lua.v3.Lua', default_source_code: { inline_string: 'x' } } };

  it.each<[TemplateModification['operation'], string[]]>([
    ['addFirst', ['envoy.filters.http.lua', 'envoy.filters.http.router']],
    ['addLast', ['envoy.filters.http.router', 'envoy.filters.http.lua']],
    ['addBefore', ['envoy.filters.http.lua', 'envoy.filters.http.router']],
    ['addAfter', ['envoy.filters.http.router', 'envoy.filters.http.lua']],
  ])('%s in the connection managers of matching listeners', (operation, expected) => {
    const r = run(plan({ kind: 'httpFilter', operation, match: { name: 'envoy.filters.http.router', origin: 'outbound', listenerTags: { 'kuma.io/service': 'backend' } }, value: lua }));
    expect(httpFilterNames(r, 'outbound:127.0.0.1:10001')).toEqual(expected);
    expect(httpFilterNames(r, 'inbound:10.0.0.1:80')).toEqual(['envoy.filters.http.router']);
  });

  it('patch and remove', () => {
    const patchedRouter = run(plan({ kind: 'httpFilter', operation: 'patch', match: { name: 'envoy.filters.http.router' }, value: { name: 'envoy.filters.http.router', typed_config: { ...ROUTER.typed_config, suppress_envoy_headers: true } } }));
    expect(hcmOf(byName(patchedRouter.listeners, 'inbound:10.0.0.1:80')).http_filters[0].typed_config).toEqual({ ...ROUTER.typed_config, suppress_envoy_headers: true });
    expect(httpFilterNames(run(plan({ kind: 'httpFilter', operation: 'remove', match: { name: 'envoy.filters.http.router', listenerName: 'inbound:10.0.0.1:80' } })), 'inbound:10.0.0.1:80')).toEqual([]);
  });
});

describe('virtual host modifications', () => {
  const hostsOf = (r: EnvoyResources, l: string) => hcmOf(byName(r.listeners, l)).route_config.virtual_hosts;

  it('add, patch and remove in inline route tables, by route configuration name', () => {
    const add = run(plan({ kind: 'virtualHost', operation: 'add', match: { routeConfigurationName: 'inbound:10.0.0.1:80-routes' }, value: { name: 'extra', domains: ['extra.test'] } }));
    expect(hostsOf(add, 'inbound:10.0.0.1:80').map((h: any) => h.name)).toEqual(['backend', 'extra']);
    expect(hostsOf(add, 'outbound:127.0.0.1:10001').map((h: any) => h.name)).toEqual(['backend']);
    const patch = run(plan({ kind: 'virtualHost', operation: 'patch', match: { name: 'backend', origin: 'outbound' }, value: { retry_policy: { retry_on: '5xx', num_retries: { value: 3 } } } }));
    expect(hostsOf(patch, 'outbound:127.0.0.1:10001')[0].retry_policy).toEqual({ retry_on: '5xx', num_retries: { value: 3 } });
    expect(hostsOf(patch, 'inbound:10.0.0.1:80')[0].retry_policy).toBeUndefined();
    expect(hostsOf(run(plan({ kind: 'virtualHost', operation: 'remove', match: { name: 'backend' } })), 'inbound:10.0.0.1:80')).toEqual([]);
  });

  it('reaches RDS route configurations of a gateway', () => {
    const gateway: EnvoyResources = { ...sidecar(), routes: [{ name: 'edge:HTTP:80:*', resource: { name: 'edge:HTTP:80:*', virtual_hosts: [{ name: 'edge:HTTP:80:*', domains: ['*'] }] } }] };
    const r = run(plan({ kind: 'virtualHost', operation: 'patch', match: { origin: 'gateway', routeConfigurationName: 'edge:HTTP:80:*' }, value: { include_request_attempt_count: true } }), gateway, gatewayOrigin);
    expect((r.routes[0]!.resource as any).virtual_hosts[0].include_request_attempt_count).toBe(true);
  });
});

describe('the template as a whole', () => {
  it('runs modifications in order, each over what the previous left', () => {
    const r = run(
      plan(
        { kind: 'cluster', operation: 'add', match: {}, value: { name: 'added', type: 'STATIC' } },
        { kind: 'cluster', operation: 'patch', match: { origin: ORIGIN_MODIFICATIONS }, value: { connect_timeout: { seconds: 1, nanos: 0 } } },
      ),
    );
    expect(byName(r.clusters, 'added')).toEqual({ name: 'added', type: 'STATIC', connect_timeout: { seconds: 1, nanos: 0 } });
  });

  it('adds raw resources; without an import of the generated configuration, keeps only those', () => {
    const raw = { typeName: 'envoy.config.cluster.v3.Cluster', name: 'raw', resource: { name: 'raw', type: 'STATIC' } };
    const withGenerated = run({ ...plan(), resources: [raw] });
    expect(withGenerated.clusters.map((c) => c.name)).toEqual(['backend', 'localhost:8080', 'raw']);
    const alone = run({ ...plan(), keepsGenerated: false, resources: [raw] });
    expect(alone).toEqual({ clusters: [{ name: 'raw', resource: { name: 'raw', type: 'STATIC' } }], endpoints: [], listeners: [], routes: [], runtimes: [], secrets: [] });
  });

  it('is deterministic', () => {
    const p = plan({ kind: 'httpFilter', operation: 'addFirst', match: {}, value: { name: 'envoy.filters.http.lua', typed_config: { '@type': 'type.googleapis.com/envoy.extensions.filters.http.lua.v3.Lua' } } });
    expect(JSON.stringify(run(p))).toBe(JSON.stringify(run(p)));
  });
});

describe('origins', () => {
  it('marks sidecar resources inbound or outbound, and every gateway resource gateway', () => {
    expect([sidecarOrigin('listeners', 'inbound:10.0.0.1:80'), sidecarOrigin('listeners', 'outbound:127.0.0.1:1'), sidecarOrigin('clusters', 'localhost:8080'), sidecarOrigin('clusters', 'backend'), sidecarOrigin('endpoints', 'backend'), sidecarOrigin('secrets', 'x')]).toEqual([
      'inbound',
      'outbound',
      'inbound',
      'outbound',
      'outbound',
      'secrets',
    ]);
    expect([gatewayOrigin('listeners', 'edge:HTTP:80'), gatewayOrigin('clusters', 'backend-8ad'), gatewayOrigin('routes', 'r'), gatewayOrigin('secrets', 's')]).toEqual(['gateway', 'gateway', 'gateway', 'secrets']);
  });
});
