// POST /apply (a Portico extension used by `portico apply`): write several resources all or
// nothing. Every document is validated before anything is written; any violation answers 400
// listing all of them with an `items[i]` prefix, and the store is not touched. Otherwise one
// store.commit() writes them, Meshes first so the resources inside a new Mesh can follow it.
import { parseResourceDocument } from '../api/resource-document.js';
import type { Violation } from '../api/violation.js';
import { isGlobalKind, updateViolations } from '../api/resource-kinds.js';
import type { ResourceInput, StoredResource } from '../core/resource.js';
import { ConflictError, type ResourceStore, type WriteOp } from '../core/store.js';
import { bodyFormat, parseDocuments, parseSingleDocument, type BodyDocument } from './body.js';
import { conflict, invalidResource, unsupportedMediaType, type ApiResponse } from './problem.js';
import type { WriteRole } from '../api/multizone-rules.js';
import { readOnlyKindRefusal, stamped, writeViolations } from './multizone-writes.js';
import { keyOf, meshKey, sameContent, toInput } from './resource-form.js';
import type { ApiRequest } from './resources.js';
import { NO_COMPANIONS, type WriteCompanions } from './write-companions.js';
import { NO_CHECKS, type WriteChecks } from './write-checks.js';

/** Most documents one apply may carry (docs/robustness.md §2 rule 7: bounded names per request). */
export const MAX_APPLY_ITEMS = 1000;

/** What apply did to one resource. */
export type ApplyResult = 'created' | 'updated' | 'unchanged';

/** One entry of the apply answer, in document order. */
export interface AppliedItem {
  readonly type: string;
  readonly mesh?: string;
  readonly name: string;
  readonly result: ApplyResult;
  readonly version: string;
}

/** Attempts when another writer changes a resource between planning and commit. */
const COMMIT_ATTEMPTS = 3;

// A validated document: its position in the body and what to store.
interface Entry {
  readonly index: number;
  readonly input: ResourceInput;
}

/** Handle POST /apply. */
export async function applyResources(
  store: ResourceStore,
  request: ApiRequest,
  companions: WriteCompanions = NO_COMPANIONS,
  checks: WriteChecks = NO_CHECKS,
  role?: WriteRole,
): Promise<ApiResponse> {
  const instance = request.url.pathname;
  const contentType = request.headers['content-type'];
  const format = bodyFormat(contentType);
  if (format === undefined) return unsupportedMediaType(instance, contentType ?? '');
  const docs = format === 'json' ? jsonItems(request.body) : yamlItems(request.body);
  if (!docs.ok) return invalidResource(instance, docs.violations);
  const checked = await validate(store, docs.value, checks, role);
  // A batch holding a kind this control plane may not write is refused whole, as a PUT of it is.
  const refused = checked.entries.map((e) => readOnlyKindRefusal(role, e.input.kind, instance)).find((r) => r !== undefined);
  if (refused) return refused;
  if (checked.violations.length > 0) {
    const onlyDuplicates = checked.violations.every((v) => v.message.startsWith(DUPLICATE));
    return onlyDuplicates
      ? conflict(instance, 'the same resource appears more than once', checked.violations)
      : invalidResource(instance, checked.violations);
  }
  const applied = await commitWithRetry(store, checked.entries, companions, role);
  if ('violations' in applied) return invalidResource(instance, applied.violations);
  return { status: 200, body: { items: applied.items } };
}

/** Prefix of the duplicate-resource message, also used to answer 409 for a pure name clash. */
const DUPLICATE = 'duplicate resource';

/** `{items: [...]}` from a JSON body. */
function jsonItems(text: string): DocsResult {
  const single = parseSingleDocument(text, 'json');
  if (!single.ok) return single;
  const items = wrappedItems(single.value);
  if (items === undefined) return fail('items', 'must be an object with an items list');
  return countChecked(items.map((value, index) => ({ index, value })));
}

/** Multi-document YAML, or one YAML document holding `items:` (the JSON shape written as YAML). */
function yamlItems(text: string): DocsResult {
  const docs = parseDocuments(text, 'yaml');
  if (!docs.ok) return docs;
  const first = docs.value[0];
  const items = docs.value.length === 1 && first ? wrappedItems(first.value) : undefined;
  return countChecked(items ? items.map((value, index) => ({ index, value })) : docs.value);
}

type DocsResult = { ok: true; value: BodyDocument[] } | { ok: false; violations: readonly Violation[] };

/** The `items` list of a wrapper object that is not itself a resource, else undefined. */
function wrappedItems(value: unknown): unknown[] | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const o = value as Record<string, unknown>;
  if ('type' in o || 'kind' in o || !Array.isArray(o['items'])) return undefined;
  return o['items'] as unknown[];
}

/** Refuse an empty or oversized batch before validating any document. */
function countChecked(docs: BodyDocument[]): DocsResult {
  if (docs.length === 0) return fail('items', 'must have at least one element');
  if (docs.length > MAX_APPLY_ITEMS) return fail('items', `must have at most ${MAX_APPLY_ITEMS} elements`);
  return { ok: true, value: docs };
}

/** A single-violation failure. */
function fail(field: string, message: string): DocsResult {
  return { ok: false, violations: [{ field, message }] };
}

/** Validate every document, then the batch: duplicates and meshes that exist nowhere. */
async function validate(
  store: ResourceStore,
  docs: readonly BodyDocument[],
  checks: WriteChecks,
  role: WriteRole | undefined,
): Promise<{ entries: Entry[]; violations: Violation[] }> {
  const entries: Entry[] = [];
  const violations: Violation[] = [];
  for (const doc of docs) {
    const parsed = parseResourceDocument(doc.value);
    if (!parsed.ok) {
      violations.push(...parsed.violations.map((v) => at(doc.index, v)));
      continue;
    }
    const input = stamped(role, toInput(parsed.value));
    entries.push({ index: doc.index, input });
    violations.push(...(await checks(input)).map((v) => at(doc.index, v)));
  }
  violations.push(...duplicates(entries), ...(await missingMeshes(store, entries)));
  return { entries, violations };
}

/** A document's violation placed under `items[i]`. */
function at(index: number, v: Violation): Violation {
  const prefix = `items[${index}]`;
  const field = v.field === '' || v.field.startsWith('[') || v.field.startsWith('.') ? v.field : `.${v.field}`;
  return { field: `${prefix}${field}`, message: v.message };
}

/** Second and later documents naming a resource already named earlier in the batch. */
function duplicates(entries: readonly Entry[]): Violation[] {
  const first = new Map<string, number>();
  const violations: Violation[] = [];
  for (const e of entries) {
    const id = `${e.input.kind}/${e.input.mesh}/${e.input.name}`;
    const earlier = first.get(id);
    if (earlier === undefined) first.set(id, e.index);
    else violations.push({ field: `items[${e.index}].name`, message: `${DUPLICATE}: same as items[${earlier}]` });
  }
  return violations;
}

/** `mesh not found` for resources whose mesh is neither stored nor created by this batch. */
async function missingMeshes(store: ResourceStore, entries: readonly Entry[]): Promise<Violation[]> {
  const known = new Map<string, boolean>();
  for (const e of entries) if (e.input.kind === 'Mesh') known.set(e.input.name, true);
  const violations: Violation[] = [];
  for (const e of entries) {
    if (isGlobalKind(e.input.kind)) continue;
    let exists = known.get(e.input.mesh);
    if (exists === undefined) {
      exists = (await store.get(meshKey(e.input.mesh))) !== undefined;
      known.set(e.input.mesh, exists);
    }
    if (!exists) violations.push({ field: `items[${e.index}].mesh`, message: 'mesh not found' });
  }
  return violations;
}

/** Plan and commit; a concurrent change to one of the resources makes the plan stale, so replan. */
async function commitWithRetry(store: ResourceStore, entries: readonly Entry[], companions: WriteCompanions, role: WriteRole | undefined): Promise<Applied> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await planAndCommit(store, entries, companions, role);
    } catch (err) {
      if (!(err instanceof ConflictError) || attempt >= COMMIT_ATTEMPTS) throw err;
    }
  }
}

/** What a batch did, or the transitions its kinds forbid (nothing is written then). */
type Applied = { readonly items: AppliedItem[] } | { readonly violations: Violation[] };

/**
 * Read each resource, skip the unchanged ones, and commit the rest conditioned on what was read
 * (so `created`/`updated` in the answer are exact). Meshes go first; the rest keep document order.
 */
async function planAndCommit(store: ResourceStore, entries: readonly Entry[], companions: WriteCompanions, role: WriteRole | undefined): Promise<Applied> {
  const ordered = [...entries].sort((a, b) => meshFirst(a) - meshFirst(b));
  const results = new Map<Entry, { result: ApplyResult; version: string }>();
  const ops: WriteOp[] = [];
  const opEntries: { entry: Entry; existing: StoredResource | undefined }[] = [];
  const forbidden: Violation[] = [];
  for (const e of ordered) {
    const existing: StoredResource | undefined = await store.get(keyOf(e.input));
    forbidden.push(...writeViolations(role, e.input, existing).map((v) => at(e.index, v)));
    if (existing && sameContent(existing, e.input)) {
      results.set(e, { result: 'unchanged', version: existing.version });
      continue;
    }
    if (existing) forbidden.push(...updateViolations(e.input.kind, existing.spec as never, e.input.spec as never).map((v) => at(e.index, v)));
    const options = existing ? { expectedVersion: existing.version } : { mustCreate: true };
    ops.push({ op: 'put', resource: e.input, options });
    opEntries.push({ entry: e, existing });
    results.set(e, { result: existing ? 'updated' : 'created', version: '' });
  }
  if (forbidden.length > 0) return { violations: forbidden };
  // Companions go last: `stored` is indexed by the entries' ops. A companion the document itself
  // writes (its own `allow-all-<mesh>` next to the new Mesh) is left to the document.
  const extra: WriteOp[] = [];
  for (const { entry, existing } of opEntries) extra.push(...(await companions(entry.input, existing)));
  const stored = ops.length > 0 ? await store.commit([...ops, ...extra.filter((op) => !writesAny(op, ops))]) : [];
  opEntries.forEach(({ entry: e }, i) => {
    const r = results.get(e);
    if (r) r.version = stored[i]?.version ?? '';
  });
  return { items: entries.map((e) => item(e.input, results.get(e) ?? { result: 'unchanged', version: '' })) };
}

/** Sort rank: Meshes before everything else. */
function meshFirst(e: Entry): number {
  return e.input.kind === 'Mesh' ? 0 : 1;
}

/** The answer entry of one resource; a global kind has no `mesh`, as in the universal form. */
function item(input: ResourceInput, r: { result: ApplyResult; version: string }): AppliedItem {
  const base = isGlobalKind(input.kind) ? { type: input.kind } : { type: input.kind, mesh: input.mesh };
  return { ...base, name: input.name, result: r.result, version: r.version };
}

/** True when `op` writes a resource one of `ops` already writes. */
function writesAny(op: WriteOp, ops: readonly WriteOp[]): boolean {
  const key = op.op === 'put' ? op.resource : op.key;
  return ops.some((o) => {
    const other = o.op === 'put' ? o.resource : o.key;
    return other.kind === key.kind && other.mesh === key.mesh && other.name === key.name;
  });
}
