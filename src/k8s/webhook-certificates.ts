// Certificates of the validating admission webhook. The API server calls the control plane over
// HTTPS and trusts only the `caBundle` of the webhook configuration, so `portico install
// control-plane` needs a CA and a serving certificate for the control plane's Service. When the
// user brings none, this makes a private CA (its key is thrown away: nothing else is ever signed
// with it) and one serving certificate. Keys come from node:crypto; node-forge builds and signs
// the X.509 structures, which node:crypto cannot do.
import { createPrivateKey, generateKeyPairSync, randomBytes, X509Certificate, type KeyObject } from 'node:crypto';
import forge from 'node-forge';

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
  const caKeys = newKeyPair();
  const servingKeys = newKeyPair();
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
  ca.sign(caKeys.forgePrivate, forge.md.sha256.create());

  const serving = newCertificate(servingKeys.forgePublic, notBefore, notAfter);
  serving.setSubject([{ name: 'commonName', value: dnsNames[0] }]);
  serving.setIssuer(caName);
  serving.setExtensions([
    { name: 'basicConstraints', cA: false, critical: true },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', serverAuth: true },
    // type 2 = dNSName; verifiers (Go's included) match host names against SANs only, never the CN.
    { name: 'subjectAltName', altNames: dnsNames.map((value) => ({ type: 2, value })) },
    { name: 'subjectKeyIdentifier' },
    { name: 'authorityKeyIdentifier', keyIdentifier: ca.generateSubjectKeyIdentifier().getBytes() },
  ]);
  serving.sign(caKeys.forgePrivate, forge.md.sha256.create());

  return {
    caPem: certificatePem(ca),
    certPem: certificatePem(serving),
    keyPem: servingKeys.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
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

interface KeyPair {
  readonly privateKey: KeyObject;
  readonly forgePrivate: forge.pki.rsa.PrivateKey;
  readonly forgePublic: forge.pki.rsa.PublicKey;
}

function newKeyPair(): KeyPair {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    privateKey,
    forgePrivate: forge.pki.privateKeyFromPem(privateKey.export({ type: 'pkcs1', format: 'pem' }).toString()),
    forgePublic: forge.pki.publicKeyFromPem(publicKey.export({ type: 'spki', format: 'pem' }).toString()) as forge.pki.rsa.PublicKey,
  };
}

function newCertificate(publicKey: forge.pki.rsa.PublicKey, notBefore: Date, notAfter: Date): forge.pki.Certificate {
  const cert = forge.pki.createCertificate();
  cert.publicKey = publicKey;
  cert.serialNumber = serialNumber();
  cert.validity.notBefore = notBefore;
  cert.validity.notAfter = notAfter;
  return cert;
}

/**
 * A random 128-bit serial. forge writes the hex as the DER integer as is, and Go's parser (the API
 * server's) rejects negative or non-minimal integers: the first byte is forced into 0x40-0x7f.
 */
function serialNumber(): string {
  const bytes = randomBytes(16);
  bytes[0] = ((bytes[0] ?? 0) & 0x3f) | 0x40;
  return bytes.toString('hex');
}

/** forge writes PEM with CRLF line ends; Kubernetes and every other tool are fine with LF. */
function certificatePem(cert: forge.pki.Certificate): string {
  return forge.pki.certificateToPem(cert).replace(/\r\n/g, '\n');
}

function parseCertificate(pem: string): X509Certificate | undefined {
  try {
    return new X509Certificate(pem);
  } catch {
    return undefined;
  }
}

function parsePrivateKey(pem: string): KeyObject | undefined {
  try {
    return createPrivateKey(pem);
  } catch {
    return undefined;
  }
}
