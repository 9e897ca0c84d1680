// Where each store kind lives in the Kubernetes API, and the conversions between Kubernetes objects
// and StoredResources. Pure: no I/O.
//
// Naming (Kuma's convention on Kubernetes): a namespaced object (Dataplane) is `<name>.<namespace>`
// in the store, a cluster-scoped one keeps its name. Mesh Secrets are the exception Kuma makes too:
// they live only in the control plane's system namespace and keep their plain name, because a
// MeshGateway names its certificate `secret: my-cert` without any namespace.
import type { KubernetesObject } from '@kubernetes/client-node';
import { DEFAULT_MESH, KUBERNETES_SECRET_API_VERSION, KUBERNETES_SECRET_KIND, MESH_LABEL, parseResourceDocument } from '../../api/resource-document.js';
import { RESOURCE_KINDS, type ResourceKind } from '../../api/resource-kinds.js';
import type { Result } from '../../api/violation.js';
import type { Kind, ResourceInput, ResourceKey, StoredResource } from '../../core/resource.js';
import { buildStored } from '../../core/stored-resource.js';
import { CRD_GROUP, CRD_VERSION, crdKind } from '../crds.js';

/** Kuma's default system namespace, where mesh Secrets live. */
export const DEFAULT_SYSTEM_NAMESPACE = 'kuma-system';

/** A Kubernetes object as read from the API: the fields the conversions look at. */
export interface KumaObject extends KubernetesObject {
  mesh?: unknown;
  spec?: unknown;
  type?: unknown;
  data?: unknown;
}

/** Where one store kind lives in the API, derived from its descriptor (src/api/kinds). */
export interface KindLocation {
  readonly kind: Kind;
  /** The kind's scope: a global kind's mesh is its own name. */
  readonly scope: ResourceKind['scope'];
  readonly apiVersion: string;
  /** Path prefix of the group version: `/apis/kuma.io/v1alpha1` or `/api/v1`. */
  readonly groupPath: string;
  readonly plural: string;
  /** Store names carry the namespace (`<name>.<namespace>`). */
  readonly namespacedName: boolean;
  /** Objects live only in this namespace (Secrets: the system namespace). */
  readonly fixedNamespace?: string;
  /** Restricts the watch to objects of this kind (Secrets of Kuma's type). */
  readonly fieldSelector?: string;
  /** The core/v1 Secret `type` of a kind kept as Secrets; absent for custom resources. */
  readonly secretType?: string;
}

/** The location of every store kind (RESOURCE_KINDS order), given the system namespace. */
export function kindLocations(systemNamespace: string): readonly KindLocation[] {
  return RESOURCE_KINDS.map((d) => locationOf(d, systemNamespace));
}

function locationOf(d: ResourceKind, systemNamespace: string): KindLocation {
  const form = d.kubernetes;
  if (form.form === 'secret') {
    return {
      kind: d.kind,
      scope: d.scope,
      apiVersion: KUBERNETES_SECRET_API_VERSION,
      groupPath: '/api/v1',
      plural: 'secrets',
      namespacedName: false,
      fixedNamespace: systemNamespace,
      fieldSelector: `type=${form.secretType}`,
      secretType: form.secretType,
    };
  }
  return {
    kind: d.kind,
    scope: d.scope,
    apiVersion: `${CRD_GROUP}/${CRD_VERSION}`,
    groupPath: `/apis/${CRD_GROUP}/${CRD_VERSION}`,
    plural: crdKind(d.kind).plural,
    namespacedName: form.scope === 'Namespaced',
  };
}

/** Path of the collection a watcher lists: every namespace, or the fixed one. */
export function watchPath(location: KindLocation): string {
  const ns = location.fixedNamespace === undefined ? '' : `/namespaces/${encodeURIComponent(location.fixedNamespace)}`;
  return `${location.groupPath}${ns}/${location.plural}`;
}

/** Namespace (undefined when cluster-scoped) and name of an object in the API. */
export interface ObjectRef {
  readonly namespace: string | undefined;
  readonly name: string;
}

/** Path of the collection objects are created in. */
export function collectionPath(location: KindLocation, namespace: string | undefined): string {
  const ns = namespace === undefined ? '' : `/namespaces/${encodeURIComponent(namespace)}`;
  return `${location.groupPath}${ns}/${location.plural}`;
}

/** Path of one object. */
export function itemPath(location: KindLocation, ref: ObjectRef): string {
  return `${collectionPath(location, ref.namespace)}/${encodeURIComponent(ref.name)}`;
}

/**
 * The object a store name refers to, or undefined when the name cannot be one (a Dataplane name
 * without `.<namespace>`). Namespaces never contain dots, so the last dot splits unambiguously.
 */
export function objectRef(location: KindLocation, storeName: string): ObjectRef | undefined {
  if (location.fixedNamespace !== undefined) return { namespace: location.fixedNamespace, name: storeName };
  if (!location.namespacedName) return { namespace: undefined, name: storeName };
  const dot = storeName.lastIndexOf('.');
  if (dot <= 0 || dot === storeName.length - 1) return undefined;
  return { namespace: storeName.slice(dot + 1), name: storeName.slice(0, dot) };
}

/** The store name of an object. */
export function storeName(location: KindLocation, obj: KubernetesObject): string {
  const name = obj.metadata?.name ?? '';
  return location.namespacedName ? `${name}.${obj.metadata?.namespace ?? ''}` : name;
}

/** The mesh an object belongs to, read as Kuma does (field, then label, then `default`). */
export function meshOf(location: KindLocation, obj: KumaObject): string {
  if (location.scope === 'global') return obj.metadata?.name ?? '';
  const label = obj.metadata?.labels?.[MESH_LABEL];
  if (location.secretType === undefined && typeof obj.mesh === 'string' && obj.mesh !== '') return obj.mesh;
  return label ?? DEFAULT_MESH;
}

/**
 * Convert an object read from the API into a StoredResource, or every violation that makes it
 * unusable. Only the fields Portico reads are passed to the parser, so server-managed fields
 * (status, annotations, owner references) never make an object invalid.
 */
export function toStoredResource(location: KindLocation, obj: KumaObject): Result<StoredResource> {
  const parsed = parseResourceDocument(documentOf(location, obj));
  if (!parsed.ok) return parsed;
  const labels = obj.metadata?.labels;
  const key: ResourceKey = { kind: location.kind, mesh: parsed.value.mesh, name: storeName(location, obj) };
  const created = timestamp(obj.metadata?.creationTimestamp) ?? new Date(0).toISOString();
  return {
    ok: true,
    value: buildStored(key, {
      spec: parsed.value.spec,
      labels: labels && Object.keys(labels).length > 0 ? { ...labels } : undefined,
      version: obj.metadata?.resourceVersion ?? '',
      creationTime: created,
      modificationTime: lastWriteTime(obj) ?? created,
    }),
  };
}

function documentOf(location: KindLocation, obj: KumaObject): Record<string, unknown> {
  const metadata: Record<string, unknown> = { name: obj.metadata?.name };
  if (obj.metadata?.labels !== undefined) metadata['labels'] = obj.metadata.labels;
  if (location.secretType !== undefined) {
    return { apiVersion: location.apiVersion, kind: KUBERNETES_SECRET_KIND, type: obj.type, metadata, ...(obj.data === undefined ? {} : { data: obj.data }) };
  }
  const doc: Record<string, unknown> = { apiVersion: location.apiVersion, kind: location.kind, metadata, spec: obj.spec ?? {} };
  if (location.scope === 'mesh' && obj.mesh !== undefined) doc['mesh'] = obj.mesh;
  return doc;
}

/**
 * The object to send for a store write: the current object (kept so that annotations, owner
 * references, finalizers and status written by others survive) with Portico's fields replaced.
 * Labels are replaced as a whole, like every store does; a Secret also gets the mesh label.
 */
export function desiredObject(location: KindLocation, ref: ObjectRef, input: ResourceInput, current: KumaObject | undefined): KumaObject {
  const base: KumaObject = current ? structuredClone(current) : { apiVersion: location.apiVersion, kind: location.kind };
  const metadata = { ...(base.metadata ?? {}), name: ref.name, ...(ref.namespace === undefined ? {} : { namespace: ref.namespace }) };
  const secret = location.secretType !== undefined;
  const labels = { ...(input.labels ?? {}), ...(secret && location.scope === 'mesh' ? { [MESH_LABEL]: input.mesh } : {}) };
  if (Object.keys(labels).length > 0) metadata.labels = labels;
  else delete metadata.labels;
  const out: KumaObject = { ...base, apiVersion: location.apiVersion, kind: secret ? KUBERNETES_SECRET_KIND : location.kind, metadata };
  if (secret) {
    out.type = location.secretType;
    out.data = { value: (input.spec as { data: string }).data };
  } else {
    out.spec = structuredClone(input.spec);
    if (location.scope === 'mesh') out.mesh = input.mesh;
  }
  return out;
}

function timestamp(value: unknown): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const date = new Date(value as string | Date);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

// Kubernetes records no modification time; the latest managedFields entry is the last write by
// any field manager, which is the closest it has.
function lastWriteTime(obj: KubernetesObject): string | undefined {
  let latest: string | undefined;
  for (const entry of obj.metadata?.managedFields ?? []) {
    const time = timestamp(entry.time);
    if (time !== undefined && (latest === undefined || time > latest)) latest = time;
  }
  return latest;
}
