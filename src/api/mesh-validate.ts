// Semantic checks of a Mesh (docs/mesh-mtls.md §1.2): the resource checks and the CA backends' own checks
// that need nothing but the resource. Checks that load CA material (a provided CA's certificate
// and key) need the store and run where the write happens. Messages and paths are Kuma's, except
// the builtin backend's name, reported at `mtls.backends[i].name` instead of Kuma's doubled path
// (difference M2).
import { fieldPath, indexPath } from './field-path.js';
import { parseMeshDuration } from './mesh-duration.js';
import { validateLogging, validateTracing } from './mesh-observability.js';
import type { MeshMtlsBackend, MeshSpec } from './mesh.js';
import type { SpecContext } from './kinds/descriptor.js';
import type { Violation } from './violation.js';

/** The CA backend types Portico ships (Kuma's open-source plugins). */
export const CA_BACKEND_TYPES = ['builtin', 'provided'] as const;

/** Longest Mesh name: Kuma's limit, which keeps derived names within DNS label lengths. */
export const MAX_MESH_NAME_LENGTH = 63;

/** Smallest and largest root key a builtin CA may ask for (Kuma sets no bounds; docs/mesh-mtls.md). */
export const MIN_CA_RSA_BITS = 2048;
export const MAX_CA_RSA_BITS = 8192;

/** Name of the Secret holding a builtin CA's certificate: `<mesh>.ca-builtin-cert-<backend>`. */
export function builtinCaCertSecretName(mesh: string, backend: string): string {
  return `${mesh}.ca-builtin-cert-${backend}`;
}

/** Name of the Secret holding a builtin CA's private key: `<mesh>.ca-builtin-key-<backend>`. */
export function builtinCaKeySecretName(mesh: string, backend: string): string {
  return `${mesh}.ca-builtin-key-${backend}`;
}

/** Whether a Secret of `mesh` is one of its builtin CAs' (created with the Mesh, deleted with it). */
export function isBuiltinCaSecret(mesh: string, secret: string): boolean {
  return secret.startsWith(`${mesh}.ca-builtin-cert-`) || secret.startsWith(`${mesh}.ca-builtin-key-`);
}

/** The enabled backend of a mesh, when mTLS is on (a non-empty `enabledBackend` naming one). */
export function enabledMtlsBackend(spec: MeshSpec): MeshMtlsBackend | undefined {
  const name = spec.mtls?.enabledBackend;
  if (name === undefined || name === '') return undefined;
  return spec.mtls?.backends?.find((b) => b.name === name);
}

/** Every violation of a decoded Mesh spec named `context.name`. */
export function validateMesh(spec: MeshSpec, context: SpecContext): Violation[] {
  const violations: Violation[] = [];
  if (context.name.length > MAX_MESH_NAME_LENGTH) violations.push({ field: 'name', message: `cannot be longer than ${MAX_MESH_NAME_LENGTH} characters` });
  const mtls = spec.mtls;
  const backends = mtls?.backends ?? [];
  if (backends.length > 1) violations.push({ field: 'mtls.backends', message: 'cannot have more than 1 backends' });
  const seen = new Set<string>();
  backends.forEach((backend, i) => {
    const path = indexPath('mtls.backends', i);
    if (seen.has(backend.name)) violations.push({ field: fieldPath(path, 'name'), message: `${JSON.stringify(backend.name)} name is already used for another backend` });
    seen.add(backend.name);
    violations.push(...backendViolations(backend, path, context.name, mtls?.skipValidation === true));
  });
  const enabled = mtls?.enabledBackend ?? '';
  if (enabled !== '' && !backends.some((b) => b.name === enabled)) {
    violations.push({ field: 'mtls.enabledBackend', message: 'has to be set to one of the backends in the mesh' });
  }
  violations.push(...validateLogging(spec.logging), ...validateTracing(spec.tracing));
  if (spec.routing?.zoneEgress === true && enabled === '') violations.push({ field: 'mtls', message: 'has to be set when zoneEgress enabled' });
  return violations;
}

/**
 * Violations of replacing `previous` by `next`: the CA may not change while mTLS stays on, since
 * proxies issued by the old CA would stop trusting the new ones (disable, change, enable instead).
 */
export function validateMeshUpdate(previous: MeshSpec, next: MeshSpec): Violation[] {
  const before = previous.mtls?.enabledBackend ?? '';
  const after = next.mtls?.enabledBackend ?? '';
  if (before === '' || after === '' || before === after) return [];
  return [{ field: 'mtls.enabledBackend', message: 'Changing CA when mTLS is enabled is forbidden. Disable mTLS first and then change the CA' }];
}

function backendViolations(backend: MeshMtlsBackend, path: string, mesh: string, skipPluginChecks: boolean): Violation[] {
  const violations: Violation[] = [];
  const dpCert = backend.dpCert;
  if (dpCert !== undefined && parseMeshDuration(dpCert.rotation?.expiration ?? '') === undefined) {
    // Kuma's spelling: lower-case `dpcert` at the mtls level.
    violations.push({ field: 'mtls.dpcert.rotation.expiration', message: 'has to be a valid format' });
  }
  if (!(CA_BACKEND_TYPES as readonly string[]).includes(backend.type)) {
    violations.push({ field: fieldPath(path, 'type'), message: 'could not find installed plugin for this type' });
    return violations;
  }
  if (skipPluginChecks) return violations;
  if (backend.type === 'builtin') violations.push(...builtinViolations(backend, path, mesh));
  else violations.push(...providedViolations(backend, path));
  return violations;
}

/** A lower-case DNS name (RFC 1123 subdomain): what a Kubernetes Secret name must be. */
const DNS_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

function builtinViolations(backend: MeshMtlsBackend, path: string, mesh: string): Violation[] {
  const violations: Violation[] = [];
  const secretName = builtinCaCertSecretName(mesh, backend.name);
  if (mesh !== '' && secretName.length > 255) violations.push({ field: fieldPath(path, 'name'), message: 'Backend name is too long. Max length: 255' });
  else if (mesh !== '' && !DNS_NAME.test(secretName)) violations.push({ field: fieldPath(path, 'name'), message: `${JSON.stringify(backend.name)} name must be valid dns name` });
  const conf = builtinCaConf(backend.conf);
  if (!conf.ok) violations.push({ field: fieldPath(path, 'conf'), message: `could not convert backend config: ${conf.message}` });
  else violations.push(...conf.violations.map((v) => ({ ...v, field: fieldPath(fieldPath(path, 'conf'), v.field) })));
  return violations;
}

/** A builtin CA's settings, with Kuma's defaults (docs/mesh-mtls.md §1.3). */
export interface BuiltinCaSettings {
  readonly rsaBits: number;
  readonly lifetimeMs: number;
}

/** Default builtin root: RSA 2048, ten years of 365 days. */
export const DEFAULT_BUILTIN_CA: BuiltinCaSettings = { rsaBits: 2048, lifetimeMs: 10 * 365 * 86_400_000 };

type BuiltinConf =
  | { readonly ok: true; readonly settings: BuiltinCaSettings; readonly violations: readonly Violation[] }
  | { readonly ok: false; readonly message: string };

/**
 * Reads `conf: {caCert: {RSAbits, expiration}}` (proto JSON: `caCert` or `ca_cert`). A shape that
 * does not convert is one message, as Kuma's; values that convert but are unusable are violations
 * at their paths (relative to `conf`).
 */
export function builtinCaConf(conf: Readonly<Record<string, unknown>> | undefined): BuiltinConf {
  const unknown = unknownFields(conf ?? {}, ['caCert', 'ca_cert']);
  if (unknown) return { ok: false, message: unknown };
  const caCert = conf?.['caCert'] ?? conf?.['ca_cert'];
  if (caCert === undefined || caCert === null) return { ok: true, settings: DEFAULT_BUILTIN_CA, violations: [] };
  if (!isObject(caCert)) return { ok: false, message: 'caCert: must be an object' };
  const unknownInner = unknownFields(caCert, ['RSAbits', 'expiration']);
  if (unknownInner) return { ok: false, message: `caCert: ${unknownInner}` };
  const bits = caCert['RSAbits'] ?? DEFAULT_BUILTIN_CA.rsaBits;
  if (typeof bits !== 'number' || !Number.isInteger(bits) || bits < 0 || bits > 0xffffffff) return { ok: false, message: 'caCert.RSAbits: must be an unsigned 32-bit integer' };
  const expiration = caCert['expiration'] ?? '';
  if (typeof expiration !== 'string') return { ok: false, message: 'caCert.expiration: must be a string' };
  const violations: Violation[] = [];
  if (bits < MIN_CA_RSA_BITS || bits > MAX_CA_RSA_BITS) {
    violations.push({ field: 'caCert.RSAbits', message: `must be between ${MIN_CA_RSA_BITS} and ${MAX_CA_RSA_BITS}` });
  }
  const lifetime = expiration === '' ? DEFAULT_BUILTIN_CA.lifetimeMs : parseMeshDuration(expiration);
  if (lifetime === undefined || lifetime === 0) violations.push({ field: 'caCert.expiration', message: 'has to be a valid format' });
  return { ok: true, settings: { rsaBits: bits, lifetimeMs: lifetime ?? 0 }, violations };
}

/** Where a provided CA's certificate or key is read from: exactly one field set. */
const DATA_SOURCE_FIELDS = ['secret', 'file', 'inline', 'inlineString'] as const;

function providedViolations(backend: MeshMtlsBackend, path: string): Violation[] {
  const conf = backend.conf ?? {};
  const confPath = fieldPath(path, 'conf');
  const unknown = unknownFields(conf, ['cert', 'key']);
  if (unknown) return [{ field: confPath, message: `could not convert backend config: ${unknown}` }];
  return (['cert', 'key'] as const).flatMap((part) => dataSourceViolations(conf[part], fieldPath(confPath, part)));
}

function dataSourceViolations(source: unknown, path: string): Violation[] {
  if (source === undefined || source === null) return [{ field: path, message: 'has to be defined' }];
  if (!isObject(source)) return [{ field: path, message: 'must be an object' }];
  const normalised = 'inline_string' in source ? { ...source, inlineString: source['inline_string'] } : source;
  const unknown = unknownFields(source, [...DATA_SOURCE_FIELDS, 'inline_string']);
  if (unknown) return [{ field: path, message: unknown }];
  const set = DATA_SOURCE_FIELDS.filter((f) => normalised[f] !== undefined && normalised[f] !== null);
  if (set.length !== 1) return [{ field: path, message: `has to have exactly one of ${DATA_SOURCE_FIELDS.join(', ')}` }];
  const value = normalised[set[0]!];
  if (typeof value !== 'string' || value === '') return [{ field: fieldPath(path, set[0]!), message: 'has to be a non-empty string' }];
  return [];
}

function unknownFields(object: Readonly<Record<string, unknown>>, known: readonly string[]): string | undefined {
  const extra = Object.keys(object).find((k) => !known.includes(k));
  return extra === undefined ? undefined : `unknown field ${JSON.stringify(extra)}`;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
