// Where a mesh's CA material comes from (docs/mesh-mtls.md §1.3, §1.4): the two builtin Secrets of the
// enabled backend, or a provided backend's data sources (a mesh Secret, a file, inline base64 or
// an inline string). Pure: files are read by the runtime beforehand, like certificate files.
import { builtinCaCertSecretName, builtinCaKeySecretName, enabledMtlsBackend } from '../api/mesh-validate.js';
import type { StoredResource } from '../core/resource.js';

/** A file's text as the runtime read it, or why it could not be read. */
export type SourceFile = { readonly content: string } | { readonly error: string };

/** A mesh's CA: the trust bundle proxies get and the key the control plane signs with. */
export type MeshCa =
  | { readonly ok: true; readonly backend: string; readonly type: 'builtin' | 'provided'; readonly certPem: string; readonly keyPem: string }
  | { readonly ok: false; readonly message: string };

/** A provided CA's data source (exactly one field set, as validation ensures). */
interface DataSource {
  readonly secret?: string;
  readonly file?: string;
  readonly inline?: string;
  readonly inlineString?: string;
  readonly inline_string?: string;
}

/** The files a mesh's CA is read from (a provided backend's `file:` sources), sorted. */
export function meshCaFiles(mesh: StoredResource<'Mesh'>): string[] {
  const backend = enabledMtlsBackend(mesh.spec);
  if (backend?.type !== 'provided') return [];
  const conf = (backend.conf ?? {}) as Readonly<Record<string, DataSource | undefined>>;
  return [conf['cert']?.file, conf['key']?.file].filter((f): f is string => typeof f === 'string').sort();
}

/** The Secrets a mesh's CA is read from, by name. */
export function meshCaSecretNames(mesh: StoredResource<'Mesh'>): string[] {
  const backend = enabledMtlsBackend(mesh.spec);
  if (!backend) return [];
  if (backend.type === 'builtin') return [builtinCaCertSecretName(mesh.name, backend.name), builtinCaKeySecretName(mesh.name, backend.name)];
  const conf = (backend.conf ?? {}) as Readonly<Record<string, DataSource | undefined>>;
  return [conf['cert']?.secret, conf['key']?.secret].filter((s): s is string => typeof s === 'string');
}

/**
 * The CA of a mesh with mTLS on; undefined when mTLS is off. `secrets` are the mesh's Secrets,
 * `files` at least the paths meshCaFiles names.
 */
export function resolveMeshCa(
  mesh: StoredResource<'Mesh'>,
  secrets: readonly StoredResource<'Secret'>[],
  files: ReadonlyMap<string, SourceFile>,
): MeshCa | undefined {
  const backend = enabledMtlsBackend(mesh.spec);
  if (!backend) return undefined;
  const secret = (name: string) => secrets.find((s) => s.name === name);
  if (backend.type === 'builtin') {
    const cert = secret(builtinCaCertSecretName(mesh.name, backend.name));
    const key = secret(builtinCaKeySecretName(mesh.name, backend.name));
    if (!cert || !key) return { ok: false, message: `the builtin CA of backend ${JSON.stringify(backend.name)} of mesh ${JSON.stringify(mesh.name)} is not created yet` };
    return { ok: true, backend: backend.name, type: 'builtin', certPem: decode(cert.spec.data), keyPem: decode(key.spec.data) };
  }
  if (backend.type !== 'provided') return { ok: false, message: `mesh ${JSON.stringify(mesh.name)}: CA backend type ${JSON.stringify(backend.type)} is not supported` };
  const conf = (backend.conf ?? {}) as Readonly<Record<string, DataSource | undefined>>;
  const cert = loadSource(conf['cert'], 'cert', mesh.name, secret, files);
  const key = loadSource(conf['key'], 'key', mesh.name, secret, files);
  if (!cert.ok) return cert;
  if (!key.ok) return key;
  return { ok: true, backend: backend.name, type: 'provided', certPem: cert.text, keyPem: key.text };
}

function loadSource(
  source: DataSource | undefined,
  part: 'cert' | 'key',
  mesh: string,
  secret: (name: string) => StoredResource<'Secret'> | undefined,
  files: ReadonlyMap<string, SourceFile>,
): { ok: true; text: string } | { ok: false; message: string } {
  const where = `the provided CA ${part} of mesh ${JSON.stringify(mesh)}`;
  if (!source) return { ok: false, message: `${where} is not defined` };
  if (source.secret !== undefined) {
    const found = secret(source.secret);
    return found ? { ok: true, text: decode(found.spec.data) } : { ok: false, message: `${where}: secret ${JSON.stringify(source.secret)} not found` };
  }
  if (source.file !== undefined) {
    const file = files.get(source.file);
    if (!file) return { ok: false, message: `${where}: file ${JSON.stringify(source.file)} was not read` };
    return 'content' in file ? { ok: true, text: file.content } : { ok: false, message: `${where}: cannot read file ${JSON.stringify(source.file)}: ${file.error}` };
  }
  if (source.inline !== undefined) return { ok: true, text: decode(source.inline) };
  const inline = source.inlineString ?? source.inline_string;
  return inline !== undefined ? { ok: true, text: inline } : { ok: false, message: `${where} has no source` };
}

function decode(base64: string): string {
  return Buffer.from(base64, 'base64').toString('utf8');
}
