// The checks of a provided CA's material (docs/mesh-mtls.md §1.2, Kuma's provided CA validator): the
// certificate and key form a pair, and every certificate of the bundle may sign workload
// certificates as X509-SVID requires (a CA, with keyCertSign, without keyAgreement). Messages are
// Kuma's; paths are relative to the backend's `conf`.
import { createPrivateKey, X509Certificate } from 'node:crypto';

/** One problem with a provided CA, at `cert`, `cert[j]` or `key` below the backend's `conf`. */
export interface ProvidedCaProblem {
  readonly field: string;
  readonly message: string;
}

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/** Every problem of a provided CA bundle and key; empty when they can sign workload certificates. */
export function checkProvidedCa(certPem: string, keyPem: string): ProvidedCaProblem[] {
  const blocks = certPem.match(PEM_CERTIFICATE) ?? [];
  if (blocks.length === 0) return [{ field: 'cert', message: 'not a valid TLS key pair: the certificate holds no PEM certificate' }];
  let certs: X509Certificate[];
  try {
    certs = blocks.map((b) => new X509Certificate(b));
  } catch (err) {
    return [{ field: 'cert', message: `not a valid TLS key pair: ${(err as Error).message}` }];
  }
  const pair = keyPairProblem(certs[0]!, keyPem);
  if (pair) return [{ field: 'cert', message: `not a valid TLS key pair: ${pair}` }];
  return certs.flatMap((cert, j) => svidProblems(cert).map((message) => ({ field: `cert[${j}]`, message })));
}

function keyPairProblem(cert: X509Certificate, keyPem: string): string | undefined {
  let key;
  try {
    key = createPrivateKey(keyPem);
  } catch (err) {
    return `the key cannot be read: ${(err as Error).message}`;
  }
  return cert.checkPrivateKey(key) ? undefined : 'the private key does not match the certificate';
}

/** X509-SVID's requirements on a signing certificate. */
function svidProblems(cert: X509Certificate): string[] {
  const problems: string[] = [];
  if (!cert.ca) problems.push("basic constraint 'CA' must be set to 'true' (see X509-SVID: 4.1. Basic Constraints)");
  const usage = keyUsageBits(cert.raw);
  if (!usage?.keyCertSign) problems.push("key usage extension 'keyCertSign' must be set (see X509-SVID: 4.3. Key Usage)");
  if (usage?.keyAgreement) problems.push("key usage extension 'keyAgreement' must NOT be set (see X509-SVID: Appendix A. X.509 Field Reference)");
  return problems;
}

/** The id-ce-keyUsage OID (2.5.29.15) as DER. */
const KEY_USAGE_OID = Buffer.from([0x06, 0x03, 0x55, 0x1d, 0x0f]);

/**
 * The keyCertSign and keyAgreement bits of a certificate's KeyUsage extension, read from its DER
 * (node:crypto does not expose them); undefined when the extension is absent. The extension is
 * `OID [critical BOOLEAN] OCTET STRING { BIT STRING }`; bit 4 is keyAgreement, bit 5 keyCertSign,
 * counted from the most significant bit of the first byte.
 */
export function keyUsageBits(der: Uint8Array): { keyCertSign: boolean; keyAgreement: boolean } | undefined {
  const bytes = Buffer.from(der);
  let at = bytes.indexOf(KEY_USAGE_OID);
  if (at < 0) return undefined;
  at += KEY_USAGE_OID.length;
  if (bytes[at] === 0x01) at += 3; // critical BOOLEAN
  if (bytes[at] !== 0x04) return undefined; // OCTET STRING
  at += 2;
  if (bytes[at] !== 0x03) return undefined; // BIT STRING
  const length = bytes[at + 1] ?? 0;
  const first = length >= 2 ? (bytes[at + 3] ?? 0) : 0;
  return { keyAgreement: (first & 0x08) !== 0, keyCertSign: (first & 0x04) !== 0 };
}
