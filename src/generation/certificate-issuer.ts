// What the engine needs to issue a proxy's workload certificate, read from its mirror
// (docs/mesh-mtls.md §1.6, §2.2, §4.6): the mesh CA and settings certificates are issued with, a proxy's issue
// request, the files a CA is read from, and which services of a PERMISSIVE mesh are TLS ready.
// Pure over the mirror; issuing itself is workload-certificates.ts.
import { parseMeshDuration } from '../api/mesh-duration.js';
import { enabledMtlsBackend } from '../api/mesh-validate.js';
import { remoteServicesOf } from '../mesh/remote-endpoints.js';
import { SERVICE_TAG } from '../api/tags.js';
import { workloadUris } from '../ca/workload-identity.js';
import type { StoredResource } from '../core/resource.js';
import { meshCaFiles, resolveMeshCa, type SourceFile } from '../mesh/mesh-ca-source.js';
import { dataplaneIdentityTags } from '../sidecar/translate-sidecar.js';
import type { ResourceMirror } from './resource-mirror.js';
import type { IssueRequest } from './workload-certificates.js';

/** The mesh CA and settings an identity's certificates are issued with. */
export interface Issuer {
  readonly backend: string;
  readonly caCertPem: string;
  readonly caKeyPem: string;
  readonly lifetimeMs: number;
  readonly settings: string;
}

/** Workload certificate lifetime when the backend sets none (docs/mesh-mtls.md §2.2: 24 h). */
const DEFAULT_WORKLOAD_LIFETIME_MS = 24 * 3_600_000;

/** What certificates of `mesh` are issued from; undefined when its CA cannot be had. */
export function issuerOf(mirror: ResourceMirror, mesh: string, files: ReadonlyMap<string, SourceFile>): Issuer | undefined {
  const meshResource = mirror.get('Mesh', mesh, mesh);
  const ca = meshResource && resolveMeshCa(meshResource, mirror.list('Secret', mesh), files);
  if (!meshResource || !ca?.ok) return undefined;
  const expiration = enabledMtlsBackend(meshResource.spec)?.dpCert?.rotation?.expiration;
  const lifetimeMs = (expiration === undefined ? undefined : parseMeshDuration(expiration)) || DEFAULT_WORKLOAD_LIFETIME_MS;
  return { backend: ca.backend, caCertPem: ca.certPem, caKeyPem: ca.keyPem, lifetimeMs, settings: JSON.stringify(meshResource.spec.mtls ?? {}) };
}

/** The issue request of `proxy`'s certificate named `secretName`, or why it cannot have one. */
export function issueRequestFor(proxy: StoredResource<'Dataplane'>, secretName: string, issuer: Issuer | undefined): { request: IssueRequest } | { error: string } {
  if (!issuer) return { error: 'the mesh CA is unavailable' };
  const uris = workloadUris(proxy.mesh, dataplaneIdentityTags(proxy));
  if (!uris.ok) return { error: uris.message };
  const { backend, caCertPem, caKeyPem, lifetimeMs, settings } = issuer;
  return { request: { secretName, uris: uris.uris, caCertPem, caKeyPem, lifetimeMs, settings, backend } };
}

/** Files any mTLS mesh's CA is read from (provided backends' `file:` sources). */
export function meshCaFilesOf(mirror: ResourceMirror): string[] {
  return mirror.meshNames().flatMap((m) => meshCaFiles(mirror.get('Mesh', m, m)!));
}

/**
 * PERMISSIVE meshes: the services every sidecar of which holds a certificate (docs/mesh-mtls.md §4.6 "TLS
 * readiness", from this control plane's issuance records: `issued` by node id); undefined for
 * other meshes, where it does not matter. A service other zones' ingresses offer is ready unless
 * one of its local sidecars lacks a certificate: its remote endpoints are reached only by mesh
 * TLS, whose SNI the remote ingress routes by (docs/multizone.md).
 */
export function tlsReadyServices(mirror: ResourceMirror, mesh: string, issued: (nodeId: string) => boolean, localZone?: string): string[] | undefined {
  const meshResource = mirror.get('Mesh', mesh, mesh);
  if (!meshResource || enabledMtlsBackend(meshResource.spec)?.mode !== 'PERMISSIVE') return undefined;
  const ready = new Map<string, boolean>();
  for (const dp of mirror.list('Dataplane', mesh)) {
    if (dp.spec.networking.gateway) continue;
    const has = issued(`${mesh}.${dp.name}`);
    for (const inbound of dp.spec.networking.inbound ?? []) {
      const service = inbound.tags[SERVICE_TAG];
      if (service !== undefined) ready.set(service, (ready.get(service) ?? true) && has);
    }
  }
  for (const ingress of mirror.listGlobal('ZoneIngress')) {
    const zone = ingress.spec.zone ?? '';
    if (zone === '' || zone === localZone) continue;
    for (const service of remoteServicesOf(ingress, mesh)) if (!ready.has(service)) ready.set(service, true);
  }
  return [...ready].filter(([, r]) => r).map(([service]) => service).sort();
}

/** One timer, re-armed for the earliest renewal after each generation. */
export class RenewalTimer {
  private timer: NodeJS.Timeout | undefined;

  /** Arms the timer for `at` (ms on the certificates' clock, `now` on it), or disarms it. */
  arm(at: number | undefined, now: number, wake: (() => void) | undefined): void {
    this.cancel();
    if (at === undefined || !wake) return;
    // setTimeout holds at most 2^31-1 ms; a later renewal is re-armed by a later generation.
    this.timer = setTimeout(wake, Math.min(Math.max(0, at - now), 2 ** 31 - 1));
    this.timer.unref();
  }

  cancel(): void {
    clearTimeout(this.timer);
  }
}
