// Certificates of the validating admission webhook. The API server calls the control plane over
// HTTPS and trusts only the `caBundle` of the webhook configuration, so `portico install
// control-plane` needs a CA and a serving certificate for the control plane's Service. When the
// user brings none, this makes a private CA (its key is thrown away: nothing else is ever signed
// with it) and one serving certificate, from the CA module's X.509 building blocks. The control
// plane serves the same certificate to every gateway proxy on the dataplane port, so its key is
// ECDSA P-256, as the generated serving certificate's is (docs/tls.md).
import {
  certificatePem,
  ecSubjectKeyIdentifier,
  newCertificate,
  newEcCertificate,
  newEcKeyPairSync,
  newKeyPairSync,
  parseCertificate,
  parsePrivateKey,
  privateKeyPem,
  signCertificate,
} from '../ca/x509.js';

/** PEM texts of the webhook's CA, serving certificate and serving key. */
export interface WebhookCertificates {
  readonly caPem: string;
  readonly certPem: string;
  readonly keyPem: string;
}

/** What the certificates are made for, and when. */
export interface WebhookCertificateOptions {
  /** Namespace of the control plane's Service. */
  readonly namespace: string;
  /** Name of the Service the API server calls. */
  readonly serviceName: string;
  /** Start of validity (default: the current time). */
  readonly now?: Date;
  /** Validity of both certificates in days (default 3650: re-running the install renews them). */
  readonly validityDays?: number;
}

/** Common name of the generated CA. */
export const WEBHOOK_CA_COMMON_NAME = 'portico-webhook-ca';
const DEFAULT_VALIDITY_DAYS = 3650;
const DAY_MS = 86_400_000;
// Certificates start an hour early so that a node whose clock runs behind still accepts them.
const CLOCK_SKEW_MS = 3_600_000;

/** The DNS names the API server may use for the Service; the first is the one it does use. */
export function webhookDnsNames(namespace: string, serviceName: string): string[] {
  return [`${serviceName}.${namespace}.svc`, `${serviceName}.${namespace}.svc.cluster.local`, serviceName];
}

/** A new CA and a serving certificate for `<serviceName>.<namespace>.svc`, signed by it. */
export function generateWebhookCertificates(options: WebhookCertificateOptions): WebhookCertificates {
  const now = options.now ?? new Date();
  const notBefore = new Date(now.getTime() - CLOCK_SKEW_MS);
  const notAfter = new Date(now.getTime() + (options.validityDays ?? DEFAULT_VALIDITY_DAYS) * DAY_MS);
  const caKeys = newKeyPairSync();
  const servingKey = newEcKeyPairSync();
  const dnsNames = webhookDnsNames(options.namespace, options.serviceName);

  const ca = newCertificate(caKeys.forgePublic, notBefore, notAfter);
  const caName = [{ name: 'commonName', value: WEBHOOK_CA_COMMON_NAME }];
  ca.setSubject(caName);
  ca.setIssuer(caName);
  ca.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  signCertificate(ca, caKeys.privateKey);

  const serving = newEcCertificate(servingKey, notBefore, notAfter);
  serving.setSubject([{ name: 'commonName', value: dnsNames[0] }]);
  serving.setIssuer(caName);
  serving.setExtensions([
    { name: 'basicConstraints', cA: false, critical: true },
    { name: 'keyUsage', digitalSignature: true, critical: true },
    { name: 'extKeyUsage', serverAuth: true },
    // type 2 = dNSName; verifiers (Go's included) match host names against SANs only, never the CN.
    { name: 'subjectAltName', altNames: dnsNames.map((value) => ({ type: 2, value })) },
    ecSubjectKeyIdentifier(servingKey),
    { name: 'authorityKeyIdentifier', keyIdentifier: ca.generateSubjectKeyIdentifier().getBytes() },
  ]);
  signCertificate(serving, caKeys.privateKey);

  return {
    caPem: certificatePem(ca),
    certPem: certificatePem(serving),
    keyPem: privateKeyPem(servingKey.privateKey),
  };
}

/**
 * What is wrong with user-supplied webhook certificates, as messages (empty when they are fine):
 * unreadable PEM, a key that does not match, a certificate not signed by the CA, not valid for
 * `dnsName`, or outside its validity at `now`. Any of these makes every admission call fail.
 */
export function checkWebhookCertificates(certs: WebhookCertificates, dnsName: string, now: Date = new Date()): string[] {
  const ca = parseCertificate(certs.caPem);
  const cert = parseCertificate(certs.certPem);
  const key = parsePrivateKey(certs.keyPem);
  const problems: string[] = [];
  if (!ca) problems.push('the webhook CA is not a PEM certificate');
  if (!cert) problems.push('the webhook serving certificate is not a PEM certificate');
  if (!key) problems.push('the webhook serving key is not a PEM private key');
  if (!cert) return problems;
  if (key && !cert.checkPrivateKey(key)) problems.push('the webhook serving key does not belong to the serving certificate');
  if (ca && !cert.verify(ca.publicKey)) problems.push('the webhook serving certificate is not signed by the webhook CA');
  if (cert.checkHost(dnsName) === undefined) problems.push(`the webhook serving certificate is not valid for ${dnsName}`);
  if (new Date(cert.validTo).getTime() < now.getTime()) problems.push(`the webhook serving certificate expired on ${cert.validTo}`);
  return problems;
}
