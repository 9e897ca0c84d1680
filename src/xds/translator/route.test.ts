import { describe, expect, it } from 'vitest';
import type * as ir from '../../ir/gateway.js';
import { deepFreeze } from '../../../test/support/deep-freeze.js';
import { verifyResource } from '../envoy/verify.js';
import { TYPE_URL } from '../envoy/type-urls.js';
import { buildRouteConfiguration } from './route.js';
import { buildForwardAction, buildKumaTagsHeaders, fractionOf, serialiseKumaTags } from './route-action.js';

const NO_HEADERS: ir.HeaderMutation = { add: [], remove: [] };

function forward(overrides: Partial<ir.ForwardAction>): ir.ForwardAction {
  return deepFreeze({ kind: 'forward', forwards: [{ cluster: 'a', weight: 1, meshCluster: true }], autoHostRewrite: false, ...overrides });
}

function table(route: Partial<ir.Route>, requireTls = false): ir.RouteTable {
  return deepFreeze({
    name: 'gw:HTTP:80:*',
    virtualHosts: [
      {
        hostname: 'example.com',
        requireTls,
        routes: [
          {
            match: { path: { kind: 'prefix', value: '/' }, headers: [], queryParameters: [] },
            action: { kind: 'direct', status: 404, body: 'nope' },
            requestHeaders: NO_HEADERS,
            responseHeaders: NO_HEADERS,
            ...route,
          },
        ],
      },
    ],
  });
}

const GW: ir.Gateway = deepFreeze({
  mesh: 'default',
  gateway: 'gw',
  service: 'gw',
  proxyTags: { 'kuma.io/service': 'gw' },
  listeners: [],
  clusters: [],
  connectionLimits: {},
});

describe('fractionOf (mirror percentages, docs/gateway.md §2.9)', () => {
  it.each([
    [100, 100, 'HUNDRED'],
    [50, 50, 'HUNDRED'],
    [1, 1, 'HUNDRED'],
    [12.5, 1250, 'TEN_THOUSAND'],
    [0.01, 1, 'TEN_THOUSAND'],
    [99.99, 9999, 'TEN_THOUSAND'],
    [0.001, 10, 'MILLION'],
    [33.3333, 333333, 'MILLION'],
  ])('%s %% is %s per %s', (percentage, numerator, denominator) => {
    expect(fractionOf(percentage)).toEqual({ numerator, denominator });
  });

  it('adds no mirror for 0 % and one mirror policy otherwise', () => {
    expect(buildForwardAction(forward({ mirror: { cluster: 'm', percentage: 0 } }), buildKumaTagsHeaders({})).route).not.toHaveProperty('request_mirror_policies');
    expect(buildForwardAction(forward({ mirror: { cluster: 'm', percentage: 0.5 } }), buildKumaTagsHeaders({})).route).toMatchObject({
      request_mirror_policies: [{ cluster: 'm', runtime_fraction: { default_value: { numerator: 50, denominator: 'TEN_THOUSAND' } } }],
    });
  });
});

describe('serialiseKumaTags', () => {
  it('writes &key=value& per tag with keys in ascending order', () => {
    expect(serialiseKumaTags({ 'kuma.io/zone': 'east', 'kuma.io/service': 'edge-gateway', app: 'x' })).toBe(
      '&app=x&&kuma.io/service=edge-gateway&&kuma.io/zone=east&',
    );
  });

  it('sorts comma-joined multiple values and writes nothing for no tags', () => {
    expect(serialiseKumaTags({ version: 'v2,v1' })).toBe('&version=v1,v2&');
    expect(serialiseKumaTags({})).toBe('');
  });

  it('goes on mesh cluster items only', () => {
    const action = forward({
      forwards: [
        { cluster: 'ext', weight: 1, meshCluster: false },
        { cluster: 'mesh', weight: 3, meshCluster: true },
      ],
    });
    expect(buildForwardAction(action, buildKumaTagsHeaders({ 'kuma.io/service': 'gw' })).route).toMatchObject({
      weighted_clusters: {
        clusters: [
          { name: 'ext', weight: { value: 1 } },
          { name: 'mesh', weight: { value: 3 }, request_headers_to_add: [{ header: { key: 'x-kuma-tags', value: '&kuma.io/service=gw&' } }] },
        ],
      },
    });
    expect((buildForwardAction(action, buildKumaTagsHeaders({})).route as { weighted_clusters: { clusters: object[] } }).weighted_clusters.clusters[0]).not.toHaveProperty(
      'request_headers_to_add',
    );
  });
});

describe('host rewriting', () => {
  it('uses the literal Host, or auto rewrite, which wins when both are asked for', () => {
    expect(buildForwardAction(forward({ hostRewriteLiteral: 'h' }), buildKumaTagsHeaders({})).route).toMatchObject({ host_rewrite_literal: 'h' });
    const both = buildForwardAction(forward({ hostRewriteLiteral: 'h', autoHostRewrite: true }), buildKumaTagsHeaders({})).route;
    expect(both).toMatchObject({ auto_host_rewrite: { value: true } });
    expect(both).not.toHaveProperty('host_rewrite_literal');
  });
});

describe('buildRouteConfiguration', () => {
  it('keeps header order: sets before adds as given, overwrite only on sets', () => {
    const requestHeaders: ir.HeaderMutation = {
      add: [
        { name: 'X-B', value: '1', append: false },
        { name: 'X-A', value: '2', append: false },
        { name: 'X-C', value: '3', append: true },
      ],
      remove: ['x-z', 'x-y'],
    };
    const rc = buildRouteConfiguration(table({ requestHeaders }), GW) as { virtual_hosts: { routes: object[] }[] };
    expect(rc.virtual_hosts[0]?.routes[0]).toMatchObject({
      request_headers_to_add: [
        { header: { key: 'X-B', value: '1' }, append_action: 'OVERWRITE_IF_EXISTS_OR_ADD' },
        { header: { key: 'X-A', value: '2' }, append_action: 'OVERWRITE_IF_EXISTS_OR_ADD' },
        { header: { key: 'X-C', value: '3' } },
      ],
      request_headers_to_remove: ['x-z', 'x-y'],
    });
    expect((rc.virtual_hosts[0]?.routes[0] as { request_headers_to_add: object[] }).request_headers_to_add[2]).not.toHaveProperty('append_action');
    expect(verifyResource(TYPE_URL.routeConfiguration, rc)).toEqual([]);
  });

  it('adds require_tls and HSTS only to virtual hosts that require TLS', () => {
    const plain = buildRouteConfiguration(table({}), GW) as { virtual_hosts: object[] };
    expect(plain.virtual_hosts[0]).not.toHaveProperty('require_tls');
    const tls = buildRouteConfiguration(table({}, true), GW) as { virtual_hosts: object[] };
    expect(tls.virtual_hosts[0]).toMatchObject({
      require_tls: 'ALL',
      response_headers_to_add: [
        { header: { key: 'Strict-Transport-Security', value: 'max-age=31536000; includeSubDomains' }, append_action: 'OVERWRITE_IF_EXISTS_OR_ADD' },
      ],
    });
  });
});
