// A mesh's certificate authority (docs/mesh-mtls.md §1.3, §1.4, §2.2): the builtin root, created once per
// backend and kept in the store, and the workload certificates the control plane issues with it.
// Keys come from node:crypto on the thread pool; certificates are laid out by forge and signed
// natively (x509.ts). Nothing here touches the store or the clock: callers pass `now`.
import type { KeyObject } from 'node:crypto';
import {
  certificatePem,
  forgeCertificate,
  newCertificate,
  newKeyPair,
  privateKeyPem,
  signCertificate,
} from './x509.js';
import { meshTrustDomainUri } from './workload-identity.js';

/** Clock skew allowance: certificates are valid from 10 s before issuance (Kuma's choice). */
export const NOT_BEFORE_SKEW_MS = 10_000;

/** A CA's certificate bundle and signing key, as loaded from the store or a provided source. */
export interface CaMaterial {
  /** The CA certificate (for a provided CA, possibly a chain): the mesh's trust bundle. */
  readonly certPem: string;
  readonly key: KeyObject;
}

/** A new builtin root for `mesh`: PEM certificate and PKCS#8 key (docs/mesh-mtls.md §1.3). */
export async function createBuiltinCa(mesh: string, options: { readonly rsaBits: number; readonly lifetimeMs: number; readonly now: Date }): Promise<{ certPem: string; keyPem: string }> {
  const keys = await newKeyPair(options.rsaBits);
  const cert = newCertificate(keys.forgePublic, new Date(options.now.getTime() - NOT_BEFORE_SKEW_MS), new Date(options.now.getTime() + options.lifetimeMs));
  const name = [
    { name: 'organizationName', value: 'Kuma' },
    { name: 'organizationalUnitName', value: 'Mesh' },
    { name: 'commonName', value: mesh },
  ];
  cert.setSubject(name);
  cert.setIssuer(name);
  cert.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    // type 6 = uniformResourceIdentifier.
    { name: 'subjectAltName', altNames: [{ type: 6, value: meshTrustDomainUri(mesh) }] },
    { name: 'subjectKeyIdentifier' },
  ]);
  signCertificate(cert, keys.privateKey);
  return { certPem: certificatePem(cert), keyPem: privateKeyPem(keys.privateKey) };
}

/** A workload certificate and its key, with the facts renewal needs. */
export interface WorkloadCertificate {
  readonly certPem: string;
  readonly keyPem: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
}

/**
 * A new workload certificate for `uris` (workload-identity.ts), signed by the first certificate of
 * `ca` (docs/mesh-mtls.md §2.2): a new RSA 2048 key, empty subject, the URIs as SANs, server and client
 * authentication, the leaf only.
 */
export async function issueWorkloadCertificate(ca: CaMaterial, uris: readonly string[], options: { readonly lifetimeMs: number; readonly now: Date }): Promise<WorkloadCertificate> {
  const keys = await newKeyPair();
  const issuer = forgeCertificate(ca.certPem);
  const notBefore = new Date(options.now.getTime() - NOT_BEFORE_SKEW_MS);
  const notAfter = new Date(options.now.getTime() + options.lifetimeMs);
  const cert = newCertificate(keys.forgePublic, notBefore, notAfter);
  cert.setSubject([]);
  cert.setIssuer(issuer.subject.attributes);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false, critical: true },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, keyAgreement: true, critical: true },
    { name: 'extKeyUsage', serverAuth: true, clientAuth: true },
    // An empty subject makes the SAN extension critical (RFC 5280 §4.2.1.6).
    { name: 'subjectAltName', critical: true, altNames: uris.map((value) => ({ type: 6, value })) },
    { name: 'authorityKeyIdentifier', keyIdentifier: issuer.generateSubjectKeyIdentifier().getBytes() },
  ]);
  signCertificate(cert, ca.key);
  return { certPem: certificatePem(cert), keyPem: privateKeyPem(keys.privateKey), notBefore, notAfter };
}
