import { describe, expect, it } from 'vitest';
import type * as ir from '../../ir/gateway.js';
import { deepFreeze } from '../../../test/support/deep-freeze.js';
import { buildSecret, terminatedCertificatesOf } from './secret.js';

const PEM_CHAIN = '-----BEGIN CERTIFICATE-----\nQUJD\n-----END CERTIFICATE-----\n';
const PEM_KEY = '-----BEGIN PRIVATE KEY-----\nREVG\n-----END PRIVATE KEY-----\n';

function cert(secretName: string, privateKeyPem = PEM_KEY): ir.TlsCertificate {
  return { secretName, certificateChainPem: PEM_CHAIN, privateKeyPem };
}

function gateway(listeners: ir.Listener[]): ir.Gateway {
  return deepFreeze({ mesh: 'default', gateway: 'gw', service: 'gw', proxyTags: {}, listeners, clusters: [], connectionLimits: {} });
}

function port(protocol: ir.Protocol, port: number, groups: ir.HostnameGroup[]): ir.Listener {
  return { name: `gw:${protocol}:${port}`, port, protocol, crossMesh: false, hostnameGroups: groups };
}

const table = (name: string): ir.RouteTable => ({ name, virtualHosts: [] });

describe('buildSecret', () => {
  it('inlines the chain and key as PEM strings', () => {
    expect(buildSecret(cert('cert.rsa:secret:a'))).toEqual({
      name: 'cert.rsa:secret:a',
      tls_certificate: { certificate_chain: { inline_string: PEM_CHAIN }, private_key: { inline_string: PEM_KEY } },
    });
  });
});

describe('terminatedCertificatesOf', () => {
  it('gives one certificate per secret name across ports, ascending name', () => {
    const gw = gateway([
      port('HTTPS', 443, [
        { hostname: 'a.example.com', tls: { mode: 'TERMINATE', certificates: [cert('cert.rsa:secret:z'), cert('cert.ecdsa:secret:y')] }, routeTable: table('t1') },
      ]),
      port('TLS', 8443, [{ hostname: '*', tls: { mode: 'TERMINATE', certificates: [cert('cert.rsa:secret:z')] }, tcpForwards: [] }]),
    ]);
    expect(terminatedCertificatesOf(gw).map((c) => c.secretName)).toEqual(['cert.ecdsa:secret:y', 'cert.rsa:secret:z']);
  });

  it('leaves out certificates no chain terminates with: passthrough, HTTP and TCP ports', () => {
    const gw = gateway([
      port('HTTP', 80, [{ hostname: '*', tls: { mode: 'TERMINATE', certificates: [cert('cert.rsa:secret:http')] }, routeTable: table('t') }]),
      port('TCP', 90, [{ hostname: '*', tls: { mode: 'TERMINATE', certificates: [cert('cert.rsa:secret:tcp')] } }]),
      port('TLS', 443, [{ hostname: '*', tls: { mode: 'PASSTHROUGH', certificates: [cert('cert.rsa:secret:pass')] }, tcpForwards: [] }]),
    ]);
    expect(terminatedCertificatesOf(gw)).toEqual([]);
  });

  it('rejects one secret name with two different PEM contents without revealing either', () => {
    const secretKey = '-----BEGIN PRIVATE KEY-----\nU0VDUkVU\n-----END PRIVATE KEY-----\n';
    const gw = gateway([
      port('TLS', 443, [{ hostname: '*', tls: { mode: 'TERMINATE', certificates: [cert('cert.rsa:secret:a')] }, tcpForwards: [] }]),
      port('TLS', 444, [{ hostname: '*', tls: { mode: 'TERMINATE', certificates: [cert('cert.rsa:secret:a', secretKey)] }, tcpForwards: [] }]),
    ]);
    let message = '';
    try {
      terminatedCertificatesOf(gw);
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toBe('secret cert.rsa:secret:a: listeners gw:TLS:443 and gw:TLS:444 give it different PEM material');
    expect(message).not.toContain('U0VDUkVU');
  });
});
