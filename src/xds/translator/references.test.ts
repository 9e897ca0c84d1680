import { describe, expect, it } from 'vitest';
import type * as ir from '../../ir/gateway.js';
import { deepFreeze } from '../../../test/support/deep-freeze.js';
import { collectReferences } from './references.js';
import { buildEnvoyResources } from './translate.js';

const cert = (secretName: string): ir.TlsCertificate => ({ secretName, certificateChainPem: 'chain', privateKeyPem: 'key' });
const forward = (cluster: string, weight: number): ir.Forward => ({ cluster, weight, meshCluster: true });
const cluster = (name: string): ir.Cluster => ({ name, service: name, destination: { 'kuma.io/service': name }, protocol: 'tcp', endpoints: [] });

/** An HTTPS port, a TLS port (one terminating and one passthrough group) and a TCP port. */
const GW: ir.Gateway = deepFreeze({
  mesh: 'default',
  gateway: 'gw',
  service: 'gw',
  proxyTags: {},
  listeners: [
    {
      name: 'gw:HTTPS:443',
      port: 443,
      protocol: 'HTTPS',
      crossMesh: false,
      hostnameGroups: [
        { hostname: 'a.example.com', tls: { mode: 'TERMINATE', certificates: [cert('cert.rsa:secret:a'), cert('cert.ecdsa:secret:a')] }, routeTable: { name: 'gw:HTTPS:443:a.example.com', virtualHosts: [] } },
        { hostname: '*', tls: { mode: 'TERMINATE', certificates: [cert('cert.rsa:secret:any')] }, routeTable: { name: 'gw:HTTPS:443:*', virtualHosts: [] } },
      ],
    },
    {
      name: 'gw:TCP:5432',
      port: 5432,
      protocol: 'TCP',
      crossMesh: false,
      hostnameGroups: [{ hostname: '*', tcpForwards: [forward('pg-b', 1), forward('pg-a', 2), forward('pg-zero', 0)] }],
    },
    {
      name: 'gw:TLS:8443',
      port: 8443,
      protocol: 'TLS',
      crossMesh: false,
      hostnameGroups: [
        { hostname: 'db.example.com', tls: { mode: 'TERMINATE', certificates: [cert('cert.rsa:secret:db')] }, tcpForwards: [forward('db', 1)] },
        { hostname: '*', tls: { mode: 'PASSTHROUGH', certificates: [cert('cert.rsa:secret:unused')] }, tcpForwards: [forward('kuma.io/unresolved-backend', 1)] },
      ],
    },
  ],
  clusters: [cluster('db'), cluster('pg-a'), cluster('pg-b'), cluster('pg-zero')],
  connectionLimits: {},
});

describe('collectReferences', () => {
  const refs = collectReferences(buildEnvoyResources(GW, '10.0.0.1'));

  it('reads the tcp_proxy clusters of TCP and TLS listeners, single and weighted', () => {
    expect(refs.clustersByListener).toEqual({
      'gw:TCP:5432': ['pg-a', 'pg-b'],
      'gw:TLS:8443': ['db', 'kuma.io/unresolved-backend'],
    });
  });

  it('reads the SDS certificates of every terminating chain, and nothing of passthrough chains', () => {
    expect(refs.sdsNames).toEqual(['cert.ecdsa:secret:a', 'cert.rsa:secret:a', 'cert.rsa:secret:any', 'cert.rsa:secret:db']);
  });

  it('finds the route tables of HTTPS chains and none on TCP and TLS ports', () => {
    expect(refs.rdsNamesByListener).toEqual({
      'gw:HTTPS:443': ['gw:HTTPS:443:*', 'gw:HTTPS:443:a.example.com'],
      'gw:TCP:5432': [],
      'gw:TLS:8443': [],
    });
  });

  it('matches the secrets the translation emits', () => {
    expect(buildEnvoyResources(GW, '10.0.0.1').secrets.map((s) => s.name)).toEqual(refs.sdsNames);
  });
});
