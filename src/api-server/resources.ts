// Read and delete handlers of the resource endpoints, and the pieces PUT shares with them
// (version headers, If-Match). Handlers return responses; store errors propagate to the router,
// which maps ConflictError to 409 and StoreUnavailableError to 503 in one place.
import type { Violation } from '../api/violation.js';
import { DEFAULT_POLICY_KINDS, isDefaultPolicy } from '../api/mesh-default-policies.js';
import { isBuiltinCaSecret } from '../api/mesh-validate.js';
import { RESOURCE_KINDS } from '../api/resource-kinds.js';
import type { Kind, ResourceKey, StoredResource } from '../core/resource.js';
import type { ResourceStore, WriteOptions } from '../core/store.js';
import { disclose, parseReveal, REVEAL_PARAMETER } from './disclosure.js';
import { pageOf, parsePaging } from './paging.js';
import { badRequest, conflict, invalidResource, notFound, type ApiResponse } from './problem.js';
import type { WriteRole } from '../api/multizone-rules.js';
import { deleteViolations, readOnlyKindRefusal } from './multizone-writes.js';
import { meshKey } from './resource-form.js';
import { zoneDeleteViolations, type ZoneInsightSpec } from '../api/zone-insight.js';

/** A decoded request as the router sees it; the server fills it in after reading the body. */
export interface ApiRequest {
  readonly method: string;
  /** Absolute URL of the request (scheme and host from the Host header), used to build `next`. */
  readonly url: URL;
  /** Header names in lower case. */
  readonly headers: Readonly<Record<string, string | undefined>>;
  /** The body as text; empty for requests without one. */
  readonly body: string;
  /** The socket peer's address as Node reports it (`127.0.0.1`, `::1`); absent when not from a socket. */
  readonly remoteAddress?: string;
}

/** What a If-Match header asks for: any existing version (`*`) or one exact version. */
export type IfMatch = { readonly any: true } | { readonly any: false; readonly version: string };

/** Most blocking resources named per kind in a `mesh is in use` message. */
const MAX_NAMED_BLOCKERS = 10;

/** Response headers carrying a resource version: Portico's own header, and a standard ETag. */
export function versionHeaders(version: string): Record<string, string> {
  return { 'x-portico-version': version, etag: `"${version}"` };
}

/** The If-Match precondition of a request; quotes and a weak `W/` prefix are accepted. */
export function parseIfMatch(request: ApiRequest): IfMatch | undefined {
  const raw = request.headers['if-match']?.trim();
  if (raw === undefined || raw === '') return undefined;
  if (raw === '*') return { any: true };
  return { any: false, version: raw.replace(/^W\//, '').replace(/^"(.*)"$/, '$1') };
}

/** Store options for an If-Match on a write that does not otherwise constrain the version. */
export function ifMatchOptions(ifMatch: IfMatch | undefined): WriteOptions {
  return ifMatch && !ifMatch.any ? { expectedVersion: ifMatch.version } : {};
}

/** 409 when the stored resource does not satisfy If-Match, otherwise undefined. */
export function checkIfMatch(
  instance: string,
  ifMatch: IfMatch | undefined,
  stored: StoredResource | undefined,
): ApiResponse | undefined {
  if (ifMatch === undefined) return undefined;
  if (stored === undefined) return conflict(instance, 'If-Match given but the resource does not exist');
  if (!ifMatch.any && stored.version !== ifMatch.version) {
    return conflict(instance, `version conflict (If-Match ${ifMatch.version}, stored ${stored.version})`);
  }
  return undefined;
}

/** GET of one resource, with its version in the headers; confidential data only on `?reveal=true`. */
export async function getResource(store: ResourceStore, request: ApiRequest, key: ResourceKey): Promise<ApiResponse> {
  const reveal = parseReveal(request.url.searchParams);
  if (!reveal.ok) return badRequest(request.url.pathname, 'invalid query parameters', reveal.violations);
  const stored = await store.get(key);
  if (!stored) return notFound(request.url.pathname);
  return { status: 200, headers: versionHeaders(stored.version), body: disclose(stored, reveal.value) };
}

/** GET of a list: one mesh when `mesh` is given, every mesh otherwise. */
export async function listResources(
  store: ResourceStore,
  request: ApiRequest,
  kind: Kind,
  mesh: string | undefined,
): Promise<ApiResponse> {
  const paging = parsePaging(request.url.searchParams);
  if (!paging.ok) return badRequest(request.url.pathname, 'invalid paging parameters', paging.violations);
  if (request.url.searchParams.has(REVEAL_PARAMETER)) {
    const violation = { field: REVEAL_PARAMETER, message: 'is accepted only when getting one resource' };
    return badRequest(request.url.pathname, 'invalid query parameters', [violation]);
  }
  const all = await store.list(kind, mesh === undefined ? {} : { mesh });
  return { status: 200, body: pageOf(all.map((r) => disclose(r, false)), paging.value, request.url) };
}

/** DELETE of one resource; a Mesh that still holds resources is refused with what blocks it. */
export async function deleteResource(
  store: ResourceStore,
  request: ApiRequest,
  key: ResourceKey,
  role?: WriteRole,
): Promise<ApiResponse> {
  const instance = request.url.pathname;
  if (role) {
    const refused = readOnlyKindRefusal(role, key.kind, instance);
    if (refused) return refused;
    const stored = await store.get(key);
    const violations = stored ? deleteViolations(role, stored) : [];
    if (violations.length > 0) return invalidResource(instance, violations);
  }
  if (key.kind === 'Mesh') return deleteMesh(store, request, key);
  if (key.kind === 'Zone') return deleteZone(store, request, key);
  const deleted = await store.delete(key, ifMatchOptions(parseIfMatch(request)));
  return deleted ? { status: 200, body: {} } : notFound(instance);
}

/**
 * A Zone goes only while its control plane is offline, as its ZoneInsight records
 * (docs/multizone.md §6); the insight goes with it. The copies the zone owns are not removed yet: sync creates them.
 */
async function deleteZone(store: ResourceStore, request: ApiRequest, key: ResourceKey): Promise<ApiResponse> {
  const instance = request.url.pathname;
  const zone = await store.get(key);
  if (!zone) return notFound(instance);
  const insightKey: ResourceKey = { kind: 'ZoneInsight', mesh: key.name, name: key.name };
  const insight = await store.get(insightKey);
  const violations = zoneDeleteViolations(insight?.spec as ZoneInsightSpec | undefined);
  if (violations.length > 0) return invalidResource(instance, violations);
  const ifMatch = parseIfMatch(request);
  await store.commit([
    { op: 'delete', key, options: ifMatch && !ifMatch.any ? { expectedVersion: ifMatch.version } : { expectedVersion: zone.version } },
    ...(insight ? [{ op: 'delete' as const, key: insightKey, options: { expectedVersion: insight.version } }] : []),
  ]);
  return { status: 200, body: {} };
}

/**
 * A Mesh goes only when nothing of the user's is left in it; what the control plane created with
 * it (its builtin CA Secrets, its default `allow-all-<mesh>` TrafficPermission) goes in the same
 * commit (Kuma deletes them through the owner reference, docs/mesh-mtls.md §1.3, §5.5).
 */
async function deleteMesh(store: ResourceStore, request: ApiRequest, key: ResourceKey): Promise<ApiResponse> {
  const instance = request.url.pathname;
  const blockers = await meshUsers(store, key.name);
  if (blockers.length > 0) return badRequest(instance, 'mesh is in use', blockers);
  const mesh = await store.get(key);
  if (!mesh) return notFound(instance);
  const owned = await meshOwned(store, key.name);
  const ifMatch = parseIfMatch(request);
  await store.commit([
    { op: 'delete', key, options: ifMatch && !ifMatch.any ? { expectedVersion: ifMatch.version } : { expectedVersion: mesh.version } },
    ...owned.map((s) => ({ op: 'delete' as const, key: { kind: s.kind, mesh: s.mesh, name: s.name }, options: { expectedVersion: s.version } })),
  ]);
  return { status: 200, body: {} };
}

/**
 * Whether a resource of `mesh` was created by the control plane with the Mesh: it neither keeps
 * the Mesh in use nor outlives it.
 */
function isMeshOwned(mesh: string, resource: { readonly kind: Kind; readonly name: string }): boolean {
  if (resource.kind === 'Secret') return isBuiltinCaSecret(mesh, resource.name);
  return isDefaultPolicy(mesh, resource.kind, resource.name);
}

/** The resources of `mesh` that go with it. */
async function meshOwned(store: ResourceStore, mesh: string): Promise<StoredResource[]> {
  const candidates: StoredResource[] = [...(await store.list('Secret', { mesh }))];
  for (const kind of DEFAULT_POLICY_KINDS) candidates.push(...(await store.list(kind, { mesh })));
  return candidates.filter((r) => isMeshOwned(mesh, r));
}

/** 400 `mesh not found` violations when a mesh-scoped resource names a missing mesh. */
export async function missingMesh(store: ResourceStore, mesh: string, field: string): Promise<Violation[]> {
  return (await store.get(meshKey(mesh))) ? [] : [{ field, message: 'mesh not found' }];
}

/** One violation per kind that still has resources in the mesh, naming them. */
async function meshUsers(store: ResourceStore, mesh: string): Promise<Violation[]> {
  const violations: Violation[] = [];
  for (const type of RESOURCE_KINDS.filter((t) => t.scope === 'mesh')) {
    const names = (await store.list(type.kind, { mesh })).filter((r) => !isMeshOwned(mesh, r)).map((r) => r.name);
    if (names.length === 0) continue;
    const shown = names.slice(0, MAX_NAMED_BLOCKERS).join(', ');
    const more = names.length > MAX_NAMED_BLOCKERS ? ` and ${names.length - MAX_NAMED_BLOCKERS} more` : '';
    violations.push({ field: 'mesh', message: `mesh is in use by ${type.plural}: ${shown}${more}` });
  }
  return violations;
}
