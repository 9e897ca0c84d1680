// Checks on the TLS part of a bootstrap request, made before a bootstrap is handed out (Kuma
// answers these with 400): Envoy would otherwise start with a configuration that can never
// reach the control plane and retry silently forever. The agent's CA must be a CA, and the host
// the agent dialled must be one of the names of the certificate the port serves, because Envoy
// checks exactly that name (bootstrap.ts).
import { X509Certificate } from 'node:crypto';
import net from 'node:net';

/** What is checked: the request's CA, the dialled host, the certificate the port serves now. */
export interface BootstrapTlsInputs {
  readonly caCert: string;
  readonly xdsHost: string;
  /** PEM of the served certificate (chain: the first is the leaf); absent = not checked. */
  readonly servingCert?: string;
}

/** Fine, or the message of the 400 answer. */
export type BootstrapTlsCheck = { readonly ok: true } | { readonly ok: false; readonly message: string };

/** Checks the CA and the SAN; pure apart from parsing. */
export function checkBootstrapTls(inputs: BootstrapTlsInputs): BootstrapTlsCheck {
  const ca = parse(inputs.caCert);
  if (!ca) return { ok: false, message: 'caCert: not a PEM certificate; pass the control plane CA file (dp run --ca-cert-file)' };
  if (!ca.ca) {
    return {
      ok: false,
      message:
        'caCert: this certificate is not a certificate authority (basic constraint CA is false); pass the CA that signed the control plane certificate (dp run --ca-cert-file or KUMA_CONTROL_PLANE_CA_CERT_FILE), not the certificate itself',
    };
  }
  const serving = inputs.servingCert ? parse(inputs.servingCert) : undefined;
  if (!serving) return { ok: true };
  const host = inputs.xdsHost;
  const matches = net.isIP(host) !== 0 ? serving.checkIP(host) !== undefined : serving.checkHost(host, { subject: 'never' }) !== undefined;
  if (matches) return { ok: true };
  return {
    ok: false,
    message: `the dataplane reaches the control plane as "${host}", but the control plane certificate is for ${serving.subjectAltName ?? 'no names'}; use one of those in --cp, or add "${host}" to the certificate (cp run --tls-san ${host}, or your own certificate with --tls-cert-file)`,
  };
}

function parse(pem: string): X509Certificate | undefined {
  try {
    return new X509Certificate(pem);
  } catch {
    return undefined;
  }
}
