// SDS Secrets of the certificates HTTPS and TLS chains terminate with (docs/gateway.md §2.13). One
// secret per distinct name across the whole gateway: ports sharing a certificate source share it.
// PEM material is copied into the resource and never into an error message or log line.
import type * as ir from '../../ir/gateway.js';
import { terminatedCertificates } from './tls-context.js';

/** The SDS Secret of one certificate: its chain and key as inline PEM strings. */
export function buildSecret(certificate: ir.TlsCertificate): object {
  return {
    name: certificate.secretName,
    tls_certificate: {
      certificate_chain: { inline_string: certificate.certificateChainPem },
      private_key: { inline_string: certificate.privateKeyPem },
    },
  };
}

/**
 * Every certificate a listener of the gateway terminates TLS with, one per secret name, ascending
 * name. Two certificates with one name but different PEM would make the secret depend on which
 * listener came first, so that impossible IR throws (naming the secret, not its content).
 */
export function terminatedCertificatesOf(gw: ir.Gateway): ir.TlsCertificate[] {
  const byName = new Map<string, { certificate: ir.TlsCertificate; listener: string }>();
  for (const listener of gw.listeners) {
    for (const group of listener.hostnameGroups) {
      for (const certificate of terminatedCertificates(listener, group) ?? []) {
        const seen = byName.get(certificate.secretName);
        if (!seen) {
          byName.set(certificate.secretName, { certificate, listener: listener.name });
        } else if (
          seen.certificate.certificateChainPem !== certificate.certificateChainPem ||
          seen.certificate.privateKeyPem !== certificate.privateKeyPem
        ) {
          throw new Error(`secret ${certificate.secretName}: listeners ${seen.listener} and ${listener.name} give it different PEM material`);
        }
      }
    }
  }
  return [...byName.keys()].sort().map((name) => (byName.get(name) as { certificate: ir.TlsCertificate }).certificate);
}
