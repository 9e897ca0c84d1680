// The workload certificates the control plane has issued, one per proxy (docs/mesh-mtls.md §1.6, §2.2;
// docs/xds-server.md §18). A certificate is reissued when 80 % of its lifetime has passed, or when what
// it was issued from changes: the proxy's URIs (its identity tags), the mesh CA, or the mesh's
// mTLS settings (folded into one fingerprint). Certificates live in memory only, like Kuma's: a
// restarted control plane issues new ones. Keys are generated on the thread pool (ca/x509.ts) and
// signed natively, so issuing never stalls the event loop for long; concurrent requests for one
// proxy share one issuance.
import { createHash, createPrivateKey } from 'node:crypto';
import { issueWorkloadCertificate } from '../ca/mesh-ca.js';
import { TypeUrl } from '../xds/cache/resource-types.js';
import type { VersionedResource } from '../xds/cache/snapshot.js';
import { resourceVersion } from '../xds/cache/version.js';
import { encodeResource } from '../xds/envoy/encode.js';
import { buildIdentitySecret } from '../xds/translator/mesh-tls.js';

/** Share of the lifetime after which a certificate is renewed (Kuma: 80 %). */
export const RENEWAL_FRACTION = 0.8;

/** What a proxy's certificate is issued from. */
export interface IssueRequest {
  /** SDS name of the identity secret, `identity_cert:secret:<mesh>`. */
  readonly secretName: string;
  readonly uris: readonly string[];
  readonly caCertPem: string;
  readonly caKeyPem: string;
  readonly lifetimeMs: number;
  /** The mesh's mTLS settings as text: any change reissues. */
  readonly settings: string;
  /** The CA backend issuing it (DataplaneInsight.mTLS.issuedBackend). */
  readonly backend?: string;
}

/** Kuma's `DataplaneInsight.mTLS` of one proxy, in its JSON form. */
export interface CertificateInsight {
  readonly certificateExpirationTime: string;
  readonly lastCertificateRegeneration: string;
  readonly certificateRegenerations: number;
  readonly issuedBackend?: string;
  readonly supportedBackends?: readonly string[];
}

/** One issued certificate and its SDS resource, encoded once. */
export interface IssuedCertificate {
  readonly fingerprint: string;
  readonly notBefore: number;
  readonly notAfter: number;
  /** When it is due for renewal. */
  readonly renewAt: number;
  /** The encoded `identity_cert:secret:<mesh>` Secret. */
  readonly secret: VersionedResource;
  readonly issuedAt: number;
  readonly backend?: string;
}

/** Counters for status and benchmarks. */
export interface CertificateStats {
  issued: number;
  failures: number;
  /** Wall time of the last issuance (key generation included). */
  lastIssueMs: number;
}

/** The fingerprint of a request: equal fingerprints need no new certificate. */
export function requestFingerprint(request: IssueRequest): string {
  return createHash('sha256')
    .update(request.secretName)
    .update('\0')
    .update(request.uris.join('\n'))
    .update('\0')
    .update(request.caCertPem)
    .update('\0')
    .update(request.settings)
    .update('\0')
    .update(String(request.lifetimeMs))
    .digest('base64');
}

/** Issued certificates by node id; see the file header. */
export class WorkloadCertificates {
  readonly stats: CertificateStats = { issued: 0, failures: 0, lastIssueMs: 0 };
  private readonly issued = new Map<string, IssuedCertificate>();
  private readonly pending = new Map<string, { fingerprint: string; promise: Promise<IssuedCertificate> }>();
  /** Due certificates of disconnected proxies: renewed when they reconnect, never waking anyone. */
  private readonly parked = new Set<string>();
  /** Issuances per proxy since it appeared (kept across renewals, dropped with the proxy). */
  private readonly regenerations = new Map<string, number>();

  constructor(readonly now: () => number = Date.now) {}

  /** The proxy's certificate when it matches `fingerprint` and is not due; else undefined. */
  current(nodeId: string, fingerprint: string): IssuedCertificate | undefined {
    const cert = this.issued.get(nodeId);
    return cert && cert.fingerprint === fingerprint && this.now() < cert.renewAt ? cert : undefined;
  }

  /** The proxy's current certificate, issuing a new one when it has none that fits `request`. */
  async ensure(nodeId: string, request: IssueRequest): Promise<IssuedCertificate> {
    const fingerprint = requestFingerprint(request);
    const current = this.current(nodeId, fingerprint);
    if (current) return current;
    const inFlight = this.pending.get(nodeId);
    if (inFlight?.fingerprint === fingerprint) return inFlight.promise;
    const promise = this.issue(nodeId, request, fingerprint);
    this.pending.set(nodeId, { fingerprint, promise });
    try {
      return await promise;
    } finally {
      if (this.pending.get(nodeId)?.promise === promise) this.pending.delete(nodeId);
    }
  }

  /** Whether the proxy holds a certificate (current or not): TLS readiness counts issuance. */
  has(nodeId: string): boolean {
    return this.issued.has(nodeId);
  }

  /** Forgets a proxy's certificate (the proxy is gone). */
  drop(nodeId: string): void {
    this.issued.delete(nodeId);
    this.parked.delete(nodeId);
    this.regenerations.delete(nodeId);
  }

  /** What Kuma reports as `DataplaneInsight.mTLS`; undefined when no certificate was issued. */
  insight(nodeId: string): CertificateInsight | undefined {
    const cert = this.issued.get(nodeId);
    if (!cert) return undefined;
    return {
      certificateExpirationTime: new Date(cert.notAfter).toISOString(),
      lastCertificateRegeneration: new Date(cert.issuedAt).toISOString(),
      certificateRegenerations: this.regenerations.get(nodeId) ?? 0,
      ...(cert.backend !== undefined ? { issuedBackend: cert.backend, supportedBackends: [cert.backend] } : {}),
    };
  }

  /** The earliest renewal time of the certificates held (parked ones excepted), if any. */
  nextRenewal(): number | undefined {
    let next: number | undefined;
    for (const [id, cert] of this.issued) if (!this.parked.has(id) && (next === undefined || cert.renewAt < next)) next = cert.renewAt;
    return next;
  }

  /** Node ids whose certificate is due for renewal now (parked ones excepted). */
  due(): string[] {
    const now = this.now();
    return [...this.issued].filter(([id, c]) => c.renewAt <= now && !this.parked.has(id)).map(([id]) => id);
  }

  /**
   * A due certificate of a disconnected proxy: it is left out of `due` and `nextRenewal` until a
   * new one is issued (when the proxy reconnects), so that it wakes no one meanwhile.
   */
  park(nodeId: string): void {
    if (this.issued.has(nodeId)) this.parked.add(nodeId);
  }

  private async issue(nodeId: string, request: IssueRequest, fingerprint: string): Promise<IssuedCertificate> {
    const started = performance.now();
    try {
      const now = new Date(this.now());
      const ca = { certPem: request.caCertPem, key: createPrivateKey(request.caKeyPem) };
      const cert = await issueWorkloadCertificate(ca, request.uris, { lifetimeMs: request.lifetimeMs, now });
      const bytes = encodeResource(TypeUrl.Secret, buildIdentitySecret(request.secretName, cert.certPem, cert.keyPem));
      const notBefore = cert.notBefore.getTime();
      const notAfter = cert.notAfter.getTime();
      // 80 % of the requested lifetime from issuance (the 10 s of back-dating not counted).
      const issued: IssuedCertificate = {
        fingerprint,
        notBefore,
        notAfter,
        renewAt: now.getTime() + Math.floor(request.lifetimeMs * RENEWAL_FRACTION),
        secret: { name: request.secretName, bytes, version: resourceVersion(bytes) },
        issuedAt: now.getTime(),
        ...(request.backend !== undefined ? { backend: request.backend } : {}),
      };
      this.issued.set(nodeId, issued);
      this.parked.delete(nodeId);
      this.regenerations.set(nodeId, (this.regenerations.get(nodeId) ?? 0) + 1);
      this.stats.issued += 1;
      return issued;
    } catch (err) {
      this.stats.failures += 1;
      throw new Error(`issue the workload certificate of ${nodeId}`, { cause: err });
    } finally {
      this.stats.lastIssueMs = performance.now() - started;
    }
  }
}
