// PUT /meshes/{mesh} and PUT /meshes/{mesh}/{plural}/{name}: create (201) or update (200) one
// resource. Every problem with the body is collected before answering: syntax, schema, a
// name/mesh/type that disagrees with the URL, and a missing mesh all appear in one 400.
import { parseResourceDocument, type ParsedResource } from '../api/resource-document.js';
import type { Result, Violation } from '../api/violation.js';
import { updateViolations, type ResourceKind } from '../api/resource-kinds.js';
import type { ResourceInput, ResourceKey, StoredResource } from '../core/resource.js';
import { NO_COMPANIONS, type WriteCompanions } from './write-companions.js';
import { NO_CHECKS, type WriteChecks } from './write-checks.js';
import { ConflictError, type ResourceStore } from '../core/store.js';
import { bodyFormat, parseSingleDocument } from './body.js';
import { invalidResource, unsupportedMediaType, type ApiResponse } from './problem.js';
import { disclose } from './disclosure.js';
import { keyOf, sameContent, toInput } from './resource-form.js';
import type { WriteRole } from '../api/multizone-rules.js';
import { readOnlyKindRefusal, stamped, writeViolations } from './multizone-writes.js';
import {
  checkIfMatch,
  missingMesh,
  parseIfMatch,
  versionHeaders,
  type ApiRequest,
  type IfMatch,
} from './resources.js';

/** Attempts of a write without If-Match that loses a race with another writer. */
const WRITE_ATTEMPTS = 3;

/** Handle a PUT of one resource whose identity the URL gives as `key`. */
export async function putResource(
  store: ResourceStore,
  request: ApiRequest,
  type: ResourceKind,
  key: ResourceKey,
  companions: WriteCompanions = NO_COMPANIONS,
  checks: WriteChecks = NO_CHECKS,
  role?: WriteRole,
): Promise<ApiResponse> {
  const instance = request.url.pathname;
  const refused = readOnlyKindRefusal(role, type.kind, instance);
  if (refused) return refused;
  const contentType = request.headers['content-type'];
  const format = bodyFormat(contentType);
  if (format === undefined) return unsupportedMediaType(instance, contentType ?? '');
  const decoded = parseSingleDocument(request.body, format);
  if (!decoded.ok) return invalidResource(instance, decoded.violations);
  const parsed = parseResourceDocument(decoded.value);
  const violations = [
    ...(parsed.ok ? [] : parsed.violations),
    ...urlMismatches(decoded.value, parsed, type, key),
    ...(type.scope === 'mesh' ? await missingMesh(store, key.mesh, 'mesh') : []),
  ];
  if (!parsed.ok || violations.length > 0) return invalidResource(instance, dedupe(violations));
  const input = stamped(role, toInput(parsed.value));
  const found = await checks(input);
  if (found.length > 0) return invalidResource(instance, found);
  return write(store, instance, input, parseIfMatch(request), companions, role);
}

/**
 * Create or update, reporting which one happened exactly: the write is conditioned on what was
 * read (mustCreate, or the read version), so a concurrent writer makes it fail instead of the
 * answer lying. Without If-Match such a lost race is retried; with If-Match it is the caller's 409.
 * Writing identical content changes nothing and keeps the version (200).
 */
async function write(
  store: ResourceStore,
  instance: string,
  input: ResourceInput,
  ifMatch: IfMatch | undefined,
  companions: WriteCompanions,
  role: WriteRole | undefined,
): Promise<ApiResponse> {
  for (let attempt = 1; ; attempt++) {
    const existing = await store.get(keyOf(input));
    const refused = checkIfMatch(instance, ifMatch, existing);
    if (refused) return refused;
    const forbidden = [
      ...writeViolations(role, input, existing),
      ...(existing ? updateViolations(input.kind, existing.spec as never, input.spec as never) : []),
    ];
    if (forbidden.length > 0) return invalidResource(instance, forbidden);
    if (existing && sameContent(existing, input)) {
      return { status: 200, headers: versionHeaders(existing.version), body: disclose(existing, false) };
    }
    try {
      const options = existing ? { expectedVersion: existing.version } : { mustCreate: true };
      const extra = await companions(input, existing);
      const stored =
        extra.length === 0 ? await store.put(input, options) : ((await store.commit([{ op: 'put', resource: input, options }, ...extra])) as [StoredResource])[0];
      return { status: existing ? 200 : 201, headers: versionHeaders(stored.version), body: disclose(stored, false) };
    } catch (err) {
      if (!(err instanceof ConflictError) || ifMatch !== undefined || attempt >= WRITE_ATTEMPTS) throw err;
    }
  }
}

/** Kuma's messages when the body names another resource than the URL. */
function urlMismatches(
  raw: unknown,
  parsed: Result<ParsedResource>,
  type: ResourceKind,
  key: ResourceKey,
): Violation[] {
  const body = identityInBody(raw, parsed);
  const violations: Violation[] = [];
  if (body.type !== undefined && body.type !== type.kind) {
    violations.push({ field: 'type', message: 'type from the URL has to be the same as in body' });
  }
  if (body.name !== undefined && body.name !== key.name) {
    violations.push({ field: 'name', message: 'name from the URL has to be the same as in body' });
  }
  if (type.scope === 'mesh' && body.mesh !== undefined && body.mesh !== key.mesh) {
    violations.push({ field: 'mesh', message: 'mesh from the URL has to be the same as in body' });
  }
  return violations;
}

/**
 * The type, mesh and name the body claims: from the parsed document when it parsed (this covers
 * the Kubernetes form), else from the universal top-level fields so a mismatch is still reported
 * next to the schema violations.
 */
function identityInBody(
  raw: unknown,
  parsed: Result<ParsedResource>,
): { type?: string | undefined; mesh?: string | undefined; name?: string | undefined } {
  if (parsed.ok) return { type: parsed.value.kind, mesh: parsed.value.mesh, name: parsed.value.name };
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return {};
  const fields = raw as Record<string, unknown>;
  const text = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
  return { type: text(fields['type']), mesh: text(fields['mesh']), name: text(fields['name']) };
}

/** Violations without exact repeats (a validator and the URL check may both flag a field). */
function dedupe(violations: readonly Violation[]): Violation[] {
  const seen = new Set<string>();
  return violations.filter((v) => {
    const id = `${v.field}\u0000${v.message}`;
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}
