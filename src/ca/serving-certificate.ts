// The serving certificate and key the control plane's TLS listeners present, read from files, and
// a watcher that notices when the files are replaced (a renewed generated certificate or one an
// operator rotated), so listeners switch to it without a restart (docs/robustness.md S6). The watcher
// polls: fs.watch misses atomic renames on some file systems and Kubernetes Secret volumes
// swap a symlink, while a poll of two small files is cheap and always sees the new content.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { Logger } from 'pino';
import { parseCertificate, parsePrivateKey } from './x509.js';

/** PEM certificate (chain) and private key, as TLS servers take them. */
export interface ServingCertificate {
  readonly cert: string;
  readonly key: string;
  /** Serial of the leaf certificate (hex), for logs: never the key. */
  readonly serial: string;
}

/** A readable, matching pair, or what is wrong with the files. */
export type ServingCertificateResult = { readonly ok: true; readonly value: ServingCertificate } | { readonly ok: false; readonly problem: string };

/** Reads and checks a certificate/key pair: both parse, and the key belongs to the certificate. */
export async function readServingCertificate(certFile: string, keyFile: string): Promise<ServingCertificateResult> {
  let cert: string;
  let key: string;
  try {
    [cert, key] = await Promise.all([readFile(certFile, 'utf8'), readFile(keyFile, 'utf8')]);
  } catch (err) {
    return { ok: false, problem: `cannot read the TLS certificate or key: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}` };
  }
  return checkServingCertificate(cert, key, certFile, keyFile);
}

/** Checks a pair already in memory; the file names only go into the message. */
export function checkServingCertificate(cert: string, key: string, certFile: string, keyFile: string): ServingCertificateResult {
  const x509 = parseCertificate(cert);
  const privateKey = parsePrivateKey(key);
  if (!x509) return { ok: false, problem: `${certFile} is not a PEM certificate` };
  if (!privateKey) return { ok: false, problem: `${keyFile} is not a PEM private key` };
  if (!x509.checkPrivateKey(privateKey)) return { ok: false, problem: `the key in ${keyFile} does not belong to the certificate in ${certFile}` };
  return { ok: true, value: { cert, key, serial: x509.serialNumber } };
}

/** Options of `watchServingCertificate`. */
export interface WatchOptions {
  readonly certFile: string;
  readonly keyFile: string;
  /** Poll period (default 10 s, well inside S6's 60 s). */
  readonly intervalMs?: number;
  /** The pair currently served: only a different one is reported. */
  readonly current: ServingCertificate;
  /** Called with each new valid pair. */
  readonly onChange: (next: ServingCertificate) => void;
  readonly logger: Logger;
}

/** A running watcher. */
export interface CertificateWatcher {
  stop(): void;
}

/** Polls the files; reports a new valid pair once, and logs (once per content) a pair it cannot use. */
export function watchServingCertificate(options: WatchOptions): CertificateWatcher {
  let served = fingerprint(options.current);
  let lastRejected = '';
  let busy = false;
  const tick = async (): Promise<void> => {
    const result = await readServingCertificate(options.certFile, options.keyFile);
    if (!result.ok) {
      // A half-replaced pair (new certificate, old key) is normal for a moment: keep serving the old one.
      if (result.problem !== lastRejected) options.logger.warn({ problem: result.problem }, 'not reloading the TLS certificate; still serving the previous one');
      lastRejected = result.problem;
      return;
    }
    lastRejected = '';
    const next = fingerprint(result.value);
    if (next === served) return;
    served = next;
    options.logger.info({ certFile: options.certFile, serial: result.value.serial }, 'TLS certificate changed on disk; serving the new one');
    options.onChange(result.value);
  };
  const timer = setInterval(() => {
    if (busy) return;
    busy = true;
    tick()
      .catch((err: unknown) => options.logger.error({ err }, 'TLS certificate reload failed'))
      .finally(() => (busy = false));
  }, options.intervalMs ?? 10_000);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}

function fingerprint(c: ServingCertificate): string {
  return createHash('sha256').update(c.cert).update('\0').update(c.key).digest('hex');
}
