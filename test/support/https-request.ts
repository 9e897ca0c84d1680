// HTTP(S) requests for tests that must verify the server by a given CA (Node's global fetch
// cannot take a CA): the response, or the connection error as a value.
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import type { TLSSocket } from 'node:tls';

/** One response; `serial` is the server certificate's serial on HTTPS. */
export interface TlsHttpResult {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
  readonly serial?: string;
}

/** Options of `httpCall`. */
export interface HttpCallOptions {
  readonly method?: string;
  readonly headers?: Record<string, string>;
  readonly body?: string;
  /** PEM CA to verify an https:// server by (default: Node's bundled roots). */
  readonly ca?: string;
}

/** One request without connection reuse. */
export function httpCall(url: string, options: HttpCallOptions = {}): Promise<TlsHttpResult> {
  const u = new URL(url);
  const secure = u.protocol === 'https:';
  const host = u.hostname.replace(/^\[|\]$/g, '');
  const requestOptions: https.RequestOptions = {
    host,
    // No SNI for an IP (RFC 6066 forbids it); the certificate is still checked against the IP.
    ...(net.isIP(host) !== 0 ? { servername: '' } : {}),
    port: u.port,
    path: u.pathname + u.search,
    method: options.method ?? 'GET',
    headers: options.headers ?? {},
    agent: false,
    ...(secure && options.ca ? { ca: options.ca } : {}),
  };
  return new Promise((resolve, reject) => {
    const req = (secure ? https : http).request(requestOptions, (res) => {
      const serial = secure ? (res.socket as TLSSocket).getPeerCertificate().serialNumber : undefined;
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body, ...(serial ? { serial } : {}) }));
    });
    req.setTimeout(5_000, () => req.destroy(new Error(`request to ${url} timed out`)));
    req.once('error', reject);
    req.end(options.body);
  });
}
