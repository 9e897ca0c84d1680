// Conversions between the wire form of the REST API (Kuma's universal form) and the store's
// resources, plus the content comparison that lets an identical write leave the version alone.
import type { ParsedResource } from '../api/resource-document.js';
import { isGlobalKind } from '../api/resource-kinds.js';
import type { ResourceInput, ResourceKey, StoredResource } from '../core/resource.js';

/** Keys the universal form reserves for metadata; a spec field of the same name never shadows them. */
const META_KEYS = new Set(['type', 'mesh', 'name', 'creationTime', 'modificationTime', 'labels']);

/**
 * A stored resource in Kuma's universal form: `{type, mesh, name, creationTime,
 * modificationTime, labels?, ...spec}`. Global kinds (Mesh, GlobalSecret) have no `mesh` field, as in Kuma.
 */
export function toUniversal(resource: StoredResource): Record<string, unknown> {
  const out: Record<string, unknown> = { type: resource.kind };
  if (!isGlobalKind(resource.kind)) out['mesh'] = resource.mesh;
  out['name'] = resource.name;
  out['creationTime'] = resource.creationTime;
  out['modificationTime'] = resource.modificationTime;
  if (resource.labels && Object.keys(resource.labels).length > 0) out['labels'] = resource.labels;
  for (const [key, value] of Object.entries(resource.spec as object)) {
    if (!META_KEYS.has(key)) out[key] = value;
  }
  return out;
}

/** The store input for a parsed document; a global kind is keyed with mesh = name (ResourceKey). */
export function toInput(parsed: ParsedResource): ResourceInput {
  const mesh = isGlobalKind(parsed.kind) ? parsed.name : parsed.mesh;
  const labels = parsed.labels && Object.keys(parsed.labels).length > 0 ? parsed.labels : undefined;
  const input = { kind: parsed.kind, mesh, name: parsed.name, spec: parsed.spec };
  return (labels ? { ...input, labels } : input) as ResourceInput;
}

/** The key of a Mesh, for existence checks. */
export function meshKey(name: string): ResourceKey {
  return { kind: 'Mesh', mesh: name, name };
}

/** The identity fields only, for store lookups and error messages. */
export function keyOf(key: ResourceKey): ResourceKey {
  return { kind: key.kind, mesh: key.mesh, name: key.name };
}

/** True when writing `input` would store exactly what is stored (spec and labels). */
export function sameContent(stored: StoredResource, input: ResourceInput): boolean {
  return (
    canonicalJson(stored.spec) === canonicalJson(input.spec) &&
    canonicalJson(stored.labels ?? {}) === canonicalJson(input.labels ?? {})
  );
}

/** JSON with object keys sorted, so key order written by the user does not count as a change. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return v;
    const sorted: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) sorted[k] = (v as Record<string, unknown>)[k];
    return sorted;
  });
}
