// The X.509 building blocks every certificate Portico makes is built from (docs/xds-server.md §18):
// keys come from node:crypto (native and fast), node-forge builds the certificate structures
// (node:crypto cannot create certificates), node:crypto signs them, and node:crypto's
// X509Certificate parses and verifies them. forge never generates a key and never signs: its
// JavaScript RSA takes about 45 ms per signature where node:crypto takes about 0.6 ms, which
// matters once the mesh CA issues a certificate per proxy.
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPair as generateKeyPairCb,
  generateKeyPairSync,
  randomBytes,
  sign,
  X509Certificate,
  type KeyObject,
} from 'node:crypto';
import { promisify } from 'node:util';
import forge from 'node-forge';

/** A private key as a KeyObject (to sign and export) and its public half in forge's form. */
export interface KeyPair {
  readonly privateKey: KeyObject;
  readonly forgePublic: forge.pki.rsa.PublicKey;
}

const RSA_BITS = 2048;
const generateKeyPairAsync = promisify(generateKeyPairCb);

/**
 * A new RSA key pair (2048 bits unless told), generated on libuv's thread pool, off the event
 * loop: the control plane keeps serving meanwhile.
 */
export async function newKeyPair(bits: number = RSA_BITS): Promise<KeyPair> {
  const { privateKey, publicKey } = await generateKeyPairAsync('rsa', { modulusLength: bits });
  return toKeyPair(privateKey, publicKey);
}

/** A new RSA 2048 key pair, synchronously (one-shot commands such as `portico install`). */
export function newKeyPairSync(): KeyPair {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: RSA_BITS });
  return toKeyPair(privateKey, publicKey);
}

/** The key pair of an existing private key (to sign with a CA key read from disk). */
export function keyPairOf(privateKey: KeyObject): KeyPair {
  // createPublicKey derives the public half from a private key.
  return toKeyPair(privateKey, createPublicKey(privateKey));
}

function toKeyPair(privateKey: KeyObject, publicKey: KeyObject): KeyPair {
  return {
    privateKey,
    forgePublic: forge.pki.publicKeyFromPem(publicKey.export({ type: 'spki', format: 'pem' }).toString()) as forge.pki.rsa.PublicKey,
  };
}

/**
 * A new ECDSA P-256 key pair, for a serving certificate: a TLS server signs every full handshake
 * with its key, and a P-256 signature costs a small fraction of an RSA 2048 one (docs/tls.md).
 */
export async function newEcKeyPair(): Promise<EcKeyPair> {
  const { privateKey, publicKey } = await generateKeyPairAsync('ec', { namedCurve: 'prime256v1' });
  return { privateKey, spki: publicKey.export({ type: 'spki', format: 'der' }) };
}

/** A new ECDSA P-256 key pair, synchronously (one-shot commands such as `portico install`). */
export function newEcKeyPairSync(): EcKeyPair {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  return { privateKey, spki: publicKey.export({ type: 'spki', format: 'der' }) };
}

/** An EC private key and its SubjectPublicKeyInfo (DER), which forge cannot represent as a key. */
export interface EcKeyPair {
  readonly privateKey: KeyObject;
  readonly spki: Buffer;
}

/** An unsigned certificate for `publicKey` with a random serial and the given validity. */
export function newCertificate(publicKey: forge.pki.rsa.PublicKey, notBefore: Date, notAfter: Date): forge.pki.Certificate {
  const cert = forge.pki.createCertificate();
  cert.publicKey = publicKey;
  cert.serialNumber = serialNumber();
  cert.validity.notBefore = notBefore;
  cert.validity.notAfter = notAfter;
  return cert;
}

/**
 * Subject keys forge cannot encode, by certificate. forge writes a certificate's public key only
 * from an RSA key, so an EC certificate is laid out with a stand-in key whose
 * SubjectPublicKeyInfo `signCertificate` then replaces with the real one.
 */
const subjectKeyInfos = new WeakMap<forge.pki.Certificate, forge.asn1.Asn1>();
// Never written anywhere: replaced before signing.
const STAND_IN_KEY = forge.pki.rsa.setPublicKey(new forge.jsbn.BigInteger('3', 10), new forge.jsbn.BigInteger('65537', 10));

/** An unsigned certificate for an EC key (see `newCertificate`). */
export function newEcCertificate(key: EcKeyPair, notBefore: Date, notAfter: Date): forge.pki.Certificate {
  const cert = newCertificate(STAND_IN_KEY, notBefore, notAfter);
  subjectKeyInfos.set(cert, forge.asn1.fromDer(key.spki.toString('binary')));
  return cert;
}

/**
 * The subjectKeyIdentifier extension of an EC key, RFC 5280's first method: SHA-1 of the
 * subjectPublicKey bits (forge's `{ name: 'subjectKeyIdentifier' }` would hash the stand-in key).
 */
export function ecSubjectKeyIdentifier(key: EcKeyPair): { id: string; value: forge.asn1.Asn1 } {
  const info = forge.asn1.fromDer(key.spki.toString('binary'));
  const bits = (info.value as forge.asn1.Asn1[])[1]!.value as string;
  // The BIT STRING's first byte counts its unused bits (0 for a key).
  const ski = createHash('sha1').update(Buffer.from(bits.slice(1), 'binary')).digest();
  return { id: forge.pki.oids['subjectKeyIdentifier']!, value: forge.asn1.create(forge.asn1.Class.UNIVERSAL, forge.asn1.Type.OCTETSTRING, false, ski.toString('binary')) };
}

/**
 * A random 128-bit serial. forge writes the hex as the DER integer as is, and Go's parser (the
 * Kubernetes API server's) rejects negative or non-minimal integers: the first byte is forced into
 * 0x40-0x7f.
 */
export function serialNumber(): string {
  const bytes = randomBytes(16);
  bytes[0] = ((bytes[0] ?? 0) & 0x3f) | 0x40;
  return bytes.toString('hex');
}

/**
 * Signs with SHA-256 (the only digest Portico uses) and an RSA issuer key, natively: forge lays
 * out the to-be-signed structure and the final certificate, node:crypto computes the signature.
 */
export function signCertificate(cert: forge.pki.Certificate, issuerKey: KeyObject): void {
  if (issuerKey.asymmetricKeyType !== 'rsa') throw new Error(`cannot sign with a ${String(issuerKey.asymmetricKeyType)} key: only RSA issuer keys are supported`);
  const algorithm = forge.pki.oids['sha256WithRSAEncryption']!;
  // Both copies of the algorithm identifier (inside and outside the signed part) must agree.
  cert.siginfo.algorithmOid = algorithm;
  cert.signatureOid = algorithm;
  const tbsAsn1 = tbsCertificate(cert);
  const keyInfo = subjectKeyInfos.get(cert);
  if (keyInfo) {
    // version, serialNumber, signature, issuer, validity, subject, subjectPublicKeyInfo, ...
    (tbsAsn1.value as forge.asn1.Asn1[])[6] = keyInfo;
    // forge writes the certificate around this structure rather than laying it out again.
    (cert as forge.pki.Certificate & { tbsCertificate: forge.asn1.Asn1 }).tbsCertificate = tbsAsn1;
  }
  const tbs = forge.asn1.toDer(tbsAsn1).getBytes();
  cert.signature = sign('sha256', Buffer.from(tbs, 'binary'), issuerKey).toString('binary');
}

/** forge's to-be-signed structure of a certificate (public in forge, missing from its typings). */
function tbsCertificate(cert: forge.pki.Certificate): forge.asn1.Asn1 {
  return (forge.pki as unknown as { getTBSCertificate(c: forge.pki.Certificate): forge.asn1.Asn1 }).getTBSCertificate(cert);
}

/** forge writes PEM with CRLF line ends; every consumer is fine with LF. */
export function certificatePem(cert: forge.pki.Certificate): string {
  return forge.pki.certificateToPem(cert).replace(/\r\n/g, '\n');
}

/** A certificate in forge's form, to name it as the issuer of another. */
export function forgeCertificate(pem: string): forge.pki.Certificate {
  return forge.pki.certificateFromPem(pem);
}

/** The private key as PKCS#8 PEM (the form written to disk). */
export function privateKeyPem(key: KeyObject): string {
  return key.export({ type: 'pkcs8', format: 'pem' }).toString();
}

/** The parsed certificate, or undefined when `pem` is not one. */
export function parseCertificate(pem: string): X509Certificate | undefined {
  try {
    return new X509Certificate(pem);
  } catch {
    return undefined;
  }
}

/** The parsed private key, or undefined when `pem` is not one. */
export function parsePrivateKey(pem: string): KeyObject | undefined {
  try {
    return createPrivateKey(pem);
  } catch {
    return undefined;
  }
}
