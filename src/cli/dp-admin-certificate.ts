// The admin server's own certificate (dp-admin-server.ts): self-signed, made at each start and
// kept in memory. Its own module so that node-forge loads only where the admin server runs TLS.
import { certificatePem, newCertificate, newKeyPair, privateKeyPem, signCertificate } from '../ca/x509.js';

const LIFETIME_MS = 10 * 365 * 24 * 3_600_000;

/** A fresh RSA key and a certificate for it, signed by itself. */
export async function selfSignedServerCertificate(now: Date = new Date()): Promise<{ certPem: string; keyPem: string }> {
  const keys = await newKeyPair();
  const cert = newCertificate(keys.forgePublic, new Date(now.getTime() - 60_000), new Date(now.getTime() + LIFETIME_MS));
  const name = [{ name: 'commonName', value: 'portico-dataplane-admin' }];
  cert.setSubject(name);
  cert.setIssuer(name);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false, critical: true },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', serverAuth: true },
  ]);
  signCertificate(cert, keys.privateKey);
  return { certPem: certificatePem(cert), keyPem: privateKeyPem(keys.privateKey) };
}
