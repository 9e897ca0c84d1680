// Certificate data sources (docs/gateway.md §1.1 TLS config, §2.13): where a listener's PEM bundle
// comes from and the scope/id its SDS secret is named by. Reading files is the runtime's job
// (this layer does no I/O), so it asks referencedCertificateFiles which paths to read and passes
// their content or read error in GatewayInput.files.
import { decodeBase64 } from '../api/base64.js';
import type { DataSource, MeshGatewayListener } from '../api/mesh-gateway.js';
import type { StoredResource } from '../core/resource.js';
import type { CertificateScope } from '../ir/names.js';
import { compareBytes } from '../core/byte-order.js';
import type { CertificateFile } from './gateway-input.js';

/** Cause prefix of every source that cannot be loaded (docs/gateway.md §4.6). */
export const CERTIFICATE_LOAD_FAILED = 'failed to generate TLS certificate';

/** What loading sources reads: the mesh's Secrets by name and the files the runtime read. */
export interface CertificateSources {
  readonly mesh: string;
  readonly secrets: ReadonlyMap<string, StoredResource<'Secret'>>;
  readonly files: ReadonlyMap<string, CertificateFile>;
}

/** A source loaded as PEM text, with the scope and id of its secret name. */
export interface LoadedSource {
  readonly scope: CertificateScope;
  readonly id: string;
  readonly pem: string;
}

/**
 * True when a listener's certificates are read: a TLS-terminating HTTPS or TLS listener. `tls`
 * on HTTP and TCP listeners is ignored (docs/gateway.md §4.6), PASSTHROUGH needs no key, and a cross-mesh
 * listener uses the mesh identity instead (docs/gateway.md §2.17).
 */
export function readsCertificates(listener: MeshGatewayListener): boolean {
  if (listener.crossMesh || (listener.protocol !== 'HTTPS' && listener.protocol !== 'TLS')) return false;
  return listener.tls?.mode === 'TERMINATE';
}

/** Every `file:` path the given MeshGateways' certificate sources name, ascending, once each. */
export function referencedCertificateFiles(gateways: readonly StoredResource<'MeshGateway'>[]): string[] {
  const paths = new Set<string>();
  for (const gateway of gateways) {
    for (const listener of gateway.spec.conf?.listeners ?? []) {
      if (!readsCertificates(listener)) continue;
      for (const source of listener.tls?.certificates ?? []) if (source.file !== undefined) paths.add(source.file);
    }
  }
  return [...paths].sort(compareBytes);
}

/** The mesh's Secrets by name; Secrets of other meshes are ignored. */
export function certificateSources(
  mesh: string,
  secrets: readonly StoredResource<'Secret'>[],
  files: ReadonlyMap<string, CertificateFile>,
): CertificateSources {
  const byName = new Map<string, StoredResource<'Secret'>>();
  for (const secret of secrets) if (secret.mesh === mesh) byName.set(secret.name, secret);
  return { mesh, secrets: byName, files };
}

/**
 * The PEM text of one source and its secret name parts, or the docs/gateway.md §4.6 error when it cannot be
 * loaded. Inline sources are named after the hostname group that uses them, so the same bytes
 * on two groups give two secrets.
 */
export function loadCertificateSource(
  source: DataSource,
  groupHostname: string,
  sources: CertificateSources,
): LoadedSource | { readonly error: string } {
  if (source.secret !== undefined) return loadSecret(source.secret, sources);
  if (source.file !== undefined) return loadFile(source.file, sources);
  if (source.inline !== undefined) {
    const bytes = decodeBase64(source.inline);
    if (bytes === undefined) return { error: `${CERTIFICATE_LOAD_FAILED}: inline data is not base64` };
    return { scope: 'inline', id: groupHostname, pem: bytes.toString('utf8') };
  }
  if (source.inlineString !== undefined) return { scope: 'inlineString', id: groupHostname, pem: source.inlineString };
  return { error: `${CERTIFICATE_LOAD_FAILED}: the certificate source is empty` };
}

/** A mesh Secret's base64 `data` as PEM text. */
function loadSecret(name: string, sources: CertificateSources): LoadedSource | { readonly error: string } {
  const secret = sources.secrets.get(name);
  if (secret === undefined) {
    return { error: `${CERTIFICATE_LOAD_FAILED}: secret ${JSON.stringify(name)} not found in mesh ${JSON.stringify(sources.mesh)}` };
  }
  const bytes = decodeBase64(secret.spec.data);
  if (bytes === undefined) return { error: `${CERTIFICATE_LOAD_FAILED}: secret ${JSON.stringify(name)} does not hold base64 data` };
  return { scope: 'secret', id: name, pem: bytes.toString('utf8') };
}

/**
 * A file as the runtime read it. A path missing from `files` means the runtime did not read it
 * (it should have, see referencedCertificateFiles); that fails like an unreadable file rather
 * than serving the listener without its certificate.
 */
function loadFile(path: string, sources: CertificateSources): LoadedSource | { readonly error: string } {
  const file = sources.files.get(path);
  if (file === undefined) return { error: `${CERTIFICATE_LOAD_FAILED}: file ${JSON.stringify(path)} was not read` };
  if ('error' in file) return { error: `${CERTIFICATE_LOAD_FAILED}: file ${JSON.stringify(path)}: ${file.error}` };
  return { scope: 'file', id: path, pem: file.content };
}
