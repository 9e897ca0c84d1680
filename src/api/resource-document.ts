// Whole resource documents in the two forms users write them:
//
//   universal:  {type, name, mesh, labels?, creationTime?, modificationTime?, ...spec}
//   Kubernetes: {apiVersion: kuma.io/v1alpha1, kind, metadata: {name, labels, ...}, mesh?, spec}
//   Kubernetes Secret: {apiVersion: v1, kind: Secret, type: system.kuma.io/secret,
//                       metadata: {name, labels: {kuma.io/mesh}}, data: {value: <base64>}}
//
// Spec violations carry paths relative to the spec in both forms (docs/gateway.md §4.1 paths have no
// `spec.` prefix); violations about the document itself name the document field (`metadata.name`).

import { keyPath } from './field-path.js';
import { field, freeform, integer, listOf, mapOf, object, text, type ObjectSchema } from './schema.js';
import { decode, isPlainObject, setOwn } from './schema-decode.js';
import { KUMA_API_VERSION } from './kinds/descriptor.js';
import { SECRET } from './kinds/secret.js';
import {
  isGlobalKind,
  isResourceKindName,
  kindDescriptor,
  parseSpec,
  RESOURCE_KIND_NAMES,
  SECRET_FORM_KINDS,
  type ResourceKindName,
  type SpecByKind,
} from './resource-kinds.js';
import { fail, ok, type Result, type Violation } from './violation.js';

export { parseSpec, RESOURCE_KIND_NAMES, type ResourceKindName, type SpecByKind } from './resource-kinds.js';
export { KUMA_API_VERSION } from './kinds/descriptor.js';

/** A parsed resource of kind K: identity, labels and the normalised spec. */
export interface ParsedResourceOf<K extends ResourceKindName> {
  readonly kind: K;
  /** The mesh it lives in; for a Mesh, its own name. */
  readonly mesh: string;
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly spec: SpecByKind[K];
}

/** A parsed resource; narrowing on `kind` types `spec`. */
export type ParsedResource = { [K in ResourceKindName]: ParsedResourceOf<K> }[ResourceKindName];

/** Mesh of a mesh-scoped Kubernetes object that names none, as Kuma does. */
export const DEFAULT_MESH = 'default';
/** API version of the Kubernetes Secret that carries a Kuma Secret. */
export const KUBERNETES_SECRET_API_VERSION = 'v1';
/** Kubernetes kind of the core/v1 Secret that carries a Kuma Secret or GlobalSecret. */
export const KUBERNETES_SECRET_KIND = 'Secret';
/** Label naming the mesh of a Kubernetes object. */
export const MESH_LABEL = 'kuma.io/mesh';
/** Longest resource name accepted (a DNS subdomain's limit, also Kubernetes' limit). */
export const MAX_NAME_LENGTH = 253;

// Kuma's universal mode accepts more than Kubernetes' lowercase DNS subdomains; Portico accepts
// letters of both cases, digits, `.`, `-` and `_`, starting and ending alphanumeric. That covers
// every Kubernetes name and the usual universal names (`edge-gateway_1`), and keeps names safe in
// URLs, Envoy resource names and SQL keys.
const NAME = /^[a-zA-Z0-9]([a-zA-Z0-9._-]*[a-zA-Z0-9])?$/;
const NAME_MESSAGE = 'must consist of alphanumeric characters, ".", "-" or "_", and start and end with an alphanumeric character';

/**
 * Output-only fields of Kuma's universal form, accepted and ignored so that `get` output applies:
 * the times, and `kri` (the resource identifier Kuma 2.11+ prints, which kumactl 2.x sends back
 * on apply and Kuma's server ignores).
 */
export const UNIVERSAL_IGNORED: readonly string[] = ['creationTime', 'modificationTime', 'kri'];

const LABELS_SCHEMA = mapOf(text());

/** Kubernetes ObjectMeta as kubectl prints it; only name and labels are used. */
export const OBJECT_META_SCHEMA: ObjectSchema = object(
  'Kubernetes object metadata.',
  {
    name: field(text(), 'Object name.'),
    generateName: field(text(), 'Name prefix for generated names.'),
    namespace: field(text(), 'Namespace; these kinds are cluster-scoped on Kubernetes, so it is ignored.'),
    labels: field(LABELS_SCHEMA, 'Labels; kuma.io/mesh names the mesh.'),
    annotations: field(mapOf(text()), 'Annotations.'),
    uid: field(text(), 'Server-assigned identity.'),
    resourceVersion: field(text(), 'Server-assigned version.'),
    generation: field(integer('int64'), 'Server-assigned generation.'),
    creationTimestamp: field(text(), 'Server-assigned creation time.'),
    deletionTimestamp: field(text(), 'Server-assigned deletion time.'),
    deletionGracePeriodSeconds: field(integer('int64'), 'Grace period of a pending deletion.'),
    selfLink: field(text(), 'Deprecated server-assigned link.'),
    finalizers: field(listOf(text()), 'Finalizers.'),
    ownerReferences: field(listOf(freeform()), 'Owners.'),
    managedFields: field(listOf(freeform()), 'Server-side apply bookkeeping.'),
  },
  { snakeCase: false },
);

/** Parses a universal or Kubernetes document into a typed resource, or every violation found. */
export function parseResourceDocument(doc: unknown): Result<ParsedResource> {
  if (!isPlainObject(doc)) return fail([{ field: '', message: 'must be an object' }]);
  const kubernetes = Object.hasOwn(doc, 'apiVersion') || Object.hasOwn(doc, 'kind');
  return kubernetes ? parseKubernetes(doc) : parseUniversal(doc);
}

/** Identity read from the document before the spec is parsed. */
interface Header {
  readonly kind: ResourceKindName | undefined;
  readonly name: string;
  readonly mesh: string;
  readonly labels: Readonly<Record<string, string>>;
}

function parseUniversal(doc: Record<string, unknown>): Result<ParsedResource> {
  const violations: Violation[] = [];
  const kind = checkKind(doc['type'], 'type', violations);
  const name = checkName(doc['name'], 'name', violations);
  const labels = decodeLabels(doc['labels'], 'labels', violations);
  const meshScoped = kind !== undefined && !isGlobalKind(kind);
  // A global kind has no `mesh` field: left in the spec, it is reported as an unknown field there.
  const mesh = meshScoped ? checkName(doc['mesh'], 'mesh', violations) : name;
  const consumed = new Set(['type', 'name', 'labels', ...UNIVERSAL_IGNORED, ...(meshScoped ? ['mesh'] : [])]);
  const spec: Record<string, unknown> = {};
  for (const key of Object.keys(doc)) {
    if (!consumed.has(key)) setOwn(spec, key, doc[key]);
  }
  return finish({ kind, name, mesh, labels }, spec, violations);
}

const KUBERNETES_TOP_LEVEL = ['apiVersion', 'kind', 'metadata', 'spec', 'mesh'];

function parseKubernetes(doc: Record<string, unknown>): Result<ParsedResource> {
  if (doc['kind'] === KUBERNETES_SECRET_KIND) return parseKubernetesSecret(doc);
  const violations: Violation[] = [];
  checkApiVersion(doc['apiVersion'], KUMA_API_VERSION, violations);
  const kind = checkKind(doc['kind'], 'kind', violations);
  const descriptor = kind === undefined ? undefined : kindDescriptor(kind);
  if (descriptor?.kubernetes.form === 'secret') {
    violations.push({ field: 'kind', message: `on Kubernetes a ${descriptor.kind} is a v1 Secret of type ${JSON.stringify(descriptor.kubernetes.secretType)}` });
  }
  // A global kind's custom resource (Mesh) has no `mesh` field: it is its own mesh.
  const meshless = descriptor?.kubernetes.form === 'crd' && descriptor.scope === 'global';
  const allowed = KUBERNETES_TOP_LEVEL.filter((key) => !(key === 'mesh' && meshless));
  checkTopLevel(doc, allowed, violations);
  const { name, labels } = kubernetesMetadata(doc['metadata'], violations);
  const mesh = meshless ? name : kubernetesMesh(doc['mesh'], labels, violations);
  const spec = doc['spec'] ?? {};
  if (!isPlainObject(spec)) {
    violations.push({ field: 'spec', message: 'must be an object' });
    return fail(violations);
  }
  return finish({ kind, name, mesh, labels }, spec, violations);
}

const KUBERNETES_SECRET_TOP_LEVEL = ['apiVersion', 'kind', 'metadata', 'type', 'data'];

// Kuma on Kubernetes reads its secret kinds from core/v1 Secrets, the kind by the Secret's type
// (SECRET_FORM_KINDS): the mesh of a mesh-scoped one from the kuma.io/mesh label (default
// `default`), the content from `data.value`. Spec violations about `data` are reported at
// `data.value`, where the content sits in this form.
function parseKubernetesSecret(doc: Record<string, unknown>): Result<ParsedResource> {
  const violations: Violation[] = [];
  checkApiVersion(doc['apiVersion'], KUBERNETES_SECRET_API_VERSION, violations);
  checkTopLevel(doc, KUBERNETES_SECRET_TOP_LEVEL, violations);
  const descriptor = SECRET_FORM_KINDS.find((d) => d.kubernetes.secretType === doc['type']);
  if (!descriptor) {
    const types = SECRET_FORM_KINDS.map((d) => JSON.stringify(d.kubernetes.secretType)).join(' or ');
    violations.push({ field: 'type', message: `must be ${types}` });
  }
  const { name, labels } = kubernetesMetadata(doc['metadata'], violations);
  const mesh = descriptor?.scope === 'global' ? name : kubernetesMesh(undefined, labels, violations);
  const data = doc['data'] ?? {};
  if (!isPlainObject(data)) {
    violations.push({ field: 'data', message: 'must be an object' });
    return fail(violations);
  }
  for (const key of Object.keys(data)) {
    if (key !== 'value') violations.push({ field: keyPath('data', key), message: `unknown key ${JSON.stringify(key)}; Kuma reads only "value"` });
  }
  // A Secret of an unknown type still gets its content checked, as a mesh Secret's.
  const parsed = parseSpec((descriptor ?? SECRET).kind, { data: data['value'] }, { name, mesh });
  if (!parsed.ok) violations.push(...parsed.violations.map((v) => ({ ...v, field: v.field.replace(/^data/, 'data.value') })));
  if (!parsed.ok || violations.length > 0 || !descriptor) return fail(violations);
  return ok({ kind: descriptor.kind, name, mesh, labels, spec: parsed.value } as ParsedResource);
}

function checkTopLevel(doc: Record<string, unknown>, allowed: readonly string[], violations: Violation[]): void {
  for (const key of Object.keys(doc)) {
    if (!allowed.includes(key)) violations.push({ field: key, message: `unknown field ${JSON.stringify(key)}` });
  }
}

/** Name and labels of a Kubernetes object's metadata. */
function kubernetesMetadata(raw: unknown, violations: Violation[]): { name: string; labels: Readonly<Record<string, string>> } {
  const rawMeta = raw ?? {};
  const meta = decode(OBJECT_META_SCHEMA, rawMeta, 'metadata');
  // The name gets the stricter name check below instead of the decoder's type check.
  violations.push(...meta.violations.filter((v) => v.field !== 'metadata.name'));
  const name = checkName(isPlainObject(rawMeta) ? rawMeta['name'] : undefined, 'metadata.name', violations);
  const labels = (meta.value as { labels?: Record<string, string> }).labels ?? {};
  return { name, labels };
}

function checkApiVersion(value: unknown, expected: string, violations: Violation[]): void {
  if (value === undefined || value === null || value === '') {
    violations.push({ field: 'apiVersion', message: 'cannot be empty' });
  } else if (value !== expected) {
    violations.push({ field: 'apiVersion', message: `must be ${JSON.stringify(expected)}` });
  }
}

// Kuma on Kubernetes takes the object's `mesh` field, then the kuma.io/mesh label, then `default`.
// A label that contradicts the field is reported rather than silently ignored.
function kubernetesMesh(value: unknown, labels: Readonly<Record<string, string>>, violations: Violation[]): string {
  const label = labels[MESH_LABEL];
  if (value === undefined || value === null) {
    return label === undefined ? DEFAULT_MESH : checkName(label, keyPath('metadata.labels', MESH_LABEL), violations);
  }
  const mesh = checkName(value, 'mesh', violations);
  if (label !== undefined && label !== mesh) {
    violations.push({ field: keyPath('metadata.labels', MESH_LABEL), message: `must equal mesh ${JSON.stringify(mesh)}` });
  }
  return mesh;
}

// Spec violations come after the document's own; the spec is parsed even when the identity is
// wrong so one round trip shows every problem.
function finish(header: Header, spec: unknown, violations: Violation[]): Result<ParsedResource> {
  if (header.kind === undefined) return fail(violations);
  const parsed = parseSpec(header.kind, spec, { name: header.name, mesh: header.mesh });
  if (!parsed.ok) return fail([...violations, ...parsed.violations]);
  if (violations.length > 0) return fail(violations);
  const { kind, name, mesh, labels } = header;
  return ok({ kind, name, mesh, labels, spec: parsed.value } as ParsedResource);
}

function checkKind(value: unknown, path: string, violations: Violation[]): ResourceKindName | undefined {
  if (isResourceKindName(value)) return value;
  if (value === undefined || value === null || value === '') violations.push({ field: path, message: 'cannot be empty' });
  else {
    const names = RESOURCE_KIND_NAMES.map((k) => JSON.stringify(k)).join(', ');
    violations.push({ field: path, message: `must be one of ${names}` });
  }
  return undefined;
}

/** Checks a resource or mesh name; returns it, or '' after recording why it is unusable. */
function checkName(value: unknown, path: string, violations: Violation[]): string {
  if (value === undefined || value === null || value === '') {
    violations.push({ field: path, message: 'cannot be empty' });
    return '';
  }
  if (typeof value !== 'string') {
    violations.push({ field: path, message: 'must be a string' });
    return '';
  }
  if (value.length > MAX_NAME_LENGTH) violations.push({ field: path, message: `must be at most ${MAX_NAME_LENGTH} characters` });
  else if (!NAME.test(value)) violations.push({ field: path, message: NAME_MESSAGE });
  return value;
}

function decodeLabels(value: unknown, path: string, violations: Violation[]): Readonly<Record<string, string>> {
  if (value === undefined || value === null) return {};
  const labels = decode(LABELS_SCHEMA, value, path);
  violations.push(...labels.violations);
  return labels.value as Record<string, string>;
}
