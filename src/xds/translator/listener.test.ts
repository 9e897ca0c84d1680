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

const CERT: ir.TlsCertificate = { secretName: 'cert.rsa:secret:a', certificateChainPem: 'chain', privateKeyPem: 'key' };

function listener(protocol: ir.Protocol, groups: readonly ir.HostnameGroup[], crossMesh = false): ir.Listener {
  return deepFreeze({ name: `gw:${protocol}:80`, port: 80, protocol, crossMesh, hostnameGroups: groups });
}

function httpsGroup(hostname: string, tls?: ir.GroupTls): ir.HostnameGroup {
  return { hostname, ...(tls ? { tls } : {}), routeTable: { name: `gw:HTTPS:80:${hostname}`, virtualHosts: [] } };
}

const TERMINATE: ir.GroupTls = { mode: 'TERMINATE', certificates: [CERT] };
const HTTP_GROUP: ir.HostnameGroup = { hostname: '*', routeTable: { name: 'gw:HTTP:80:*', virtualHosts: [] } };

type Obj = Record<string, unknown>;
const chainsOf = (l: object): Obj[] => (l as { filter_chains: Obj[] }).filter_chains;

describe('buildListener', () => {
  it('refuses a cross-mesh listener without mesh mTLS rather than accept unauthenticated traffic', () => {
    expect(() => buildListener(listener('HTTP', [HTTP_GROUP], true), '10.0.0.1', GW)).toThrow('listener gw:HTTP:80: cross-mesh listeners need mesh mTLS');
  });

  it('requires exactly one hostname group with a route table on an HTTP port', () => {
    expect(() => buildListener(listener('HTTP', [HTTP_GROUP, HTTP_GROUP]), '10.0.0.1', GW)).toThrow(/gw:HTTP:80: .*exactly one hostname group/);
    expect(() => buildListener(listener('HTTP', []), '10.0.0.1', GW)).toThrow(/exactly one hostname group/);
    expect(() => buildListener(listener('HTTP', [{ hostname: '*' }]), '10.0.0.1', GW)).toThrow(/need a route table/);
  });

  it('requires exactly one hostname group on a TCP port', () => {
    expect(() => buildListener(listener('TCP', [{ hostname: '*' }, { hostname: '*' }]), '10.0.0.1', GW)).toThrow(/gw:TCP:80: .*exactly one hostname group/);
  });

  it.each([
    ['no TLS settings', httpsGroup('a.example.com'), /a\.example\.com: HTTPS hostname groups need TLS settings/],
    ['passthrough', httpsGroup('a.example.com', { mode: 'PASSTHROUGH', certificates: [] }), /passthrough is not possible on an HTTPS port/],
    ['no certificate', httpsGroup('a.example.com', { mode: 'TERMINATE', certificates: [] }), /needs at least one certificate/],
    ['two certificates with one name', httpsGroup('a.example.com', { mode: 'TERMINATE', certificates: [CERT, CERT] }), /duplicate TLS certificate "cert\.rsa:secret:a"/],
    ['no route table', { hostname: 'a.example.com', tls: TERMINATE }, /HTTPS hostname groups need a route table/],
  ] as const)('rejects an HTTPS group with %s, naming the listener', (_what, group, message) => {
    expect(() => buildListener(listener('HTTPS', [group]), '10.0.0.1', GW)).toThrow(message);
    expect(() => buildListener(listener('HTTPS', [group]), '10.0.0.1', GW)).toThrow(/^listener gw:HTTPS:80/);
  });

  it('rejects HTTPS and TLS ports without groups or with two groups for one hostname', () => {
    expect(() => buildListener(listener('HTTPS', []), '10.0.0.1', GW)).toThrow(/at least one hostname group/);
    const twice = [httpsGroup('a.example.com', TERMINATE), httpsGroup('a.example.com', TERMINATE)];
    expect(() => buildListener(listener('HTTPS', twice), '10.0.0.1', GW)).toThrow(/two hostname groups for a\.example\.com/);
    expect(() => buildListener(listener('TLS', []), '10.0.0.1', GW)).toThrow(/at least one hostname group/);
  });

  it('rejects a TLS group without TLS settings or terminating without certificates', () => {
    expect(() => buildListener(listener('TLS', [{ hostname: '*', tcpForwards: [] }]), '10.0.0.1', GW)).toThrow(/TLS hostname groups need TLS settings/);
    const bare = { hostname: '*', tls: { mode: 'TERMINATE', certificates: [] }, tcpForwards: [] } as const;
    expect(() => buildListener(listener('TLS', [bare]), '10.0.0.1', GW)).toThrow(/needs at least one certificate/);
  });

  it('keeps the IR group order for SNI chains and matches `*` on the transport protocol only', () => {
    const groups = [httpsGroup('b.example.com', TERMINATE), httpsGroup('*.example.com', TERMINATE), httpsGroup('*', TERMINATE)];
    const chains = chainsOf(buildListener(listener('HTTPS', groups), '10.0.0.1', GW));
    expect(chains.map((c) => c.filter_chain_match)).toEqual([
      { server_names: ['b.example.com'], transport_protocol: 'tls' },
      { server_names: ['*.example.com'], transport_protocol: 'tls' },
      { transport_protocol: 'tls' },
    ]);
  });

  it('ignores `tls` on HTTP and TCP ports (docs/gateway.md §4.6)', () => {
    const http = chainsOf(buildListener(listener('HTTP', [{ ...HTTP_GROUP, tls: TERMINATE }]), '10.0.0.1', GW));
    const tcp = chainsOf(buildListener(listener('TCP', [{ hostname: '*', tls: TERMINATE }]), '10.0.0.1', GW));
    expect(http.map((c) => Object.keys(c))).toEqual([['filters']]);
    expect(tcp).toEqual([{}]);
  });

  it('inspects TLS on every port but TCP, where the server may speak first (docs/differences-from-kuma.md)', () => {
    const inspectors = (protocol: ir.Protocol, groups: readonly ir.HostnameGroup[]) =>
      ((buildListener(listener(protocol, groups), '10.0.0.1', GW) as { listener_filters?: Obj[] }).listener_filters ?? []).map((f) => f.name);
    const tls = 'envoy.filters.listener.tls_inspector';
    expect(inspectors('TCP', [{ hostname: '*', tcpForwards: [] }])).toEqual([]);
    expect(inspectors('HTTP', [HTTP_GROUP])).toEqual([tls]);
    expect(inspectors('HTTPS', [httpsGroup('a.example.com', TERMINATE)])).toEqual([tls]);
    expect(inspectors('TLS', [{ hostname: '*', tls: { mode: 'PASSTHROUGH', certificates: [] }, tcpForwards: [] }])).toEqual([tls]);
  });

  it('gives TLS passthrough chains no transport socket and terminating ones no ALPN', () => {
    const forwards = [{ cluster: 'db', weight: 1, meshCluster: true }];
    const groups: ir.HostnameGroup[] = [
      { hostname: 'a.example.com', tls: { mode: 'PASSTHROUGH', certificates: [CERT] }, tcpForwards: forwards },
      { hostname: 'b.example.com', tls: TERMINATE, tcpForwards: forwards },
    ];
    const [passthrough, terminate] = chainsOf(buildListener(listener('TLS', groups), '10.0.0.1', GW));
    expect(passthrough).not.toHaveProperty('transport_socket');
    const context = (terminate?.transport_socket as { typed_config: { common_tls_context: Obj } }).typed_config.common_tls_context;
    expect(context).not.toHaveProperty('alpn_protocols');
    expect(context.tls_certificate_sds_secret_configs).toEqual([{ name: 'cert.rsa:secret:a', sds_config: { ads: {}, resource_api_version: 'V3' } }]);
  });
});

describe('HTTP filters', () => {
  it('run local rate limit, fault, gzip, then the terminal router (docs/gateway.md §2.12)', () => {
    expect(HTTP_FILTERS.map((f) => f.name)).toEqual(['envoy.filters.http.local_ratelimit', 'envoy.filters.http.fault', 'gzip-compress', 'envoy.filters.http.router']);
  });
});

describe('statPrefixOf', () => {
  it('replaces every character outside [a-zA-Z0-9_-] with _', () => {
    expect(statPrefixOf('edge-gateway_1')).toBe('edge-gateway_1');
    expect(statPrefixOf('public.gateway:v1/blue')).toBe('public_gateway_v1_blue');
  });
});
