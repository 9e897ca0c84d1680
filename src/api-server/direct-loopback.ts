// When a request counts as coming straight from the control-plane machine (docs/robustness.md S8). Kuma
// treats loopback callers as admin so an operator on the machine needs no token; but a reverse
// proxy on the same machine, or a browser page the operator has open, also connects over
// loopback and must not inherit that. So a request is "direct loopback" only when:
//
//   1. the socket peer is a loopback address (127.0.0.0/8, ::1, or 127.x mapped into IPv6);
//   2. it carries no proxy header: Forwarded, X-Forwarded-For, X-Real-IP (and the other
//      X-Forwarded-* headers), which proxies add;
//   3. it carries no browser header: Origin (sent on cross-origin and on every non-GET fetch),
//      Sec-Fetch-Site, Sec-Fetch-Dest or Sec-Fetch-User (sent by browsers on every request).
//      Sec-Fetch-Mode alone is not a browser sign: Node's fetch sends `sec-fetch-mode: cors` on
//      every request, while browsers never send it without Sec-Fetch-Site;
//   4. its Host is a loopback name or literal, so a page on a rebinding DNS name that resolves
//      to 127.0.0.1 (older browsers send no Sec-Fetch headers) does not pass.

/** Headers whose presence means a proxy forwarded the request. */
export const PROXY_HEADERS: readonly string[] = ['forwarded', 'x-forwarded-for', 'x-forwarded-host', 'x-forwarded-proto', 'x-real-ip'];

/** Headers whose presence means a browser sent the request. */
export const BROWSER_HEADERS: readonly string[] = ['origin', 'sec-fetch-site', 'sec-fetch-dest', 'sec-fetch-user'];

/** True for an IPv4 or IPv6 loopback address as Node reports a socket peer. */
export function isLoopbackAddress(address: string): boolean {
  const v4 = address.startsWith('::ffff:') ? address.slice('::ffff:'.length) : address;
  if (/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(v4)) return true;
  return address === '::1' || address === '0:0:0:0:0:0:0:1';
}

/** True when a Host header (with or without port) names this machine by a loopback name. */
export function isLoopbackHost(host: string | undefined): boolean {
  if (host === undefined) return false;
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(host);
  const name = (bracketed ? bracketed[1] ?? '' : host.replace(/:\d+$/, '')).toLowerCase().replace(/\.$/, '');
  return name === 'localhost' || isLoopbackAddress(name);
}

/** Why a request is not a direct loopback request, or undefined when it is one. */
export function notDirectLoopback(
  peerAddress: string | undefined,
  headers: Readonly<Record<string, string | undefined>>,
  isLoopbackPeer: (address: string) => boolean = isLoopbackAddress,
): string | undefined {
  if (peerAddress === undefined || !isLoopbackPeer(peerAddress)) return 'the peer is not a loopback address';
  const proxy = PROXY_HEADERS.find((h) => headers[h] !== undefined);
  if (proxy) return `the request carries the proxy header ${proxy}`;
  const browser = BROWSER_HEADERS.find((h) => headers[h] !== undefined);
  if (browser) return `the request carries the browser header ${browser}`;
  if (!isLoopbackHost(headers['host'])) return 'the Host header is not a loopback name';
  return undefined;
}
