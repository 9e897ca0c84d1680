import { describe, expect, it } from 'vitest';
import type * as ir from '../../ir/gateway.js';
import { deepFreeze } from '../../../test/support/deep-freeze.js';
import { statPrefixOf } from './http-connection-manager.js';
import { buildListener } from './listener.js';
import { HTTP_FILTERS } from './filters/http-filters.js';

const GW: ir.Gateway = deepFreeze({
  mesh: 'default',
  gateway: 'gw',
  service: 'gw',
  proxyTags: { 'kuma.io/service': 'gw' },
  listeners: [],
  clusters: [],
  connectionLimits: {},
});

function listener(protocol: ir.Protocol, crossMesh = false, groups = 1): ir.Listener {
  const group: ir.HostnameGroup = { hostname: '*', routeTable: { name: 'gw:HTTP:80:*', virtualHosts: [] } };
  return deepFreeze({ name: `gw:${protocol}:80`, port: 80, protocol, crossMesh, hostnameGroups: Array.from({ length: groups }, () => group) });
}

describe('buildListener', () => {
  it.each([
    ['HTTPS', false, 'HTTPS'],
    ['TCP', false, 'TCP'],
    ['TLS', false, 'TLS'],
    ['HTTP', true, 'cross-mesh'],
  ] as const)('fails loudly for %s listeners (crossMesh %s), which are not translated yet', (protocol, crossMesh, what) => {
    expect(() => buildListener(listener(protocol, crossMesh), '10.0.0.1', GW)).toThrow(`${what} listeners are not translated yet`);
  });

  it('requires exactly one hostname group with a route table on an HTTP port', () => {
    expect(() => buildListener(listener('HTTP', false, 2), '10.0.0.1', GW)).toThrow(/exactly one hostname group/);
    expect(() => buildListener(listener('HTTP', false, 0), '10.0.0.1', GW)).toThrow(/exactly one hostname group/);
  });
});

describe('HTTP filters', () => {
  it('run local rate limit, fault, gzip, then the terminal router (gateway.md §2.12)', () => {
    expect(HTTP_FILTERS.map((f) => f.name)).toEqual(['envoy.filters.http.local_ratelimit', 'envoy.filters.http.fault', 'gzip-compress', 'envoy.filters.http.router']);
  });
});

describe('statPrefixOf', () => {
  it('replaces every character outside [a-zA-Z0-9_-] with _', () => {
    expect(statPrefixOf('edge-gateway_1')).toBe('edge-gateway_1');
    expect(statPrefixOf('public.gateway:v1/blue')).toBe('public_gateway_v1_blue');
  });
});
