import { createPrivateKey, X509Certificate } from 'node:crypto';
import forge from 'node-forge';
import { beforeAll, describe, expect, it } from 'vitest';
import { createBuiltinCa, issueWorkloadCertificate, type CaMaterial } from './mesh-ca.js';
import { workloadUris } from './workload-identity.js';

const NOW = new Date('2026-12-03T12:00:00Z');
const DAY = 86_400_000;

/** Names of the key usages forge reads from a certificate's extension. */
function keyUsages(pem: string): string[] {
  const ext = forge.pki.certificateFromPem(pem).getExtension('keyUsage') as Record<string, unknown> | null;
  return ['digitalSignature', 'keyEncipherment', 'keyAgreement', 'keyCertSign', 'cRLSign'].filter((u) => ext?.[u] === true);
}

describe('builtin mesh CA', () => {
  let root: { certPem: string; keyPem: string };
  let ca: CaMaterial;
  beforeAll(async () => {
    root = await createBuiltinCa('default', { rsaBits: 2048, lifetimeMs: 10 * 365 * DAY, now: NOW });
    ca = { certPem: root.certPem, key: createPrivateKey(root.keyPem) };
  });

  it('creates a self-signed CA with the subject, URI, key size and lifetime of docs/mesh-mtls.md §1.3', () => {
    const cert = new X509Certificate(root.certPem);
    expect(cert.subject.split('\n')).toEqual(['O=Kuma', 'OU=Mesh', 'CN=default']);
    expect(cert.issuer).toBe(cert.subject);
    expect(cert.ca).toBe(true);
    expect(cert.subjectAltName).toBe('URI:spiffe://default');
    expect(cert.publicKey.asymmetricKeyDetails?.modulusLength).toBe(2048);
    expect(new Date(cert.validFrom).getTime()).toBe(NOW.getTime() - 10_000);
    expect(new Date(cert.validTo).getTime()).toBe(NOW.getTime() + 10 * 365 * DAY);
    expect(cert.verify(cert.publicKey)).toBe(true);
    expect(keyUsages(root.certPem)).toEqual(['keyCertSign', 'cRLSign']);
    expect(BigInt(`0x${cert.serialNumber}`)).toBeGreaterThan(0n);
  });

  it('issues a workload certificate with exactly the URIs of docs/mesh-mtls.md §2.2, signed by the CA', async () => {
    const tags = new Map([
      ['kuma.io/service', ['backend']],
      ['kuma.io/protocol', ['http']],
      ['version', ['v1']],
      ['kuma.io/zone', ['east']],
    ]);
    const uris = workloadUris('default', tags);
    expect(uris).toEqual({
      ok: true,
      uris: ['spiffe://default/backend', 'kuma://kuma.io/protocol/http', 'kuma://kuma.io/service/backend', 'kuma://kuma.io/zone/east', 'kuma://version/v1'],
    });
    const issued = await issueWorkloadCertificate(ca, uris.ok ? uris.uris : [], { lifetimeMs: DAY, now: NOW });
    const cert = new X509Certificate(issued.certPem);
    expect(cert.subject ?? '').toBe('');
    expect(cert.ca).toBe(false);
    expect(cert.subjectAltName).toBe(
      'URI:spiffe://default/backend, URI:kuma://kuma.io/protocol/http, URI:kuma://kuma.io/service/backend, URI:kuma://kuma.io/zone/east, URI:kuma://version/v1',
    );
    expect(cert.keyUsage?.sort()).toEqual(['1.3.6.1.5.5.7.3.1', '1.3.6.1.5.5.7.3.2']);
    expect(keyUsages(issued.certPem)).toEqual(['digitalSignature', 'keyEncipherment', 'keyAgreement']);
    expect(cert.checkIssued(new X509Certificate(root.certPem))).toBe(true);
    expect(cert.verify(new X509Certificate(root.certPem).publicKey)).toBe(true);
    expect(cert.checkPrivateKey(createPrivateKey(issued.keyPem))).toBe(true);
    expect(cert.publicKey.asymmetricKeyDetails?.modulusLength).toBe(2048);
    expect(issued.notAfter.getTime() - issued.notBefore.getTime()).toBe(DAY + 10_000);
    // The leaf only: one PEM block.
    expect(issued.certPem.match(/BEGIN CERTIFICATE/g)).toHaveLength(1);
  });

  it('gives every issuance a new key and serial', async () => {
    const a = await issueWorkloadCertificate(ca, ['spiffe://default/web'], { lifetimeMs: DAY, now: NOW });
    const b = await issueWorkloadCertificate(ca, ['spiffe://default/web'], { lifetimeMs: DAY, now: NOW });
    expect(a.keyPem).not.toBe(b.keyPem);
    expect(new X509Certificate(a.certPem).serialNumber).not.toBe(new X509Certificate(b.certPem).serialNumber);
  });
});

describe('workloadUris', () => {
  it('lists one SPIFFE ID per service, sorted, before the tag URIs', () => {
    const r = workloadUris('m', new Map([['kuma.io/service', ['web-api', 'web', 'web']]]));
    expect(r).toEqual({ ok: true, uris: ['spiffe://m/web', 'spiffe://m/web-api', 'kuma://kuma.io/service/web', 'kuma://kuma.io/service/web-api'] });
  });

  it.each<[string, string, Map<string, string[]>, string]>([
    ['no service', 'm', new Map([['version', ['v1']]]), 'the proxy has no kuma.io/service tag, so it has no identity to certify'],
    ['a service with a colon', 'm', new Map([['kuma.io/service', ['a:b']]]), 'service "a:b" is not a valid SPIFFE path segment (letters, digits, ".", "-", "_")'],
    ['an upper-case mesh', 'Mesh', new Map([['kuma.io/service', ['a']]]), 'mesh name "Mesh" is not a valid SPIFFE trust domain'],
  ])('refuses %s', (_name, mesh, tags, message) => {
    expect(workloadUris(mesh, tags)).toEqual({ ok: false, message });
  });
});
