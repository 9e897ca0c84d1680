import { describe, expect, it } from 'vitest';
import type { MeshGatewayListener } from '../api/mesh-gateway.js';
import { certificateSources } from './certificate-sources.js';
import type { ListenerView } from './collapse-listeners.js';
import { CertificateRegistry, groupTls } from './group-tls.js';
import { pemText, storedResource } from './testdata/load-case.js';

const RSA = String(pemText({ pem: 'example-rsa.pem' }));
const ECDSA = String(pemText({ pem: 'example-ecdsa.pem' }));
const SHOP = String(pemText({ pem: 'shop-rsa.pem' }));
const base64 = (text: string) => Buffer.from(text).toString('base64');

function registry(): CertificateRegistry {
  const secrets = [
    storedResource<'Secret'>({ type: 'Secret', name: 'rsa', data: base64(RSA) }),
    storedResource<'Secret'>({ type: 'Secret', name: 'shop', data: base64(SHOP) }),
  ];
  return new CertificateRegistry(certificateSources('default', secrets, new Map([['/ecdsa.pem', { content: ECDSA }]])));
}

function view(index: number, tls: unknown): ListenerView {
  const listener = { port: 443, protocol: 'HTTPS', hostname: '', tags: {}, crossMesh: false, tls } as MeshGatewayListener;
  return { index, listener, hostname: '*', tags: {} };
}

/** groupTls with its failures collected. */
function resolve(protocol: 'HTTPS' | 'TLS', tls: unknown, reg = registry(), hostname = '*') {
  const errors: string[] = [];
  const result = groupTls(protocol, view(2, tls), hostname, reg, (m) => errors.push(m));
  return { result, errors };
}

describe('groupTls modes', () => {
  it('resolves no certificate for TLS passthrough, even one that cannot be loaded', () => {
    expect(resolve('TLS', { mode: 'PASSTHROUGH', certificates: [{ secret: 'missing' }] })).toEqual({
      result: { mode: 'PASSTHROUGH', certificates: [] },
      errors: [],
    });
  });

  it.each([
    ['TLS', undefined, 'conf.listeners[2].tls: unsupported TLS mode "NONE"'],
    ['TLS', { mode: 'NONE', certificates: [] }, 'conf.listeners[2].tls.mode: unsupported TLS mode "NONE"'],
    ['HTTPS', undefined, 'conf.listeners[2].tls: unsupported TLS mode "NONE"'],
    ['HTTPS', { mode: 'PASSTHROUGH', certificates: [] }, 'conf.listeners[2].tls.mode: mode is not supported on HTTPS listeners'],
    ['TLS', { mode: 'TERMINATE', certificates: [] }, 'conf.listeners[2].tls.certificates: cannot be empty in TLS termination mode'],
  ] as const)('%s with tls %j fails with %s', (protocol, tls, error) => {
    expect(resolve(protocol, tls)).toEqual({ result: undefined, errors: [error] });
  });
});

describe('groupTls certificates', () => {
  it('parses each source into chain and key, named cert.<type>:<scope>:<id>, in source order', () => {
    const { result, errors } = resolve('HTTPS', { mode: 'TERMINATE', certificates: [{ file: '/ecdsa.pem' }, { secret: 'rsa' }] });
    expect(errors).toEqual([]);
    expect(result?.mode).toBe('TERMINATE');
    expect(result?.certificates.map((c) => c.secretName)).toEqual(['cert.ecdsa:file:/ecdsa.pem', 'cert.rsa:secret:rsa']);
    const [ecdsa, rsa] = result?.certificates ?? [];
    expect(ecdsa?.privateKeyPem + (ecdsa?.certificateChainPem ?? '')).toBe(ECDSA);
    expect(rsa?.privateKeyPem + (rsa?.certificateChainPem ?? '')).toBe(RSA);
  });

  it('names inline sources after the group hostname', () => {
    const { result } = resolve('TLS', { mode: 'TERMINATE', certificates: [{ inline: base64(RSA) }, { inlineString: ECDSA }] }, registry(), 'a.example.com');
    expect(result?.certificates.map((c) => c.secretName)).toEqual(['cert.rsa:inline:a.example.com', 'cert.ecdsa:inlineString:a.example.com']);
  });

  it('reports PEM problems with the source path, block problems with secret[i]', () => {
    const bundle = `${RSA}-----BEGIN X509 CRL-----\nAAAA\n-----END X509 CRL-----\n`;
    expect(resolve('HTTPS', { mode: 'TERMINATE', certificates: [{ inlineString: 'nothing' }, { inlineString: bundle }] })).toEqual({
      result: undefined,
      errors: [
        'conf.listeners[2].tls.certificates[0]: missing private key',
        'conf.listeners[2].tls.certificates[0]: missing server certificate',
        'conf.listeners[2].tls.certificates[1]: secret[2]: unsupported PEM block "X509 CRL"',
      ],
    });
  });

  it('rejects one secret name twice in a chain, and two keys of one type', () => {
    expect(resolve('HTTPS', { mode: 'TERMINATE', certificates: [{ secret: 'rsa' }, { secret: 'rsa' }] }).errors).toEqual([
      'conf.listeners[2].tls.certificates[1]: duplicate TLS certificate "cert.rsa:secret:rsa"',
    ]);
    expect(resolve('HTTPS', { mode: 'TERMINATE', certificates: [{ secret: 'rsa' }, { secret: 'shop' }] }).errors).toEqual([
      'conf.listeners[2].tls.certificates[1]: duplicate TLS certificate "cert.rsa:secret:shop": "cert.rsa:secret:rsa" also holds an RSA key',
    ]);
  });

  it('shares a name between groups with the same PEM and rejects it with different PEM', () => {
    const reg = registry();
    expect(resolve('HTTPS', { mode: 'TERMINATE', certificates: [{ inlineString: RSA }] }, reg).errors).toEqual([]);
    expect(resolve('HTTPS', { mode: 'TERMINATE', certificates: [{ inlineString: RSA }] }, reg).errors).toEqual([]);
    expect(resolve('HTTPS', { mode: 'TERMINATE', certificates: [{ inlineString: SHOP }] }, reg).errors).toEqual([
      'conf.listeners[2].tls.certificates[0]: duplicate TLS certificate "cert.rsa:inlineString:*": another listener serves different PEM under this name',
    ]);
  });
});

describe('CertificateRegistry', () => {
  it('parses each PEM text once', () => {
    const reg = registry();
    expect(reg.parse(RSA)).toBe(reg.parse(RSA));
    expect(reg.parse(RSA).ok).toBe(true);
  });
});
