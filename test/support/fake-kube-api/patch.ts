// The three patch formats the API server accepts besides server-side apply.
//
// Strategic merge patch is simplified: it is a JSON merge patch in which the lists the Kubernetes
// types mark `patchStrategy: merge` are merged element by element on their merge key (containers,
// initContainers, env, volumes, imagePullSecrets by `name`; container ports by `containerPort`;
// Service ports by `port`; volumeMounts by `mountPath`; conditions by `type`; ownerReferences by
// `uid`), `finalizers` is merged as a set, and the `$patch: delete|replace` and
// `$deleteFromPrimitiveList/<field>` directives work; `$setElementOrder` and `$retainKeys` are
// accepted and ignored. Every other list is replaced, as in a merge patch.
import type { Obj } from './json.js';
import { clone, deepEqual, isObj } from './json.js';
import { badRequest, KubeError } from './status-errors.js';

/** RFC 7386 JSON merge patch: objects merge recursively, `null` deletes, everything else replaces. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isObj(patch)) return clone(patch);
  const result: Obj = isObj(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = mergePatch(result[key], value);
  }
  return result;
}

function mergeKeyFor(path: readonly string[]): string | undefined {
  const field = path[path.length - 1] ?? '';
  const parent = path[path.length - 2] ?? '';
  if (field === 'ports') return ['containers', 'initContainers', 'ephemeralContainers'].includes(parent) ? 'containerPort' : 'port';
  const keys: Record<string, string> = {
    containers: 'name', initContainers: 'name', ephemeralContainers: 'name', env: 'name', volumes: 'name',
    imagePullSecrets: 'name', volumeMounts: 'mountPath', conditions: 'type', ownerReferences: 'uid', hostAliases: 'ip',
  };
  return keys[field];
}

/** Simplified strategic merge patch (see the file comment for what is merged by key). */
export function strategicMergePatch(target: unknown, patch: unknown, path: readonly string[] = []): unknown {
  if (!isObj(patch)) return clone(patch);
  if (patch['$patch'] === 'replace') return stripDirectives(patch);
  if (patch['$patch'] === 'delete') return undefined;
  const result: Obj = isObj(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (key.startsWith('$setElementOrder/') || key === '$retainKeys' || key === '$patch') continue;
    if (key.startsWith('$deleteFromPrimitiveList/')) {
      const field = key.slice('$deleteFromPrimitiveList/'.length);
      const drop = Array.isArray(value) ? value : [];
      const current = result[field];
      if (Array.isArray(current)) result[field] = current.filter((v) => !drop.some((d) => deepEqual(d, v)));
      continue;
    }
    if (value === null) {
      delete result[key];
      continue;
    }
    const merged = mergeField(result[key], value, [...path, key]);
    if (merged === undefined) delete result[key];
    else result[key] = merged;
  }
  return result;
}

function mergeField(current: unknown, value: unknown, path: readonly string[]): unknown {
  if (!Array.isArray(value)) return strategicMergePatch(current, value, path);
  if (value.some((v) => isObj(v) && v['$patch'] === 'replace')) return value.filter((v) => !(isObj(v) && v['$patch'] === 'replace'));
  const field = path[path.length - 1];
  if (field === 'finalizers' && Array.isArray(current)) return [...current, ...value.filter((v) => !current.includes(v))];
  const mergeKey = mergeKeyFor(path);
  if (mergeKey === undefined || !Array.isArray(current)) return value.filter((v) => !(isObj(v) && v['$patch'] === 'delete')).map(stripDirectives);
  const merged = [...current];
  for (const element of value) {
    if (!isObj(element)) throw badRequest(`unable to find api field in struct for the list ${field ?? ''}: elements must be objects`);
    const index = merged.findIndex((m) => isObj(m) && deepEqual(m[mergeKey], element[mergeKey]));
    if (element['$patch'] === 'delete') {
      if (index >= 0) merged.splice(index, 1);
    } else if (index >= 0) {
      merged[index] = strategicMergePatch(merged[index], element, path);
    } else {
      merged.push(stripDirectives(element));
    }
  }
  return merged;
}

function stripDirectives(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stripDirectives);
  if (!isObj(value)) return value;
  return Object.fromEntries(Object.entries(value).filter(([k]) => !k.startsWith('$')).map(([k, v]) => [k, stripDirectives(v)]));
}

/** 422 for a JSON patch operation that does not apply, as the real server answers. */
function patchFailed(message: string): KubeError {
  return new KubeError(422, 'Invalid', message);
}

function parsePointer(pointer: unknown): string[] {
  if (typeof pointer !== 'string' || (pointer !== '' && !pointer.startsWith('/'))) throw badRequest(`invalid JSON pointer: ${String(pointer)}`);
  return pointer === '' ? [] : pointer.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function locate(doc: unknown, tokens: readonly string[], op: string): { parent: Obj | unknown[]; key: string } {
  let parent: unknown = doc;
  for (const token of tokens.slice(0, -1)) {
    const next: unknown = Array.isArray(parent) ? parent[Number(token)] : isObj(parent) ? parent[token] : undefined;
    if (next === undefined) throw patchFailed(`${op} operation does not apply: doc is missing path: "/${tokens.join('/')}"`);
    parent = next;
  }
  if (!Array.isArray(parent) && !isObj(parent)) throw patchFailed(`${op} operation does not apply: doc is missing path: "/${tokens.join('/')}"`);
  return { parent, key: tokens[tokens.length - 1] ?? '' };
}

function readAt(doc: unknown, tokens: readonly string[], op: string): unknown {
  if (tokens.length === 0) return doc;
  const { parent, key } = locate(doc, tokens, op);
  const value = Array.isArray(parent) ? parent[Number(key)] : parent[key];
  if (value === undefined) throw patchFailed(`${op} operation does not apply: doc is missing path: "/${tokens.join('/')}"`);
  return value;
}

function removeAt(doc: unknown, tokens: readonly string[], op: string): unknown {
  const value = readAt(doc, tokens, op);
  const { parent, key } = locate(doc, tokens, op);
  if (Array.isArray(parent)) parent.splice(Number(key), 1);
  else delete parent[key];
  return value;
}

function addAt(doc: unknown, tokens: readonly string[], value: unknown, op: string, replace: boolean): unknown {
  if (tokens.length === 0) return clone(value);
  const { parent, key } = locate(doc, tokens, op);
  if (Array.isArray(parent)) {
    const index = key === '-' ? parent.length : Number(key);
    if (!Number.isInteger(index) || index < 0 || index > parent.length) throw patchFailed(`${op} operation does not apply: index out of bounds: ${key}`);
    parent.splice(index, replace ? 1 : 0, clone(value));
  } else {
    parent[key] = clone(value);
  }
  return doc;
}

/** RFC 6902 JSON patch; a body that is not a list of operations is 400, a failing op is 422. */
export function jsonPatch(target: Obj, patch: unknown): Obj {
  if (!Array.isArray(patch)) throw badRequest('json: cannot unmarshal object into Go value of type jsonpatch.Patch');
  let doc: unknown = clone(target);
  for (const op of patch) {
    if (!isObj(op) || typeof op['op'] !== 'string') throw badRequest('Unexpected kind: missing op');
    const path = parsePointer(op['path']);
    switch (op['op']) {
      case 'add':
        doc = addAt(doc, path, op['value'], 'add', false);
        break;
      case 'replace':
        readAt(doc, path, 'replace');
        doc = path.length === 0 ? clone(op['value']) : addAt(doc, path, op['value'], 'replace', Array.isArray(locate(doc, path, 'replace').parent));
        break;
      case 'remove':
        removeAt(doc, path, 'remove');
        break;
      case 'move':
        doc = addAt(doc, path, removeAt(doc, parsePointer(op['from']), 'move'), 'move', false);
        break;
      case 'copy':
        doc = addAt(doc, path, readAt(doc, parsePointer(op['from']), 'copy'), 'copy', false);
        break;
      case 'test':
        if (!deepEqual(readAt(doc, path, 'test'), op['value'])) throw patchFailed(`testing value /${path.join('/')} failed: test failed`);
        break;
      default:
        throw badRequest(`Unexpected kind: ${String(op['op'])}`);
    }
  }
  if (!isObj(doc)) throw badRequest('the patch produced a document that is not an object');
  return doc;
}
