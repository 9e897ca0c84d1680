// A small client for Portico's REST API (http:// or https:// verified by a CA the user names,
// which Node's global fetch cannot take, hence node:http/https). Failures come back as
// data (never thrown): an unreachable server, a non-2xx answer, or a body that is not JSON all
// become an ApiFailure whose message is ready to print, with the API's causes kept separately so
// `portico apply` can map `items[i]` back to the documents of the user's file.
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { HttpResponse } from './http-request.js';

/** A field-level problem reported by the API. */
export interface ApiCause {
  readonly field: string;
  readonly message: string;
}

/** A 2xx answer with its parsed JSON body. */
export interface ApiSuccess {
  readonly ok: true;
  readonly status: number;
  readonly body: unknown;
}

/** Anything else; `status` is 0 when the server could not be reached. */
export interface ApiFailure {
  readonly ok: false;
  readonly status: number;
  /** One line: the problem title and detail, or the connection error. */
  readonly message: string;
  readonly causes: readonly ApiCause[];
}

/** Outcome of one API call. */
export type ApiResult = ApiSuccess | ApiFailure;

// A request body and its media type.
interface RequestBody {
  readonly text: string;
  readonly contentType: string;
}

/** How long one request may take before the CLI gives up. */
const REQUEST_TIMEOUT_MS = 30_000;

/**
 * Client of one Portico API base URL (`http://127.0.0.1:5681`, `https://cp.example.com:5682`),
 * sending a user token when given one.
 */
export class ApiClient {
  private readonly base: string;

  /**
   * `token` is sent as `Authorization: Bearer` and never printed, not even in errors; `ca` is the
   * PEM CA the HTTPS API's certificate must be signed by (default: Node's bundled roots).
   */
  constructor(
    baseUrl: string,
    private readonly credentials: { readonly token?: string; readonly ca?: string } = {},
  ) {
    this.base = baseUrl.replace(/\/+$/, '');
  }

  /** GET a path (already encoded, starting with `/`). */
  get(path: string): Promise<ApiResult> {
    return this.request('GET', path);
  }

  /** DELETE a path. */
  delete(path: string): Promise<ApiResult> {
    return this.request('DELETE', path);
  }

  /** POST a JSON body. */
  post(path: string, body: unknown): Promise<ApiResult> {
    return this.request('POST', path, { text: JSON.stringify(body), contentType: 'application/json' });
  }

  /** POST a body that is already text (a YAML file sent as written). */
  postText(path: string, text: string, contentType: string): Promise<ApiResult> {
    return this.request('POST', path, { text, contentType });
  }

  /** PUT a JSON body. */
  put(path: string, body: unknown): Promise<ApiResult> {
    return this.request('PUT', path, { text: JSON.stringify(body), contentType: 'application/json' });
  }

  /** Absolute URL of a path on this API. */
  url(path: string): string {
    return `${this.base}${path}`;
  }

  /** GET an absolute URL (a list's `next` link). */
  getUrl(url: string): Promise<ApiResult> {
    return this.send('GET', url);
  }

  private request(method: string, path: string, body?: RequestBody): Promise<ApiResult> {
    return this.send(method, this.url(path), body);
  }

  private async send(method: string, url: string, body?: RequestBody): Promise<ApiResult> {
    let response: HttpResponse;
    try {
      // Loaded by the first request (with node:http): `--help` and usage errors make none.
      const { httpRequest } = await import('./http-request.js');
      response = await httpRequest(url, {
        method,
        headers: {
          ...(body === undefined ? {} : { 'content-type': body.contentType }),
          ...(this.credentials.token === undefined ? {} : { authorization: `Bearer ${this.credentials.token}` }),
        },
        ...(body === undefined ? {} : { body: body.text }),
        ...(this.credentials.ca ? { ca: this.credentials.ca } : {}),
        timeoutMs: REQUEST_TIMEOUT_MS,
      });
    } catch (err) {
      return { ok: false, status: 0, message: `cannot reach the Portico API at ${this.base}: ${networkReason(err)}`, causes: [] };
    }
    const { text } = response;
    const ok = response.status >= 200 && response.status < 300;
    // The token endpoints answer the token as text.
    if (ok && (response.headers['content-type'] ?? '').startsWith('text/plain')) return { ok: true, status: response.status, body: text };
    const parsed = parseJson(text);
    if (ok && parsed.ok) return { ok: true, status: response.status, body: parsed.value };
    if (ok) return failure(response.status, `${method} ${url}: the API answered with invalid JSON`, []);
    return problemFailure(response.status, parsed.ok ? parsed.value : undefined, text);
  }
}

/** The message and every cause of a failure, one cause per indented line. */
export function formatFailure(failure: ApiFailure): string {
  return [failure.message, ...failure.causes.map((c) => `  ${c.field === '' ? '(body)' : c.field}: ${c.message}`)].join('\n');
}

/** Path segment, percent-encoded. */
export function segment(value: string): string {
  return encodeURIComponent(value);
}

/** A failure built from an error body; falls back to the raw text for non-problem answers. */
function problemFailure(status: number, body: unknown, text: string): ApiFailure {
  const o = body !== null && typeof body === 'object' ? (body as Record<string, unknown>) : {};
  const title = typeof o['title'] === 'string' ? o['title'] : `HTTP ${status}`;
  const detail = typeof o['detail'] === 'string' ? o['detail'] : typeof o['details'] === 'string' ? o['details'] : '';
  const fallback = body === undefined && text.trim() !== '' ? text.trim().slice(0, 200) : '';
  const message = [title, detail || fallback].filter((s) => s !== '').join(': ');
  return failure(status, `${message}${AUTH_HINTS[status] ?? ''}`, causesOf(o['causes']));
}

/** What to do about a 401 or 403, appended to the API's own one-line message. */
const AUTH_HINTS: Readonly<Record<number, string>> = {
  401: ` (401: give a user token with --api-token, PORTICO_API_TOKEN or the config file; see docs/api-auth.md)`,
  403: ' (403: this needs a token of a user in group mesh-system:admin)',
};

/** The `causes` list of a problem body, skipping malformed entries. */
function causesOf(value: unknown): ApiCause[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((c: unknown) => {
    const o = c !== null && typeof c === 'object' ? (c as Record<string, unknown>) : {};
    return typeof o['message'] === 'string'
      ? [{ field: typeof o['field'] === 'string' ? o['field'] : '', message: o['message'] }]
      : [];
  });
}

/** An ApiFailure. */
function failure(status: number, message: string, causes: readonly ApiCause[]): ApiFailure {
  return { ok: false, status, message, causes };
}

/** JSON.parse as a result; an empty body is an empty object (some 2xx answers have none). */
function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  if (text.trim() === '') return { ok: true, value: {} };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false };
  }
}

/** A socket error's code (`ECONNREFUSED`); otherwise the message (TLS: `self-signed certificate in certificate chain`). */
function networkReason(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && /^E[A-Z]+$/.test(code)) return code;
  return err instanceof Error ? err.message : String(err);
}
