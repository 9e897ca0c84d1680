// PEM certificate bundles of TLS listeners (docs/gateway.md §2.13, §4.6): exactly one private key
// (RSA or ECDSA) and at least one certificate, the server certificate first. Pure: used by the
// MeshGateway validator for inline sources and by the gateway layer at generation time.
// Messages never quote block content: a bundle holds a private key.

import { createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';
import { fail, ok, type Result, type Violation } from './violation.js';

/** Key type of a bundle; it names the SDS secret (`cert.<rsa|ecdsa>:...`). */
export type TlsKeyType = 'rsa' | 'ecdsa';

/** A parsed bundle, ready for an SDS `tls_certificate`. */
export interface CertificateBundle {
  readonly keyType: TlsKeyType;
  /** The CERTIFICATE blocks in bundle order, each byte-exact from BEGIN to END plus a newline. */
  readonly certificateChainPem: string;
  /** The private key block, byte-exact from BEGIN to END plus a newline. */
  readonly privateKeyPem: string;
  /** Expiry of the server certificate, RFC 3339 (the caller owns the clock). */
  readonly notAfter: string;
}

/** Most PEM blocks read from one bundle (a chain is a handful; this bounds the work). */
export const MAX_PEM_BLOCKS = 100;

/** Smallest RSA key Envoy serves (it refuses shorter ones when loading the certificate). */
export const MIN_RSA_BITS = 2048;

/** ECDSA curves Envoy serves: P-256, P-384 and P-521, by OpenSSL name. */
const ENVOY_CURVES = new Set(['prime256v1', 'secp384r1', 'secp521r1']);

// One block: its type and its exact text from `-----BEGIN` to the end of `-----END <type>-----`.
interface PemBlock {
  readonly type: string;
  readonly text: string;
}

// A block parsed for what it is, or the violations that block produced.
interface Classified {
  readonly keys: { readonly block: PemBlock; readonly parsed?: ParsedKey }[];
  readonly certificates: { readonly block: PemBlock; readonly x509?: X509Certificate }[];
  readonly violations: Violation[];
}

interface ParsedKey {
  readonly keyType: TlsKeyType;
  readonly keyObject: KeyObject;
}

/** Parses a PEM bundle; every violation is reported, block violations at `secret[i]`. */
export function parseCertificateBundle(pem: string): Result<CertificateBundle> {
  const split = splitBlocks(pem);
  const found = classify(split.blocks);
  const violations = [...found.violations, ...split.violations];
  // A bundle not read to its end may hold what seems missing, so only a complete read says so.
  const complete = split.violations.length === 0;
  if (complete && found.keys.length === 0) violations.push({ field: '', message: 'missing private key' });
  if (complete && found.certificates.length === 0) violations.push({ field: '', message: 'missing server certificate' });
  const key = found.keys[0];
  const server = found.certificates[0]?.x509;
  if (violations.length > 0 || key?.parsed === undefined || server === undefined) return fail(violations);
  // Portico addition: Kuma leaves a mismatched pair to Envoy, which rejects the whole listener.
  if (!server.checkPrivateKey(key.parsed.keyObject)) {
    return fail([{ field: '', message: 'private key does not match the certificate' }]);
  }
  return ok({
    keyType: key.parsed.keyType,
    certificateChainPem: found.certificates.map((c) => `${c.block.text}\n`).join(''),
    privateKeyPem: `${key.block.text}\n`,
    notAfter: rfc3339(server.validTo),
  });
}

/** `secret[i]`, the path docs/gateway.md §4.6 gives a violation about the i-th block. */
function blockPath(index: number): string {
  return `secret[${index}]`;
}

// Text outside blocks is ignored, as Go's pem.Decode does (openssl writes `Bag Attributes` there).
function splitBlocks(pem: string): { blocks: PemBlock[]; violations: Violation[] } {
  const begin = /^-----BEGIN ([^\r\n]*?)-----[ \t]*\r?$/gm;
  const blocks: PemBlock[] = [];
  for (let m = begin.exec(pem); m !== null; m = begin.exec(pem)) {
    const type = m[1] ?? '';
    if (blocks.length === MAX_PEM_BLOCKS) {
      return { blocks, violations: [{ field: blockPath(blocks.length), message: `too many PEM blocks (at most ${MAX_PEM_BLOCKS})` }] };
    }
    const marker = `-----END ${type}-----`;
    const end = lineStartIndex(pem, marker, begin.lastIndex);
    if (end < 0) {
      return { blocks, violations: [{ field: blockPath(blocks.length), message: `PEM block "${type}" has no END line` }] };
    }
    blocks.push({ type, text: pem.slice(m.index, end + marker.length) });
    begin.lastIndex = end + marker.length;
  }
  return { blocks, violations: [] };
}

/** Index of the first `needle` at or after `from` that starts a line, or -1. */
function lineStartIndex(text: string, needle: string, from: number): number {
  for (let i = text.indexOf(needle, from); i >= 0; i = text.indexOf(needle, i + 1)) {
    if (i === 0 || text[i - 1] === '\n') return i;
  }
  return -1;
}

function classify(blocks: readonly PemBlock[]): Classified {
  const found: Classified = { keys: [], certificates: [], violations: [] };
  blocks.forEach((block, index) => {
    const at = blockPath(index);
    if (block.type.endsWith('PRIVATE KEY')) {
      if (found.keys.length > 0) {
        found.violations.push({ field: at, message: 'secret contains multiple private keys' });
        return;
      }
      const parsed = parseKey(block);
      if (typeof parsed === 'string') found.violations.push({ field: at, message: parsed });
      found.keys.push(typeof parsed === 'string' ? { block } : { block, parsed });
    } else if (block.type.endsWith('CERTIFICATE')) {
      const x509 = parseCertificate(block);
      if (x509 === undefined) found.violations.push({ field: at, message: 'cannot parse certificate' });
      found.certificates.push(x509 === undefined ? { block } : { block, x509 });
    } else {
      found.violations.push({ field: at, message: `unsupported PEM block ${JSON.stringify(block.type)}` });
    }
  });
  return found;
}

/** The key and its type, or why it cannot serve TLS. */
function parseKey(block: PemBlock): ParsedKey | string {
  if (block.type.startsWith('ENCRYPTED') || /^Proc-Type:\s*4,ENCRYPTED/m.test(block.text)) {
    return 'encrypted private keys are not supported';
  }
  let keyObject: KeyObject;
  try {
    // An empty passphrase keeps OpenSSL from ever prompting for one.
    keyObject = createPrivateKey({ key: block.text, format: 'pem', passphrase: '' });
  } catch {
    return 'cannot parse private key';
  }
  const type = keyObject.asymmetricKeyType ?? 'unknown';
  const details = keyObject.asymmetricKeyDetails;
  if (type === 'rsa') {
    // Portico addition (also the curve check): Envoy refuses these when loading the certificate.
    const bits = details?.modulusLength ?? 0;
    return bits >= MIN_RSA_BITS ? { keyType: 'rsa', keyObject } : `RSA key of ${bits} bits is too short (at least ${MIN_RSA_BITS})`;
  }
  if (type === 'ec') {
    const curve = details?.namedCurve ?? 'unknown';
    return ENVOY_CURVES.has(curve) ? { keyType: 'ecdsa', keyObject } : `unsupported ECDSA curve ${curve}`;
  }
  return `unsupported private key type ${type}`;
}

function parseCertificate(block: PemBlock): X509Certificate | undefined {
  try {
    return new X509Certificate(block.text);
  } catch {
    return undefined;
  }
}

/** X509Certificate's `Oct 31 20:02:03 2126 GMT` as RFC 3339. */
function rfc3339(validTo: string): string {
  const time = Date.parse(validTo);
  return Number.isNaN(time) ? validTo : new Date(time).toISOString();
}
