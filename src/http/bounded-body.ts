// Reading request bodies under a size cap, shared by every port that parses bodies (the REST
// API, the admission webhook, POST /bootstrap). The cap is checked while reading, so at most
// `limit` bytes are ever buffered, and the 413 is written so that the client actually reads it:
// see answerTooLarge for why the connection must not simply be closed.
import type http from 'node:http';

/** What reading a body gave. */
export type BodyRead =
  | { readonly kind: 'body'; readonly body: Buffer }
  /** The declared or streamed size passed the limit; nothing after the limit was buffered. */
  | { readonly kind: 'too-large' }
  /** The client went away mid-body: there is nobody left to answer. */
  | { readonly kind: 'aborted' };

/** How long, and how many bytes, an oversized body is read and discarded after its 413. */
export interface DrainBudget {
  readonly ms: number;
  readonly bytes: number;
}

/**
 * Default drain budget. Loopback and LAN clients finish a 10-100 MiB upload well within it; a
 * client that keeps sending past it is cut off (it may then see a reset instead of the 413).
 */
export const DEFAULT_DRAIN_BUDGET: DrainBudget = { ms: 5_000, bytes: 64 * 1024 * 1024 };

/**
 * The body, or `too-large` as soon as it exceeds `limit` bytes. A declared Content-Length over
 * the limit is refused before any byte is read. After `too-large` the stream is left paused for
 * answerTooLarge to drain.
 */
export function readBoundedBody(req: http.IncomingMessage, limit: number): Promise<BodyRead> {
  if (Number(req.headers['content-length'] ?? 0) > limit) return Promise.resolve({ kind: 'too-large' });
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const settle = (result: BodyRead): void => {
      req.off('data', onData).off('end', onEnd).off('error', onError);
      resolve(result);
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size <= limit) return void chunks.push(chunk);
      // Paused, so nothing more is lost and 'end' waits for answerTooLarge to drain the rest.
      req.pause();
      settle({ kind: 'too-large' });
    };
    const onEnd = (): void => settle({ kind: 'body', body: Buffer.concat(chunks) });
    const onError = (): void => settle({ kind: 'aborted' });
    req.on('data', onData).on('end', onEnd).on('error', onError);
  });
}

/** The response to an oversized body. */
export interface TooLargeResponse {
  readonly status: number;
  readonly contentType: string;
  readonly payload: string;
}

/**
 * Answer an oversized body, then close the connection once the rest of the body has been read
 * and discarded (or the drain budget is spent).
 *
 * Why not just answer with `Connection: close`: node then closes the socket right after the
 * response while the client is still uploading; unread bytes make the kernel send a reset, and
 * a client that treats a failed write as fatal (fetch, most SDKs) reports EPIPE and never shows
 * the 413. So the whole response is written at once (the client can read it mid-upload), but the
 * response is only ended, which closes the connection, after the upload finished.
 */
export function answerTooLarge(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  response: TooLargeResponse,
  budget: DrainBudget = DEFAULT_DRAIN_BUDGET,
): void {
  res.writeHead(response.status, {
    'content-type': response.contentType,
    'content-length': Buffer.byteLength(response.payload),
    connection: 'close',
  });
  res.write(response.payload);
  let drained = 0;
  const cut = (): void => {
    clearTimeout(timer);
    req.socket.destroy();
  };
  const timer = setTimeout(cut, budget.ms);
  timer.unref();
  req.on('data', (chunk: Buffer) => {
    drained += chunk.length;
    if (drained > budget.bytes) cut();
  });
  req.once('end', () => {
    clearTimeout(timer);
    res.end();
  });
  req.once('error', cut);
  if (req.readableEnded) {
    clearTimeout(timer);
    res.end();
  } else req.resume();
}
