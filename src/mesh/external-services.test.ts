// Which ExternalServices a proxy may use and what they become (docs/gateway.md §2.15, §2.16): one test
// per rule of mesh/external-services.ts.
import { describe, expect, it } from 'vitest';
import type { ExternalServiceSpec } from '../api/external-service.js';
import type { StoredResource } from '../core/resource.js';
import { externalClusterFor, externalServiceSecrets, indexExternalServices, type ExternalServiceSources } from './external-services.js';

const T = '2026-01-01T00:00:00.000Z';
const LATER = '2026-01-02T00:00:00.000Z';

function es(name: string, address: string, tags: Record<string, string>, tls?: Partial<NonNullable<NonNullable<ExternalServiceSpec['networking']>['tls']>>): StoredResource<'ExternalService'> {
  const spec: ExternalServiceSpec = {
    networking: { address, disableHostDNSEntry: false, ...(tls ? { tls: { enabled: true, allowRenegotiation: false, skipHostnameVerification: false, ...tls } } : {}) },
    tags,
  };
  return { kind: 'ExternalService', mesh: 'default', name, spec, version: '1', creationTime: T, modificationTime: T };
}

function tp(name: string, sources: Record<string, string>[], destinations: Record<string, string>[], creationTime = T): StoredResource<'TrafficPermission'> {
  return { kind: 'TrafficPermission', mesh: 'default', name, spec: { sources: sources.map((match) => ({ match })), destinations: destinations.map((match) => ({ match })) }, version: '1', creationTime, modificationTime: creationTime };
}

function secret(name: string, text: string): StoredResource<'Secret'> {
  return { kind: 'Secret', mesh: 'default', name, spec: { data: Buffer.from(text).toString('base64') }, version: '1', creationTime: T, modificationTime: T };
}

const HTTPBIN = es('httpbin', 'httpbin.example.com:80', { 'kuma.io/service': 'httpbin' });
const GATEWAY = [{ 'kuma.io/service': 'edge-gateway' }];
const ALLOW_ALL = tp('allow-all-default', [{ 'kuma.io/service': '*' }], [{ 'kuma.io/service': '*' }]);

function usable(sources: Partial<ExternalServiceSources>): string[] {
  const index = indexExternalServices({ externalServices: [HTTPBIN], trafficPermissions: [], proxyTags: GATEWAY, secrets: new Map(), ...sources });
  return [...index.byService.values()].flat().map((u) => u.endpoint.name);
}

describe('usable ExternalServices', () => {
  it('are all of them while the mesh has no TrafficPermission', () => {
    expect(usable({ proxyTags: [] })).toEqual(['httpbin']);
  });

  it('are those whose TrafficPermission admits a proxy tag set once the mesh has one', () => {
    expect(usable({ trafficPermissions: [ALLOW_ALL] })).toEqual(['httpbin']);
    expect(usable({ trafficPermissions: [tp('web-only', [{ 'kuma.io/service': 'web' }], [{ 'kuma.io/service': '*' }])] })).toEqual([]);
  });

  it('are none when no TrafficPermission selects the ExternalService', () => {
    expect(usable({ trafficPermissions: [tp('elsewhere', [{ 'kuma.io/service': '*' }], [{ 'kuma.io/service': 'elsewhere' }])] })).toEqual([]);
  });

  it('follow the one selected TrafficPermission: an exact destination beats allow-all', () => {
    const exact = tp('billing-to-httpbin', [{ 'kuma.io/service': 'billing' }], [{ 'kuma.io/service': 'httpbin' }]);
    expect(usable({ trafficPermissions: [ALLOW_ALL, exact] })).toEqual([]);
    expect(usable({ trafficPermissions: [ALLOW_ALL, exact], proxyTags: [{ 'kuma.io/service': 'web' }, { 'kuma.io/service': 'billing' }] })).toEqual(['httpbin']);
  });

  it('break ties between equal destinations by creation time', () => {
    const older = tp('a-web', [{ 'kuma.io/service': 'web' }], [{ 'kuma.io/service': 'httpbin' }]);
    const newer = tp('b-gateway', [{ 'kuma.io/service': 'edge-gateway' }], [{ 'kuma.io/service': 'httpbin' }], LATER);
    expect(usable({ trafficPermissions: [older, newer] })).toEqual(['httpbin']);
  });

  it('leave out one whose TLS source cannot be loaded, saying why', () => {
    const broken = es('broken', 'b.example:443', { 'kuma.io/service': 'b' }, { caCert: { secret: 'missing' } });
    const file = es('from-file', 'f.example:443', { 'kuma.io/service': 'f' }, { caCert: { file: '/etc/ca.pem' } });
    const index = indexExternalServices({ externalServices: [broken, file], trafficPermissions: [], proxyTags: GATEWAY, secrets: new Map() });
    expect(index.byService.size).toBe(0);
    expect(index.unloadable).toEqual([
      { name: 'broken', message: 'could not load caCert: secret "missing" not found' },
      { name: 'from-file', message: 'could not load caCert: unsupported type of the data source (file)' },
    ]);
  });
});

describe('external endpoints and clusters', () => {
  const index = (services: StoredResource<'ExternalService'>[], secrets = new Map<string, StoredResource<'Secret'>>()) =>
    indexExternalServices({ externalServices: services, trafficPermissions: [], proxyTags: GATEWAY, secrets });

  it('sends the serverName as SNI and verifies it; an IP without serverName sends none and verifies the IP', () => {
    const named = es('a', '192.0.2.1:443', { 'kuma.io/service': 'a' }, { serverName: 'a.example', caCert: { inlineString: 'CA' } });
    const bare = es('b', '192.0.2.2:443', { 'kuma.io/service': 'b' }, { caCert: { secret: 'ca' } });
    const idx = index([named, bare], new Map([['ca', secret('ca', 'CA2')]]));
    expect(externalClusterFor(idx, { 'kuma.io/service': 'a' })?.endpoints[0]?.tls).toEqual({ sni: 'a.example', allowRenegotiation: false, caPem: 'CA', verifyName: 'a.example' });
    expect(externalClusterFor(idx, { 'kuma.io/service': 'b' })?.endpoints[0]?.tls).toEqual({ sni: '', allowRenegotiation: false, caPem: 'CA2', verifyName: '192.0.2.2' });
  });

  it('verifies no name with skipHostnameVerification, and presents a client certificate only with its key', () => {
    const skip = es('a', 'a.example:443', { 'kuma.io/service': 'a' }, { skipHostnameVerification: true, caCert: { inline: Buffer.from('CA').toString('base64') }, clientCert: { inlineString: 'CERT' } });
    const tls = externalClusterFor(index([skip]), { 'kuma.io/service': 'a' })?.endpoints[0]?.tls;
    expect(tls).toEqual({ sni: 'a.example', allowRenegotiation: false, caPem: 'CA' });
  });

  it('tags a TLS endpoint with its ExternalService name, without kuma.io/service', () => {
    const tlsEs = es('secure', 's.example:443', { 'kuma.io/service': 's', 'kuma.io/protocol': 'http' }, {});
    expect(externalClusterFor(index([tlsEs]), { 'kuma.io/service': 's' })?.endpoints[0]?.tags).toEqual({ 'kuma.io/external-service-name': 'secure', 'kuma.io/protocol': 'http' });
  });

  it('keeps the ExternalServices having every destination tag, sorted; none gives a mesh cluster', () => {
    const v1 = es('v1', 'b.example:80', { 'kuma.io/service': 's', version: 'v1' });
    const v2 = es('v2', '192.0.2.9:80', { 'kuma.io/service': 's', version: 'v2' });
    const idx = index([v2, v1]);
    expect(externalClusterFor(idx, { 'kuma.io/service': 's' })).toMatchObject({ discovery: 'STRICT_DNS', assignmentName: 's', endpoints: [{ name: 'v2' }, { name: 'v1' }] });
    expect(externalClusterFor(idx, { 'kuma.io/service': 's', version: 'v2' })).toMatchObject({ discovery: 'STATIC', endpoints: [{ name: 'v2' }] });
    expect(externalClusterFor(idx, { 'kuma.io/service': 's', version: 'v3' })).toBeUndefined();
    expect(externalClusterFor(idx, { 'kuma.io/service': 'other' })).toBeUndefined();
  });

  it('names the Secrets every TLS data source reads', () => {
    const a = es('a', 'a.example:443', { 'kuma.io/service': 'a' }, { caCert: { secret: 'ca' }, clientCert: { secret: 'cert' }, clientKey: { inlineString: 'k' } });
    expect([...externalServiceSecrets([a, HTTPBIN])].sort()).toEqual(['ca', 'cert']);
  });
});
