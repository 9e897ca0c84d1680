// The control plane's TLS material at start and while running (docs/tls.md): the operator's
// certificate files, or the generated CA and serving certificate in `<data dir>/tls` (a temporary
// directory for in-process control planes without a data directory), a poll that hands a replaced
// certificate to the TLS listeners, and, for generated certificates, a periodic renewal check.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Logger } from 'pino';
import { desiredSubjectAltNames } from '../ca/control-plane-certificate-spec.js';
import { ensureControlPlaneCertificates, issueAdminClientCertificate } from '../ca/control-plane-certificates.js';
import { readServingCertificate, watchServingCertificate, type ServingCertificate } from '../ca/serving-certificate.js';

/** TLS settings of a control plane. */
export interface ControlPlaneTlsConfig {
  /** Serve the dataplane port (5678) without TLS (`cp run --xds-plaintext`). */
  readonly xdsPlaintext: boolean;
  /** The operator's serving certificate and key (both or neither); default: generated. */
  readonly certFile?: string;
  readonly keyFile?: string;
  /** Where generated certificates are kept (default `<dataDir>/tls`; a temporary directory when dataDir is ''). */
  readonly dir?: string;
  /** Names the generated serving certificate carries besides loopback, the host name and the bind addresses. */
  readonly extraSubjectAltNames: readonly string[];
  /** How often the certificate files are checked for a replacement (default 10 s). */
  readonly reloadIntervalMs?: number;
  /** How often a generated serving certificate is checked for renewal (default 1 h). */
  readonly renewCheckIntervalMs?: number;
}

/** The TLS material in use, and the hooks to keep it current. */
export interface ControlPlaneTls {
  /** The pair served now. */
  readonly serving: ServingCertificate;
  readonly certFile: string;
  readonly keyFile: string;
  /** The generated CA proxies and CLIs verify the control plane with (absent for operator files). */
  readonly caFile?: string;
  /** Its PEM text. */
  readonly caPem?: string;
  /** Generated CA only: the client certificate proxies' admin servers admit (docs/inspect.md). */
  readonly adminClient?: { readonly certPem: string; readonly keyPem: string };
  /** Starts reporting replaced certificates to `onChange`. */
  watch(onChange: (next: ServingCertificate) => void): void;
  /** Stops the timers and removes a temporary directory. */
  stop(): void;
}

/** What the TLS setup needs from the control plane's settings. */
export interface TlsSetupInputs {
  readonly tls: ControlPlaneTlsConfig;
  readonly dataDir: string;
  readonly xdsHost: string;
  readonly apiHost: string;
  readonly logger: Logger;
}

/** Loads the operator's pair, or makes sure the generated one is on disk and current. */
export async function prepareControlPlaneTls(inputs: TlsSetupInputs): Promise<ControlPlaneTls> {
  const { tls, logger } = inputs;
  if (!!tls.certFile !== !!tls.keyFile) throw new Error('a TLS certificate file needs its key file and the other way round (--tls-cert-file and --tls-key-file)');
  if (tls.certFile && tls.keyFile) return operatorTls(tls.certFile, tls.keyFile, tls, logger);

  const tempDir = !tls.dir && !inputs.dataDir ? mkdtempSync(path.join(os.tmpdir(), 'portico-cp-tls-')) : undefined;
  const dir = tls.dir ?? tempDir ?? path.join(inputs.dataDir, 'tls');
  const names = desiredSubjectAltNames({ hostname: os.hostname(), xdsHost: inputs.xdsHost, extra: [inputs.apiHost, ...tls.extraSubjectAltNames] });
  const ensure = () => ensureControlPlaneCertificates({ dir, subjectAltNames: names, logger });
  const { files } = await ensure();
  const serving = await mustRead(files.certFile, files.keyFile);
  const adminClient = await issueAdminClientCertificate(dir);
  logger.info({ caFile: files.caFile }, 'control plane CA certificate: give this file to dataplanes (dp run --ca-cert-file) and to the CLI (--ca-cert-file)');
  let renewTimer: NodeJS.Timeout | undefined;
  const base = watching(files.certFile, files.keyFile, serving, tls, logger);
  return {
    ...base,
    caFile: files.caFile,
    caPem: readFileSync(files.caFile, 'utf8'),
    ...(adminClient ? { adminClient } : {}),
    watch(onChange) {
      base.watch(onChange);
      // Renewal writes new files; the poll above then serves them.
      renewTimer = setInterval(() => {
        ensure().catch((err: unknown) => logger.error({ err }, 'renewing the control plane serving certificate failed'));
      }, tls.renewCheckIntervalMs ?? 3_600_000);
      renewTimer.unref();
    },
    stop() {
      base.stop();
      if (renewTimer) clearInterval(renewTimer);
      if (tempDir) rmSync(tempDir, { recursive: true, force: true });
    },
  };
}

async function operatorTls(certFile: string, keyFile: string, tls: ControlPlaneTlsConfig, logger: Logger): Promise<ControlPlaneTls> {
  const serving = await mustRead(certFile, keyFile);
  logger.info({ certFile, serial: serving.serial }, 'serving the TLS certificate from the given files; dataplanes need the CA that signed it');
  return watching(certFile, keyFile, serving, tls, logger);
}

function watching(certFile: string, keyFile: string, serving: ServingCertificate, tls: ControlPlaneTlsConfig, logger: Logger): ControlPlaneTls {
  let stopWatch = (): void => undefined;
  return {
    serving,
    certFile,
    keyFile,
    watch(onChange) {
      const watcher = watchServingCertificate({ certFile, keyFile, current: serving, onChange, logger, ...(tls.reloadIntervalMs ? { intervalMs: tls.reloadIntervalMs } : {}) });
      stopWatch = () => watcher.stop();
    },
    stop: () => stopWatch(),
  };
}

async function mustRead(certFile: string, keyFile: string): Promise<ServingCertificate> {
  const result = await readServingCertificate(certFile, keyFile);
  if (!result.ok) throw new Error(result.problem);
  return result.value;
}
