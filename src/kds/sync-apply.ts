// How one received response changes the receiver's store (docs/multizone.md §3.3, §3.5), as a pure
// plan: which puts and deletes to commit, and which resources to reject in the NACK. Rules:
// - each resource is decoded and validated like a REST write; an invalid one is rejected with its
//   field paths and the others of the response are still stored;
// - the receiver only ever touches copies within its scope (a zone: copies from global; global:
//   copies from that zone). A received name that is taken by an object outside the scope is a
//   conflict, rejected, and the object is left alone;
// - the first response per kind on a stream is the complete set: copies in scope it lacks are
//   deleted; later responses delete only what they list as removed;
// - a copy whose labels and spec are unchanged is not rewritten (no version bump, no regeneration).
import { isGlobalKind, isResourceKindName, parseSpec, type ResourceKindName } from '../api/resource-kinds.js';
import type { ResourceInput, StoredResource } from '../core/resource.js';
import type { WriteOp } from '../core/store.js';
import type { SyncResource } from '../multizone/sync-resource.js';
import { canonicalJson, wireName } from './kds-protocol.js';

/**
 * How a store's names differ from the wire's. The Kubernetes store keeps some kinds in namespaced
 * objects, named `<name>.<namespace>` in the store; what sync receives of such a kind lives in the
 * control plane's namespace, and the namespace never travels (Kuma appends and strips
 * `.<system namespace>` the same way). Absent: store and wire names are the same.
 */
export interface StoreNaming {
  /** The store name of a received resource of `kind` named `name` on the wire. */
  toStore(kind: string, name: string): string;
  /** The wire name of a stored resource of `kind` named `name` in the store. */
  toWire(kind: string, name: string): string;
}

/** A received resource, or why its envelope could not be read. */
export type ReceivedResource =
  | { readonly ok: true; readonly wireName: string; readonly resource: SyncResource }
  | { readonly ok: false; readonly wireName: string; readonly message: string };

/** What the receiver knows when planning one response. */
export interface ApplyInput {
  readonly kind: string;
  /** The first response of this kind on the stream: the complete set. */
  readonly complete: boolean;
  readonly received: readonly ReceivedResource[];
  /** `removed_resources` of the response (wire names). */
  readonly removed: readonly string[];
  /** The receiver's stored resources of this kind. */
  readonly stored: readonly StoredResource[];
  /** Whether a stored resource is a copy this stream manages. */
  readonly inScope: (stored: StoredResource) => boolean;
  /** Rewrites a valid received resource before it is stored (global pins the zone). */
  readonly prepare?: (resource: SyncResource) => SyncResource;
  /** The store's names, when they differ from the wire's. */
  readonly naming?: StoreNaming;
}

/** One rejected resource. */
export interface Rejection {
  readonly name: string;
  readonly message: string;
}

/** The plan for one response. */
export interface ApplyPlan {
  readonly ops: readonly WriteOp[];
  readonly rejected: readonly Rejection[];
  /** Copies stored unchanged (counted for insight, nothing written). */
  readonly unchanged: number;
}

/** Wire mesh of a stored resource: empty for kinds outside meshes (their store key's mesh is the name). */
export function wireMeshOf(stored: Pick<StoredResource, 'kind' | 'mesh'>): string {
  return isGlobalKind(stored.kind) ? '' : stored.mesh;
}

/** A stored resource as sync sees it, under its wire name. */
export function syncResourceOf(stored: StoredResource, naming?: StoreNaming): SyncResource {
  const name = naming ? naming.toWire(stored.kind, stored.name) : stored.name;
  return { kind: stored.kind, mesh: wireMeshOf(stored), name, ...(stored.labels ? { labels: stored.labels } : {}), spec: stored.spec };
}

function sameLabels(a: Readonly<Record<string, string>> | undefined, b: Readonly<Record<string, string>> | undefined): boolean {
  const ka = Object.keys(a ?? {});
  if (ka.length !== Object.keys(b ?? {}).length) return false;
  return ka.every((k) => (b ?? {})[k] === (a ?? {})[k]);
}

/** The store input of a valid received resource, or its rejection. */
function toInput(kind: ResourceKindName, resource: SyncResource, naming: StoreNaming | undefined): { ok: true; input: ResourceInput } | { ok: false; message: string } {
  const global = isGlobalKind(kind);
  if (global && resource.mesh !== '') return { ok: false, message: `mesh: a ${kind} belongs to no mesh, got "${resource.mesh}"` };
  if (!global && resource.mesh === '') return { ok: false, message: 'mesh: must not be empty' };
  if (resource.name === '') return { ok: false, message: 'name: must not be empty' };
  const name = naming ? naming.toStore(kind, resource.name) : resource.name;
  const mesh = global ? name : resource.mesh;
  const parsed = parseSpec(kind, resource.spec, { name, mesh });
  if (!parsed.ok) return { ok: false, message: parsed.violations.map((v) => (v.field ? `${v.field}: ${v.message}` : v.message)).join('; ') };
  return { ok: true, input: { kind, mesh, name, spec: parsed.value, ...(resource.labels ? { labels: resource.labels } : {}) } };
}

/** Plans the store changes of one response. */
export function planApply(input: ApplyInput): ApplyPlan {
  const rejected: Rejection[] = [];
  const ops: WriteOp[] = [];
  let unchanged = 0;
  if (!isResourceKindName(input.kind)) {
    for (const r of input.received) rejected.push({ name: r.wireName, message: `unknown kind ${input.kind}` });
    return { ops, rejected, unchanged };
  }
  const kind = input.kind;
  const toWire = (s: StoredResource) => (input.naming ? input.naming.toWire(s.kind, s.name) : s.name);
  const storedByWire = new Map(input.stored.map((s) => [wireName({ name: toWire(s), mesh: wireMeshOf(s) }), s]));
  const keep = new Set<string>();
  for (const received of input.received) {
    keep.add(received.wireName);
    if (!received.ok) {
      rejected.push({ name: received.wireName, message: received.message });
      continue;
    }
    const resource = input.prepare ? input.prepare(received.resource) : received.resource;
    if (received.wireName !== wireName(resource)) {
      rejected.push({ name: received.wireName, message: `resource name ${received.wireName} does not match its name and mesh (${wireName(resource)})` });
      continue;
    }
    const checked = toInput(kind, resource, input.naming);
    if (!checked.ok) {
      rejected.push({ name: received.wireName, message: checked.message });
      continue;
    }
    const existing = storedByWire.get(received.wireName);
    if (existing && !input.inScope(existing)) {
      rejected.push({ name: received.wireName, message: `a ${kind} named ${existing.name} that was not synced from this peer already exists` });
      continue;
    }
    if (existing && sameLabels(existing.labels, checked.input.labels) && canonicalJson(existing.spec) === canonicalJson(checked.input.spec)) {
      unchanged += 1;
      continue;
    }
    ops.push({ op: 'put', resource: checked.input });
  }
  const gone = input.complete ? [...storedByWire.keys()].filter((name) => !keep.has(name)) : input.removed.filter((name) => !keep.has(name));
  for (const name of gone) {
    const stored = storedByWire.get(name);
    if (stored && input.inScope(stored)) ops.push({ op: 'delete', key: { kind: stored.kind, mesh: stored.mesh, name: stored.name } });
  }
  return { ops, rejected, unchanged };
}
