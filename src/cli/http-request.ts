// One HTTP(S) request for the CLI (`dp run` -> /bootstrap, the REST API client). Node's global
// fetch cannot be given a CA, and both callers must verify the control plane by the CA the user
// named (`--ca-cert-file`), so this uses node:http/https directly.
import http from 'node:http';
import type { RequestOptions as HttpsRequestOptions } from 'node:https';
import net from 'node:net';

/** Options of `httpRequest`. */
export interface HttpRequestOptions {
  readonly method: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
  /** PEM CA that must have signed the server's certificate (https only). */
  readonly ca?: string;
  /** https without a CA: encrypt but do not verify (Kuma's behaviour without a CA; callers warn). */
  readonly insecure?: boolean;
  readonly timeoutMs: number;
}

/** A response with its body as text. */
export interface HttpResponse {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly text: string;
}

/** Sends one request (no connection reuse); rejects on connection, TLS and timeout errors. */
export async function httpRequest(url: string, options: HttpRequestOptions): Promise<HttpResponse> {
  const u = new URL(url);
  const secure = u.protocol === 'https:';
  const host = u.hostname.replace(/^\[|\]$/g, '');
  const base: http.RequestOptions = {
    host,
    port: u.port || (secure ? 443 : 80),
    path: u.pathname + u.search,
    method: options.method,
    headers: { ...options.headers, ...(options.body !== undefined ? { 'content-length': String(Buffer.byteLength(options.body)) } : {}) },
    agent: false,
  };
  const tlsOptions: HttpsRequestOptions = {
    // RFC 6066 forbids an IP as SNI; the certificate is still checked against the IP.
    ...(net.isIP(host) !== 0 ? { servername: '' } : {}),
    ...(options.ca ? { ca: options.ca } : {}),
    rejectUnauthorized: !options.insecure || !!options.ca,
  };
  // node:https (and TLS with it) is loaded only for an https URL: plain http runs start faster.
  const https = secure ? (await import('node:https')).default : undefined;
  return new Promise((resolve, reject) => {
    const onResponse = (res: http.IncomingMessage): void => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    };
    const req = https ? https.request({ ...base, ...tlsOptions }, onResponse) : http.request(base, onResponse);
    req.setTimeout(options.timeoutMs, () => req.destroy(new Error(`no answer within ${options.timeoutMs} ms`)));
    req.once('error', reject);
    req.end(options.body);
  });
}
