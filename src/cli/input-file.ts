// Files and stdin the CLI parses (`apply -f`, `translate -f`, `dp run --dataplane-file`) are
// size-checked before they are read whole, with the same limits as the ports they end up at
// (docs/limits.md), so a wrong path (a log file, /dev/zero) fails fast instead of filling memory.
import { openSync, closeSync, fstatSync, readSync } from 'node:fs';
import { MAX_BODY_BYTES } from '../api-server/body.js';

/** Largest file `apply -f` and `translate -f` read: the REST API's body limit. */
export const MAX_INPUT_FILE_BYTES = MAX_BODY_BYTES;
/** Largest `--dataplane-file`: it travels inside a 1 MiB bootstrap request, JSON-escaped. */
export const MAX_DATAPLANE_FILE_BYTES = 512 * 1024;

/** The file as UTF-8 text; throws (a CLI error) when it is larger than `limit` bytes. */
export function readInputFile(file: string, limit = MAX_INPUT_FILE_BYTES): string {
  const fd = openSync(file, 'r');
  try {
    // Special files (a pipe, /dev/zero) report no size: they are read up to the limit.
    const declared = fstatSync(fd).size;
    if (declared > limit) throw new Error(tooLarge(file, limit));
    const buffer = Buffer.alloc(limit + 1);
    let size = 0;
    for (let n = -1; n !== 0 && size <= limit; size += n) n = readSync(fd, buffer, size, buffer.length - size, null);
    if (size > limit) throw new Error(tooLarge(file, limit));
    return buffer.subarray(0, size).toString('utf8');
  } finally {
    closeSync(fd);
  }
}

/** The whole stream as UTF-8 text; rejects as soon as it passes `limit` bytes. */
export async function readInputStream(stream: AsyncIterable<unknown>, limit = MAX_INPUT_FILE_BYTES): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buffer.length;
    if (size > limit) throw new Error(tooLarge('standard input', limit));
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function tooLarge(what: string, limit: number): string {
  return `${what} is larger than ${limit} bytes, the limit for one input (docs/limits.md)`;
}
