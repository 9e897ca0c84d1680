// One raw JSON request to the API server, authenticated exactly like client-node's own Watch (same
// KubeConfig.applyToHTTPSOptions: CA, client certificates, tokens, exec plugins, proxies).
//
// Why not the generated typed clients: they deserialise built-in kinds into model classes (Dates
// for timestamps, unknown fields dropped) while watch events and custom objects stay raw JSON.
// Lists, watches and writes going through one raw path keep every object in the same shape, and
// give one place that turns HTTP answers into errors the store can map (409, 404, 5xx).
import http from 'node:http';
import https from 'node:https';
import type { KubeConfig } from '@kubernetes/client-node';

/** Default bound of one non-watch request, so a hung connection cannot stall a list or a write. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

/** A non-2xx answer of the API server (status = HTTP code), or no answer at all (status 0). */
export class KubeApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    /** `reason` of the Kubernetes Status body (`Conflict`, `AlreadyExists`, `NotFound`, ...). */
    readonly reason: string | undefined,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'KubeApiError';
  }

  /** True when the API server was unreachable or failing (no answer, 429 or 5xx): retry later. */
  get unavailable(): boolean {
    return this.status === 0 || this.status === 429 || this.status >= 500;
  }
}

/** One request: path below the cluster server URL, optional query and JSON body. */
export interface KubeRequest {
  readonly method?: 'GET' | 'POST' | 'PUT' | 'DELETE';
  readonly path: string;
  readonly query?: Readonly<Record<string, string | undefined>>;
  readonly body?: unknown;
  readonly timeoutMs?: number;
}

/** Send one request and resolve to the parsed JSON answer; every failure is a KubeApiError. */
export async function kubeRequest<T = unknown>(kubeConfig: KubeConfig, request: KubeRequest): Promise<T> {
  const method = request.method ?? 'GET';
  const what = `${method} ${request.path}`;
  const cluster = kubeConfig.getCurrentCluster();
  if (!cluster) throw new KubeApiError(`${what}: the kubeconfig has no current cluster`, 0, undefined);
  const url = new URL(cluster.server + request.path);
  for (const [key, value] of Object.entries(request.query ?? {})) if (value !== undefined) url.searchParams.set(key, value);
  const body = request.body === undefined ? undefined : JSON.stringify(request.body);
  const options: https.RequestOptions = {
    method,
    // An explicit length: Node sends a DELETE body neither chunked nor sized otherwise, which the
    // server then reads as the start of a malformed next request.
    headers: {
      Accept: 'application/json',
      ...(body === undefined ? {} : { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(body)) }),
    },
  };
  try {
    await kubeConfig.applyToHTTPSOptions(options);
  } catch (cause) {
    throw new KubeApiError(`${what}: cannot apply the kubeconfig credentials`, 0, undefined, { cause });
  }
  const answer = await send(url, options, body, request.timeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS, what);
  return decodeAnswer<T>(answer, what);
}

interface Answer {
  readonly status: number;
  readonly text: string;
}

function send(url: URL, options: https.RequestOptions, body: string | undefined, timeoutMs: number, what: string): Promise<Answer> {
  const transport = url.protocol === 'http:' ? http : https;
  return new Promise((resolve, reject) => {
    const req = transport.request(url, options, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', (cause) => reject(new KubeApiError(`${what}: answer interrupted`, 0, undefined, { cause })));
    });
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', (cause) => reject(new KubeApiError(`${what}: API server unreachable`, 0, undefined, { cause })));
    req.end(body);
  });
}

// A 2xx answer that is not JSON means something between us and the API server answered (a proxy
// error page); it is reported as unavailable, never read as an empty result.
function decodeAnswer<T>(answer: Answer, what: string): T {
  let parsed: unknown;
  try {
    parsed = answer.text === '' ? undefined : JSON.parse(answer.text);
  } catch (cause) {
    if (answer.status >= 200 && answer.status < 300) throw new KubeApiError(`${what}: answer is not JSON`, 0, undefined, { cause });
  }
  if (answer.status >= 200 && answer.status < 300) return parsed as T;
  const status = isRecord(parsed) ? parsed : {};
  const reason = typeof status['reason'] === 'string' ? status['reason'] : undefined;
  const message = typeof status['message'] === 'string' ? status['message'] : answer.text.slice(0, 200);
  const detail = [reason, message].filter((part) => part !== undefined && part !== '').join(': ');
  throw new KubeApiError(`${what}: HTTP ${answer.status}${detail === '' ? '' : ` ${detail}`}`, answer.status, reason);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
