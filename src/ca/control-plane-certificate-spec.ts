// What the control plane's own TLS certificates should be (docs/tls.md): the names the serving
// certificate is valid for, how long each certificate lives, and whether a certificate found on
// disk can still be served. Pure: the clock and the certificates are inputs, nothing is read or
// written here (control-plane-certificates.ts does the I/O).
import type { KeyObject, X509Certificate } from 'node:crypto';
import net from 'node:net';

/** The subject alternative names of a serving certificate, each list sorted and without repeats. */
export interface SubjectAltNames {
  readonly dnsNames: readonly string[];
  /** Canonical text form (`::1`, not `0:0:0:0:0:0:0:1`). */
  readonly ipAddresses: readonly string[];
}

/** Where the names of the serving certificate come from. */
export interface SubjectAltNameInputs {
  /** The machine's host name (`os.hostname()`). */
  readonly hostname: string;
  /** The address the dataplane port binds; skipped when it is a wildcard (`0.0.0.0`, `::`). */
  readonly xdsHost: string;
  /** Names the operator added (`--tls-san`): host names or IP addresses. */
  readonly extra: readonly string[];
}

const DAY_MS = 86_400_000;
/** Lifetime of the generated CA (docs/xds-server.md §18: 10 years). */
export const CA_LIFETIME_MS = 3650 * DAY_MS;
/** Lifetime of the generated serving certificate; it is renewed long before it ends. */
export const SERVING_LIFETIME_MS = 365 * DAY_MS;
/** A serving certificate is replaced once this share of its lifetime has elapsed (as workload certificates, docs/xds-server.md §18). */
export const RENEW_AT_LIFETIME_FRACTION = 0.8;
/** Certificates start this much before now, so a proxy whose clock runs behind accepts them. */
export const CLOCK_SKEW_MS = 3_600_000;
/** Names every generated serving certificate carries: a proxy on the same machine may use any of them. */
export const LOOPBACK_NAMES: readonly string[] = ['localhost', '127.0.0.1', '::1'];

/** The names the serving certificate must carry: loopback, host name, xDS host and the operator's. */
export function desiredSubjectAltNames(inputs: SubjectAltNameInputs): SubjectAltNames {
  const candidates = [...LOOPBACK_NAMES, inputs.hostname, inputs.xdsHost, ...inputs.extra]
    .map((n) => n.trim())
    .filter((n) => n !== '' && !isWildcardAddress(n));
  return namesOf(candidates);
}

/** Sorts names into DNS names (lower-cased) and IP addresses (canonical), without repeats. */
export function namesOf(names: readonly string[]): SubjectAltNames {
  const dns = new Set<string>();
  const ips = new Set<string>();
  for (const name of names) {
    if (net.isIP(name) !== 0) ips.add(canonicalIp(name));
    else dns.add(name.toLowerCase());
  }
  return { dnsNames: [...dns].sort(), ipAddresses: [...ips].sort() };
}

/** The DNS and IP names of a parsed certificate (`X509Certificate.subjectAltName`). */
export function subjectAltNamesOf(cert: X509Certificate): SubjectAltNames {
  const names: string[] = [];
  for (const entry of (cert.subjectAltName ?? '').split(', ')) {
    const dns = /^DNS:(.+)$/.exec(entry);
    const ip = /^IP Address:(.+)$/.exec(entry);
    if (dns?.[1]) names.push(dns[1]);
    else if (ip?.[1] && net.isIP(ip[1]) !== 0) names.push(ip[1]);
  }
  return namesOf(names);
}

/** True when both carry exactly the same names. */
export function sameSubjectAltNames(a: SubjectAltNames, b: SubjectAltNames): boolean {
  const same = (x: readonly string[], y: readonly string[]) => x.length === y.length && x.every((v, i) => v === y[i]);
  return same(a.dnsNames, b.dnsNames) && same(a.ipAddresses, b.ipAddresses);
}

/** Validity of a certificate issued at `now` for `lifetimeMs`. */
export function validityWindow(now: Date, lifetimeMs: number): { readonly notBefore: Date; readonly notAfter: Date } {
  return { notBefore: new Date(now.getTime() - CLOCK_SKEW_MS), notAfter: new Date(now.getTime() + lifetimeMs) };
}

/** Whether a stored serving certificate can be served again, or why it must be replaced. */
export type ServingCertificateVerdict = { readonly keep: true } | { readonly keep: false; readonly reason: string };

/** What the verdict looks at: the stored certificate and key (absent when unreadable), the CA, the names. */
export interface StoredServingCertificate {
  readonly cert: X509Certificate | undefined;
  readonly key: KeyObject | undefined;
  readonly ca: X509Certificate;
  readonly desired: SubjectAltNames;
  readonly now: Date;
}

/** Keep the stored serving certificate unless it is unusable, from another CA, for other names, or ageing. */
export function servingCertificateVerdict(s: StoredServingCertificate): ServingCertificateVerdict {
  if (!s.cert || !s.key) return { keep: false, reason: 'no readable serving certificate and key' };
  if (!s.cert.checkPrivateKey(s.key)) return { keep: false, reason: 'the serving key does not belong to the serving certificate' };
  if (!s.cert.verify(s.ca.publicKey)) return { keep: false, reason: 'the serving certificate was not signed by the current CA' };
  if (!sameSubjectAltNames(subjectAltNamesOf(s.cert), s.desired)) return { keep: false, reason: 'the subject alternative names changed' };
  // Earlier versions generated RSA serving keys; proxies trust the CA, not the leaf, so replacing it is invisible to them.
  if (s.key.asymmetricKeyType !== 'ec') return { keep: false, reason: 'the serving key is not ECDSA (cheaper to handshake with)' };
  const from = Date.parse(s.cert.validFrom);
  const to = Date.parse(s.cert.validTo);
  const renewAt = from + (to - from) * RENEW_AT_LIFETIME_FRACTION;
  if (s.now.getTime() >= renewAt) return { keep: false, reason: `the serving certificate is near its expiry (${s.cert.validTo})` };
  return { keep: true };
}

/** Whether a stored CA can still sign: it must be a CA whose key matches and that has not expired. */
export function caCertificateUsable(cert: X509Certificate | undefined, key: KeyObject | undefined, now: Date): boolean {
  return !!cert && !!key && cert.ca && cert.checkPrivateKey(key) && Date.parse(cert.validTo) > now.getTime();
}

function isWildcardAddress(name: string): boolean {
  return net.isIP(name) !== 0 && (canonicalIp(name) === '0.0.0.0' || canonicalIp(name) === '::');
}

/** `0:0:0:0:0:0:0:1` -> `::1`, `FE80::1` -> `fe80::1`; IPv4 unchanged. The URL parser canonicalises IPv6. */
function canonicalIp(ip: string): string {
  if (net.isIPv4(ip)) return ip;
  return new URL(`http://[${ip}]/`).hostname.slice(1, -1);
}
