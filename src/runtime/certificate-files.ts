import { readFile, stat } from 'node:fs/promises';
import type { CertificateFile } from '../gateway/gateway-input.js';

/** Largest certificate file read (the same bound as a Secret's decoded data). */
export const MAX_CERTIFICATE_FILE_BYTES = 1024 * 1024;

/**
 * Read the `file:` certificate sources of the mesh's gateways for the pure translator. A failure is
 * passed on as `{error}` (the translator reports `failed to generate TLS certificate` with it);
 * file contents never reach a log line.
 */
export async function readCertificateFiles(paths: readonly string[]): Promise<ReadonlyMap<string, CertificateFile>> {
  const entries = await Promise.all(
    paths.map(async (p): Promise<[string, CertificateFile]> => {
      try {
        const info = await stat(p);
        if (info.size > MAX_CERTIFICATE_FILE_BYTES) return [p, { error: `file is larger than ${MAX_CERTIFICATE_FILE_BYTES} bytes` }];
        return [p, { content: await readFile(p, 'utf8') }];
      } catch (err) {
        return [p, { error: (err as NodeJS.ErrnoException).code ?? (err as Error).message }];
      }
    }),
  );
  return new Map(entries);
}
