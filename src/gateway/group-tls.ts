// TLS of one HTTPS or TLS hostname group (docs/gateway.md §2.6, §2.13, §2.14, §4.6): the mode and,
// when terminating, the certificates of the group's first listener, loaded, parsed and named.
// Every problem here is a generation-time error: it fails the whole gateway, never one group.
import { parseCertificateBundle, type CertificateBundle } from '../api/pem.js';
import type { Result } from '../api/violation.js';
import type { GroupTls, TlsCertificate } from '../ir/gateway.js';
import { certificateSecretName } from '../ir/names.js';
import { loadCertificateSource, type CertificateSources } from './certificate-sources.js';
import type { ListenerView } from './collapse-listeners.js';

/** Reports a generation-time error of the MeshGateway; the translation then fails. */
export type FailGeneration = (message: string) => void;

/**
 * The certificates of one translation. Each distinct PEM text is parsed once however many
 * groups use it, and each secret name is bound to the PEM it was first made from: Envoy gets one
 * SDS Secret per name, so one name must never carry two bundles.
 */
export class CertificateRegistry {
  private readonly parsed = new Map<string, Result<CertificateBundle>>();
  private readonly byName = new Map<string, TlsCertificate>();

  /** Registry over the mesh's Secrets and the files the runtime read. */
  constructor(readonly sources: CertificateSources) {}

  /** The parsed bundle of `pem`, from the cache when already seen. */
  parse(pem: string): Result<CertificateBundle> {
    let result = this.parsed.get(pem);
    if (result === undefined) {
      result = parseCertificateBundle(pem);
      this.parsed.set(pem, result);
    }
    return result;
  }

  /** Bind the certificate's name to its PEM; false when the name already carries other PEM. */
  claim(certificate: TlsCertificate): boolean {
    const seen = this.byName.get(certificate.secretName);
    if (seen === undefined) {
      this.byName.set(certificate.secretName, certificate);
      return true;
    }
    return seen.certificateChainPem === certificate.certificateChainPem && seen.privateKeyPem === certificate.privateKeyPem;
  }
}

/**
 * The TLS of a group, from `first`, the listener that created it (docs/gateway.md §2.6). TERMINATE resolves every
 * certificate source; PASSTHROUGH resolves none (routing uses the SNI only). Undefined after
 * reporting through `fail` when the group cannot be generated.
 */
export function groupTls(
  protocol: 'HTTPS' | 'TLS',
  first: ListenerView,
  groupHostname: string,
  registry: CertificateRegistry,
  fail: FailGeneration,
): GroupTls | undefined {
  const at = `conf.listeners[${first.index}].tls`;
  const tls = first.listener.tls;
  if (tls === undefined || tls.mode === 'NONE') {
    fail(`${tls === undefined ? at : `${at}.mode`}: unsupported TLS mode "NONE"`);
    return undefined;
  }
  if (tls.mode === 'PASSTHROUGH') {
    // Validation rejects this on HTTPS; an HTTPS chain must terminate to reach its route table.
    if (protocol === 'HTTPS') {
      fail(`${at}.mode: mode is not supported on HTTPS listeners`);
      return undefined;
    }
    return { mode: 'PASSTHROUGH', certificates: [] };
  }
  if (tls.certificates.length === 0) {
    fail(`${at}.certificates: cannot be empty in TLS termination mode`);
    return undefined;
  }
  const certificates = resolveCertificates(first, groupHostname, registry, fail);
  return certificates && { mode: 'TERMINATE', certificates };
}

/** Every certificate source of a terminating listener, in source order; undefined on any error. */
function resolveCertificates(
  first: ListenerView,
  groupHostname: string,
  registry: CertificateRegistry,
  fail: FailGeneration,
): TlsCertificate[] | undefined {
  const certificates: TlsCertificate[] = [];
  let failed = false;
  const report = (message: string): void => {
    failed = true;
    fail(message);
  };
  (first.listener.tls?.certificates ?? []).forEach((source, j) => {
    const where = `conf.listeners[${first.index}].tls.certificates[${j}]`;
    const loaded = loadCertificateSource(source, groupHostname, registry.sources);
    if ('error' in loaded) return report(`${where}: ${loaded.error}`);
    const bundle = registry.parse(loaded.pem);
    if (!bundle.ok) {
      for (const v of bundle.violations) report(`${where}: ${v.field === '' ? '' : `${v.field}: `}${v.message}`);
      return;
    }
    const certificate: TlsCertificate = {
      secretName: certificateSecretName(bundle.value.keyType, loaded.scope, loaded.id),
      certificateChainPem: bundle.value.certificateChainPem,
      privateKeyPem: bundle.value.privateKeyPem,
    };
    const clash = chainClash(certificate, bundle.value.keyType, certificates, registry);
    if (clash !== undefined) return report(`${where}: ${clash}`);
    certificates.push(certificate);
  });
  return failed ? undefined : certificates;
}

/**
 * Why `certificate` cannot join the chain, if it cannot. Two sources of one chain giving one
 * secret name is docs/gateway.md §4.6's case. A chain holds at most one key of each type (§1.1: with two
 * sources, one RSA and one ECDSA), worded as the MeshGateway validator words it for inline
 * sources. And one name must not carry different PEM elsewhere in the gateway: two inline
 * sources on ports sharing a hostname would otherwise overwrite each other's Secret.
 */
function chainClash(
  certificate: TlsCertificate,
  keyType: 'rsa' | 'ecdsa',
  chain: readonly TlsCertificate[],
  registry: CertificateRegistry,
): string | undefined {
  const name = JSON.stringify(certificate.secretName);
  if (chain.some((c) => c.secretName === certificate.secretName)) return `duplicate TLS certificate ${name}`;
  const sameType = chain.find((c) => c.secretName.startsWith(`cert.${keyType}:`));
  if (sameType !== undefined) {
    return `duplicate TLS certificate ${name}: ${JSON.stringify(sameType.secretName)} also holds an ${keyType.toUpperCase()} key`;
  }
  if (!registry.claim(certificate)) return `duplicate TLS certificate ${name}: another listener serves different PEM under this name`;
  return undefined;
}
