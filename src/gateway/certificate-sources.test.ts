import { describe, expect, it } from 'vitest';
import type { StoredResource } from '../core/resource.js';
import {
  certificateSources,
  loadCertificateSource,
  readsCertificates,
  referencedCertificateFiles,
} from './certificate-sources.js';
import type { CertificateFile } from './gateway-input.js';
import { storedResource } from './testdata/load-case.js';

function gateway(name: string, listeners: unknown[], mesh = 'default'): StoredResource<'MeshGateway'> {
  return storedResource({ type: 'MeshGateway', name, mesh, selectors: [], conf: { listeners } });
}

const terminate = (...files: string[]) => ({ mode: 'TERMINATE', certificates: files.map((file) => ({ file })) });

describe('referencedCertificateFiles', () => {
  it('lists the file sources of TLS-terminating HTTPS and TLS listeners, ascending, once each', () => {
    const gateways = [
      gateway('b', [
        { port: 443, protocol: 'HTTPS', tls: terminate('/z.pem', '/a.pem') },
        { port: 9443, protocol: 'TLS', tls: terminate('/m.pem') },
      ]),
      gateway('a', [{ port: 443, protocol: 'HTTPS', hostname: 'x.example.com', tls: terminate('/a.pem') }]),
    ];
    expect(referencedCertificateFiles(gateways)).toEqual(['/a.pem', '/m.pem', '/z.pem']);
  });

  it('skips listeners whose certificates are never read', () => {
    const gateways = [
      gateway('g', [
        { port: 80, protocol: 'HTTP', tls: terminate('/http.pem') },
        { port: 5432, protocol: 'TCP', tls: terminate('/tcp.pem') },
        { port: 6443, protocol: 'TLS', tls: { mode: 'PASSTHROUGH', certificates: [{ file: '/pass.pem' }] } },
        { port: 8080, protocol: 'HTTP', crossMesh: true, tls: terminate('/cross.pem') },
        { port: 443, protocol: 'HTTPS', tls: { mode: 'TERMINATE', certificates: [{ secret: 's' }, { inlineString: 'x' }] } },
      ]),
    ];
    expect(referencedCertificateFiles(gateways)).toEqual([]);
  });

  it('agrees with readsCertificates', () => {
    const [listener] = gateway('g', [{ port: 443, protocol: 'HTTPS', tls: terminate('/a.pem') }]).spec.conf?.listeners ?? [];
    expect(listener && readsCertificates(listener)).toBe(true);
  });
});

describe('loadCertificateSource', () => {
  const secret = (name: string, data: string, mesh = 'default') => storedResource<'Secret'>({ type: 'Secret', name, mesh, data });
  const files = new Map<string, CertificateFile>([
    ['/ok.pem', { content: 'FILE PEM' }],
    ['/bad.pem', { error: 'EACCES: permission denied' }],
  ]);
  const sources = certificateSources(
    'default',
    [secret('tls', Buffer.from('SECRET PEM').toString('base64')), secret('elsewhere', 'eA==', 'other'), secret('broken', '!!')],
    files,
  );

  it('reads a mesh Secret as base64, named by the secret', () => {
    expect(loadCertificateSource({ secret: 'tls' }, 'a.example.com', sources)).toEqual({ scope: 'secret', id: 'tls', pem: 'SECRET PEM' });
  });

  it('reads a file from what the runtime read, named by the path', () => {
    expect(loadCertificateSource({ file: '/ok.pem' }, '*', sources)).toEqual({ scope: 'file', id: '/ok.pem', pem: 'FILE PEM' });
  });

  it('names inline sources after the hostname group', () => {
    const inline = Buffer.from('INLINE PEM').toString('base64');
    expect(loadCertificateSource({ inline }, '*.example.com', sources)).toEqual({ scope: 'inline', id: '*.example.com', pem: 'INLINE PEM' });
    expect(loadCertificateSource({ inlineString: 'TEXT PEM' }, '*', sources)).toEqual({ scope: 'inlineString', id: '*', pem: 'TEXT PEM' });
  });

  it.each([
    [{ secret: 'missing' }, 'failed to generate TLS certificate: secret "missing" not found in mesh "default"'],
    [{ secret: 'elsewhere' }, 'failed to generate TLS certificate: secret "elsewhere" not found in mesh "default"'],
    [{ secret: 'broken' }, 'failed to generate TLS certificate: secret "broken" does not hold base64 data'],
    [{ file: '/bad.pem' }, 'failed to generate TLS certificate: file "/bad.pem": EACCES: permission denied'],
    [{ file: '/unread.pem' }, 'failed to generate TLS certificate: file "/unread.pem" was not read'],
    [{ inline: '%%%' }, 'failed to generate TLS certificate: inline data is not base64'],
    [{}, 'failed to generate TLS certificate: the certificate source is empty'],
  ])('reports %j as %s', (source, error) => {
    expect(loadCertificateSource(source, '*', sources)).toEqual({ error });
  });
});
