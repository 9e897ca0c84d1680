// create, update (PUT), patch and delete with the real server's rules: server-owned metadata
// (uid, creationTimestamp, generation, resourceVersion), optimistic concurrency, the status
// subresource split, defaults and validation, no-op updates that do not bump resourceVersion,
// finalizers, and namespace lifecycle checks. Both the HTTP router and the test helpers (seed,
// setStatus) write through this class, so seeded objects look exactly like API-created ones.
import { randomUUID } from 'node:crypto';
import { applyCrdSchema } from './crd-schema.js';
import { allocateServiceAddresses, applyBuiltinDefaults, carryServiceAllocations, initialStatus } from './defaults.js';
import type { Obj } from './json.js';
import { child, clone, deepEqual, isObj, items, metadataOf, str } from './json.js';
import type { ObjectStore } from './object-store.js';
import { jsonPatch, mergePatch, strategicMergePatch } from './patch.js';
import { present } from './read-operations.js';
import type { ResourceType } from './resource-types.js';
import { apiVersionOf, BUILTIN_TYPES } from './resource-types.js';
import { alreadyExists, badRequest, conflict, forbidden, internalError, invalid, KubeError, notFound, unsupportedMediaType } from './status-errors.js';
import { checkDecodes, validateBuiltin, validateMetadata } from './validate.js';

function builtinType(kind: string): ResourceType {
  const type = BUILTIN_TYPES.find((t) => t.kind === kind);
  if (!type) throw new Error(`no built-in type ${kind}`);
  return type;
}
const NAMESPACE = builtinType('Namespace');

/** The RFC 3339 second-precision timestamps the API server writes. */
export function timestamp(): string {
  return new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
}

const SUFFIX_CHARS = 'bcdfghjklmnpqrstvwxz2456789';
const randomSuffix = (): string => Array.from({ length: 5 }, () => SUFFIX_CHARS[Math.floor(Math.random() * SUFFIX_CHARS.length)]).join('');

/** DeleteOptions the fake honours. */
export interface DeleteOptions {
  readonly propagationPolicy?: string;
  readonly preconditions?: { readonly uid?: string; readonly resourceVersion?: string };
}

/** Where the writer tells the garbage collector that a delete orphans its dependents. */
export interface DeleteHooks {
  markOrphan(uid: string): void;
}

const PATCH_TYPES = ['application/json-patch+json', 'application/merge-patch+json', 'application/apply-patch+yaml'];

/** The write verbs, shared by the HTTP layer and the test helpers. */
export class Writer {
  constructor(private readonly store: ObjectStore, private readonly hooks: DeleteHooks) {}

  /** POST: 201 semantics; the caller sends the status code. */
  create(type: ResourceType, namespace: string, body: unknown): Obj {
    const obj = decode(type, body);
    placeNamespace(type, obj, namespace);
    const meta = metadataOf(obj);
    if (!str(meta, 'name') && str(meta, 'generateName')) meta['name'] = str(meta, 'generateName') + randomSuffix();
    const name = str(meta, 'name');
    if (type.namespaced) this.requireActiveNamespace(type, namespace, name);
    if (str(meta, 'resourceVersion')) throw internalError('resourceVersion should not be set on objects to be created');
    for (const key of ['deletionTimestamp', 'deletionGracePeriodSeconds', 'managedFields', 'selfLink']) delete meta[key];
    meta['uid'] = randomUUID();
    meta['creationTimestamp'] = timestamp();
    if (type.generation === 'none') delete meta['generation'];
    else meta['generation'] = 1;
    const status = initialStatus(type, obj);
    if (status === undefined) delete obj['status'];
    else obj['status'] = status;
    this.defaultAndValidate(type, obj, undefined);
    if (this.store.get(type, str(meta, 'namespace'), name)) throw alreadyExists(type, name);
    return present(type, this.store.create(type, obj));
  }

  /** PUT of the object or of its status subresource. */
  update(type: ResourceType, namespace: string, name: string, body: unknown, options: { subresource?: 'status'; fromPatch?: boolean } = {}): Obj {
    const obj = decode(type, body);
    placeNamespace(type, obj, namespace);
    const meta = metadataOf(obj);
    if (str(meta, 'name') !== name) throw badRequest(`the name of the object (${str(meta, 'name')}) does not match the name on the URL (${name})`);
    const old = this.store.get(type, namespace, name);
    if (!old) throw notFound(type, name);
    const oldMeta = metadataOf(old);
    const rv = str(meta, 'resourceVersion');
    if (!rv && type.custom && !options.fromPatch) throw invalid(type, name, [{ type: 'Invalid', field: 'metadata.resourceVersion', rawValue: '0x0', detail: 'must be specified for an update' }]);
    if (rv && rv !== str(oldMeta, 'resourceVersion')) throw conflict(type, name);
    const uid = str(meta, 'uid');
    if (uid && uid !== str(oldMeta, 'uid')) throw conflict(type, name, `Precondition failed: UID in precondition: ${uid}, UID in object meta: ${str(oldMeta, 'uid')}`);
    const next = options.subresource === 'status' ? withStatusOf(old, obj) : withServerFieldsOf(type, obj, old);
    this.defaultAndValidate(type, next, old);
    if (options.subresource !== 'status' && generationChanged(type, next, old)) metadataOf(next)['generation'] = Number(oldMeta['generation'] ?? 0) + 1;
    metadataOf(next)['resourceVersion'] = oldMeta['resourceVersion'];
    if (deepEqual(next, old)) return present(type, old);
    if (str(oldMeta, 'deletionTimestamp') && items(metadataOf(next), 'finalizers').length === 0 && type.kind !== 'Namespace') {
      return present(type, this.store.remove(type, namespace, name) ?? next);
    }
    return present(type, this.store.update(type, next));
  }

  /** PATCH in one of the accepted formats, then the same path as an update (without the resourceVersion requirement). */
  patch(type: ResourceType, namespace: string, name: string, contentType: string, rawBody: string, subresource?: 'status'): Obj {
    const media = (contentType.split(';')[0] ?? '').trim().toLowerCase();
    const accepted = type.custom ? PATCH_TYPES : [...PATCH_TYPES, 'application/strategic-merge-patch+json'];
    if (!accepted.includes(media)) throw unsupportedMediaType(media, accepted);
    if (media === 'application/apply-patch+yaml') throw new KubeError(415, 'UnsupportedMediaType', 'server-side apply is not implemented by the fake API server');
    const old = this.store.get(type, namespace, name);
    if (!old) throw notFound(type, name);
    let document: unknown;
    try {
      document = JSON.parse(rawBody);
    } catch (error) {
      throw badRequest(`error decoding patch: ${(error as Error).message}`);
    }
    const patched = media === 'application/json-patch+json' ? jsonPatch(old, document) : media === 'application/merge-patch+json' ? mergePatch(old, document) : strategicMergePatch(old, document);
    if (!isObj(patched)) throw badRequest('the patch produced a document that is not an object');
    const patchedRv = str(child(patched, 'metadata'), 'resourceVersion');
    if (patchedRv && patchedRv !== str(metadataOf(old), 'resourceVersion')) throw conflict(type, name);
    return this.update(type, namespace, name, patched, { ...(subresource ? { subresource } : {}), fromPatch: true });
  }

  /** DELETE: removes at once, or marks deletion while finalizers remain; namespaces start terminating. */
  delete(type: ResourceType, namespace: string, name: string, options: DeleteOptions): Obj {
    const old = this.store.get(type, namespace, name);
    if (!old) throw notFound(type, name);
    const meta = metadataOf(old);
    const pre = options.preconditions;
    if (pre?.uid && pre.uid !== str(meta, 'uid')) throw conflict(type, name, `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${str(meta, 'uid')}`);
    if (pre?.resourceVersion && pre.resourceVersion !== str(meta, 'resourceVersion')) throw conflict(type, name, `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${str(meta, 'resourceVersion')}`);
    if (type.kind === 'Namespace' || items(meta, 'finalizers').length > 0) {
      if (str(meta, 'deletionTimestamp')) return present(type, old);
      meta['deletionTimestamp'] = timestamp();
      meta['deletionGracePeriodSeconds'] = 0;
      if (typeof meta['generation'] === 'number' && meta['generation'] > 0) meta['generation'] += 1;
      if (type.kind === 'Namespace') old['status'] = { phase: 'Terminating' };
      return present(type, this.store.update(type, old));
    }
    if (options.propagationPolicy === 'Orphan') this.hooks.markOrphan(str(meta, 'uid'));
    const removed = this.store.remove(type, namespace, name) ?? old;
    if (type.deleteReturnsObject) return present(type, removed);
    const details: Obj = { name, ...(type.group ? { group: type.group } : {}), kind: type.plural, uid: str(meta, 'uid') };
    return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details };
  }

  private requireActiveNamespace(type: ResourceType, namespace: string, name: string): void {
    const ns = this.store.get(NAMESPACE, '', namespace);
    if (!ns) throw notFound(NAMESPACE, namespace);
    if (str(metadataOf(ns), 'deletionTimestamp')) throw forbidden(type, name, `unable to create new content in namespace ${namespace} because it is being terminated`);
  }

  private defaultAndValidate(type: ResourceType, obj: Obj, old: Obj | undefined): void {
    const name = str(metadataOf(obj), 'name');
    const errors = validateMetadata(type, obj);
    if (type.custom) {
      errors.push(...applyCrdSchema(obj, type.schema));
    } else {
      if (type.kind === 'Service' && old) carryServiceAllocations(obj, old);
      applyBuiltinDefaults(type, obj);
      errors.push(...validateBuiltin(type, obj, old));
      if (type.kind === 'Service' && errors.length === 0) {
        const others = this.store.list(type).filter((s) => !(str(metadataOf(s), 'namespace') === str(metadataOf(obj), 'namespace') && str(metadataOf(s), 'name') === name));
        errors.push(...allocateServiceAddresses(obj, others));
      }
    }
    if (errors.length > 0) throw invalid(type, name, errors);
  }
}

/** Checks the body decodes as this type: a JSON object whose apiVersion/kind (when set, and always for custom resources) match. */
function decode(type: ResourceType, body: unknown): Obj {
  if (!isObj(body)) throw badRequest(`couldn't get version/kind; json parse error: json: cannot unmarshal ${Array.isArray(body) ? 'array' : typeof body} into Go value of type struct { APIVersion string "json:\\"apiVersion,omitempty\\""; Kind string "json:\\"kind,omitempty\\"" }`);
  const obj = clone(body);
  const apiVersion = str(obj, 'apiVersion');
  const kind = str(obj, 'kind');
  if (type.custom && !kind) throw badRequest(`Object 'Kind' is missing in '${JSON.stringify(body)}'`);
  if (type.custom && !apiVersion) throw badRequest(`Object 'apiVersion' is missing in '${JSON.stringify(body)}'`);
  if (apiVersion && apiVersion !== apiVersionOf(type)) throw badRequest(`the API version in the data (${apiVersion}) does not match the expected API version (${apiVersionOf(type)})`);
  if (kind && kind !== type.kind) throw badRequest(`the kind in the data (${kind}) does not match the expected kind (${type.kind})`);
  checkDecodes(type, obj);
  obj['apiVersion'] = apiVersionOf(type);
  obj['kind'] = type.kind;
  return obj;
}

function placeNamespace(type: ResourceType, obj: Obj, namespace: string): void {
  const meta = metadataOf(obj);
  if (!type.namespaced) {
    delete meta['namespace'];
    return;
  }
  const inBody = str(meta, 'namespace');
  if (inBody && inBody !== namespace) throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
  meta['namespace'] = namespace;
}

/** A status update: everything from the stored object except `status`, which an absent field removes. */
function withStatusOf(old: Obj, obj: Obj): Obj {
  const next = clone(old);
  if (obj['status'] === undefined) delete next['status'];
  else next['status'] = obj['status'];
  return next;
}

/** A main-resource update: server-owned metadata and (with the status subresource) status come from the stored object. */
function withServerFieldsOf(type: ResourceType, obj: Obj, old: Obj): Obj {
  const meta = metadataOf(obj);
  const oldMeta = metadataOf(old);
  for (const key of ['uid', 'creationTimestamp', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'generation']) {
    if (oldMeta[key] === undefined) delete meta[key];
    else meta[key] = oldMeta[key];
  }
  delete meta['managedFields'];
  if (type.statusSubresource) {
    if (old['status'] === undefined) delete obj['status'];
    else obj['status'] = old['status'];
  }
  if (type.kind === 'Namespace') obj['spec'] = old['spec'];
  return obj;
}

function generationChanged(type: ResourceType, next: Obj, old: Obj): boolean {
  switch (type.generation) {
    case 'none':
      return false;
    case 'spec':
      return !deepEqual(next['spec'], old['spec']);
    case 'spec-and-annotations':
      return !deepEqual(next['spec'], old['spec']) || !deepEqual(child(metadataOf(next), 'annotations'), child(metadataOf(old), 'annotations'));
    case 'all-but-metadata': {
      const strip = (o: Obj): Obj => {
        const { metadata: _m, status, ...rest } = o;
        return type.statusSubresource ? rest : { ...rest, status };
      };
      return !deepEqual(strip(next), strip(old));
    }
  }
}
