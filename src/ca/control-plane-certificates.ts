// The control plane's own CA and serving certificate on disk (docs/tls.md). On first start a CA
// and a serving certificate signed by it are generated into a directory (`<data dir>/tls`); later
// starts reuse them, replacing only the serving certificate when control-plane-certificate-spec.ts
// says so (names changed, near expiry, unreadable). The CA is replaced only when it is unusable:
// every proxy trusts it, so a new CA means handing proxies a new file.
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from 'pino';
import { ADMIN_CLIENT_COMMON_NAME } from './admin-client-name.js';
import {
  CA_LIFETIME_MS,
  caCertificateUsable,
  SERVING_LIFETIME_MS,
  servingCertificateVerdict,
  validityWindow,
  type SubjectAltNames,
} from './control-plane-certificate-spec.js';
import {
  certificatePem,
  ecSubjectKeyIdentifier,
  forgeCertificate,
  keyPairOf,
  newCertificate,
  newEcCertificate,
  newEcKeyPair,
  newKeyPair,
  parseCertificate,
  parsePrivateKey,
  privateKeyPem,
  signCertificate,
  type KeyPair,
} from './x509.js';

/** Paths of the control plane's certificate files. */
export interface ControlPlaneCertificateFiles {
  /** The CA proxies and CLIs are given to verify the control plane. */
  readonly caFile: string;
  readonly certFile: string;
  readonly keyFile: string;
}

/** Options of `ensureControlPlaneCertificates`. */
export interface EnsureCertificatesOptions {
  /** Directory of the files; created (mode 0700) when missing. */
  readonly dir: string;
  readonly subjectAltNames: SubjectAltNames;
  readonly logger: Logger;
  readonly now?: Date;
}

/** What `ensureControlPlaneCertificates` did. */
export interface EnsuredCertificates {
  readonly files: ControlPlaneCertificateFiles;
  /** Which certificates were (re)generated on this call. */
  readonly generated: readonly ('ca' | 'serving')[];
}

/** Common name of the generated CA. */
export const CONTROL_PLANE_CA_COMMON_NAME = 'portico-control-plane-ca';
/** Common name of the generated serving certificate (verifiers match SANs only, never the CN). */
export const CONTROL_PLANE_SERVING_COMMON_NAME = 'portico-control-plane';
/** Lifetime of that certificate: it lives in memory and is issued again at every start. */
const ADMIN_CLIENT_LIFETIME_MS = 365 * 24 * 3_600_000;

/** File names inside the directory. */
export function certificateFilesIn(dir: string): ControlPlaneCertificateFiles & { readonly caKeyFile: string } {
  return {
    caFile: path.join(dir, 'ca.crt'),
    caKeyFile: path.join(dir, 'ca.key'),
    certFile: path.join(dir, 'server.crt'),
    keyFile: path.join(dir, 'server.key'),
  };
}

/** Makes sure a usable CA and a serving certificate for the wanted names are on disk. */
export async function ensureControlPlaneCertificates(options: EnsureCertificatesOptions): Promise<EnsuredCertificates> {
  const now = options.now ?? new Date();
  const files = certificateFilesIn(options.dir);
  await mkdir(options.dir, { recursive: true, mode: 0o700 });
  const generated: ('ca' | 'serving')[] = [];

  let ca = await readCa(files.caFile, files.caKeyFile, now);
  if (!ca) {
    options.logger.info({ caFile: files.caFile }, 'generating the control plane CA');
    ca = await generateCa(now);
    await writeFileAtomic(files.caKeyFile, ca.keyPem, 0o600);
    await writeFileAtomic(files.caFile, ca.certPem, 0o644);
    generated.push('ca');
  }

  const verdict = servingCertificateVerdict({
    cert: parseCertificate(await readText(files.certFile)),
    key: parsePrivateKey(await readText(files.keyFile)),
    ca: ca.x509,
    desired: options.subjectAltNames,
    now,
  });
  if (!verdict.keep) {
    options.logger.info({ certFile: files.certFile, reason: verdict.reason, subjectAltNames: options.subjectAltNames }, 'generating the control plane serving certificate');
    const serving = await generateServing(ca, options.subjectAltNames, now);
    // Key first: a reader that sees the new certificate must find its key already there.
    await writeFileAtomic(files.keyFile, serving.keyPem, 0o600);
    await writeFileAtomic(files.certFile, serving.certPem, 0o644);
    generated.push('serving');
  }
  return { files: { caFile: files.caFile, certFile: files.certFile, keyFile: files.keyFile }, generated };
}

interface Ca {
  readonly certPem: string;
  readonly keyPem: string;
  readonly x509: NonNullable<ReturnType<typeof parseCertificate>>;
  readonly keys: KeyPair;
}

async function readCa(certFile: string, keyFile: string, now: Date): Promise<Ca | undefined> {
  const certPem = await readText(certFile);
  const keyPem = await readText(keyFile);
  const x509 = parseCertificate(certPem);
  const key = parsePrivateKey(keyPem);
  if (!x509 || !key || !caCertificateUsable(x509, key, now)) return undefined;
  return { certPem, keyPem, x509, keys: keyPairOf(key) };
}

async function generateCa(now: Date): Promise<Ca> {
  const keys = await newKeyPair();
  const { notBefore, notAfter } = validityWindow(now, CA_LIFETIME_MS);
  const cert = newCertificate(keys.forgePublic, notBefore, notAfter);
  const name = [{ name: 'commonName', value: CONTROL_PLANE_CA_COMMON_NAME }];
  cert.setSubject(name);
  cert.setIssuer(name);
  cert.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  signCertificate(cert, keys.privateKey);
  const certPem = certificatePem(cert);
  return { certPem, keyPem: privateKeyPem(keys.privateKey), x509: parseCertificate(certPem)!, keys };
}

async function generateServing(ca: Ca, names: SubjectAltNames, now: Date): Promise<{ certPem: string; keyPem: string }> {
  // type 2 = dNSName, type 7 = iPAddress.
  const altNames = [...names.dnsNames.map((value) => ({ type: 2, value })), ...names.ipAddresses.map((ip) => ({ type: 7, ip }))];
  return issueLeaf(ca, { commonName: CONTROL_PLANE_SERVING_COMMON_NAME, lifetimeMs: SERVING_LIFETIME_MS, usage: { serverAuth: true }, altNames }, now);
}

/** What distinguishes the leaf certificates the control-plane CA signs. */
interface LeafSpec {
  readonly commonName: string;
  readonly lifetimeMs: number;
  readonly usage: { readonly serverAuth: true } | { readonly clientAuth: true };
  readonly altNames?: readonly object[];
}

/**
 * A new ECDSA P-256 key and a certificate for it, signed by `ca` (which stays RSA). The control
 * plane signs a TLS handshake with the serving key for every proxy that connects, and RSA 2048
 * signing was about 8 % of a 1,000-proxy fan-out's CPU (docs/tls.md); the admin client
 * certificate is issued at every start, and an RSA key took up to a second before the control
 * plane was ready.
 */
async function issueLeaf(ca: Ca, spec: LeafSpec, now: Date): Promise<{ certPem: string; keyPem: string }> {
  const { notBefore, notAfter } = validityWindow(now, spec.lifetimeMs);
  const caCert = forgeCertificate(ca.certPem);
  const key = await newEcKeyPair();
  const cert = newEcCertificate(key, notBefore, notAfter);
  cert.setSubject([{ name: 'commonName', value: spec.commonName }]);
  cert.setIssuer(caCert.subject.attributes);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false, critical: true },
    // No keyEncipherment (RSA key transport): an ECDSA key only signs.
    { name: 'keyUsage', digitalSignature: true, critical: true },
    { name: 'extKeyUsage', ...spec.usage },
    ...(spec.altNames ? [{ name: 'subjectAltName', altNames: spec.altNames }] : []),
    ecSubjectKeyIdentifier(key),
    { name: 'authorityKeyIdentifier', keyIdentifier: caCert.generateSubjectKeyIdentifier().getBytes() },
  ]);
  signCertificate(cert, ca.keys.privateKey);
  return { certPem: certificatePem(cert), keyPem: privateKeyPem(key.privateKey) };
}

/** The file's text, or '' when it cannot be read (a missing file is the first start). */
async function readText(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch {
    return '';
  }
}

/** Write beside, then rename: a reader (the reloader, a proxy's operator) never sees half a file. */
async function writeFileAtomic(file: string, content: string, mode: number): Promise<void> {
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, content, { mode });
  await rename(tmp, file);
}

/**
 * A client certificate for reading proxies' Envoy admin views, signed by the generated CA in
 * `dir`; kept in memory only. Undefined when the CA cannot be read (operator certificates).
 */
export async function issueAdminClientCertificate(dir: string, now: Date = new Date()): Promise<{ certPem: string; keyPem: string } | undefined> {
  const files = certificateFilesIn(dir);
  const ca = await readCa(files.caFile, files.caKeyFile, now);
  if (!ca) return undefined;
  return issueLeaf(ca, { commonName: ADMIN_CLIENT_COMMON_NAME, lifetimeMs: ADMIN_CLIENT_LIFETIME_MS, usage: { clientAuth: true } }, now);
}
