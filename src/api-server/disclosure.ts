// What the REST API discloses of a stored resource. Kinds the registry marks `confidential`
// (Secret) follow these rules, which the tests in disclosure.test.ts hold the server to:
//
//   1. Lists never carry the spec: each item is metadata only (type, mesh, name, creationTime,
//      modificationTime and labels), and lists refuse `?reveal`.
//   2. GET of one resource carries the spec only with `?reveal=true`; otherwise metadata only.
//   3. PUT answers carry metadata only: the writer already has the data, and a proxy or log in
//      between need not see it again. POST /apply answers never carry specs of any kind.
//   4. Violations and error answers never quote values, and no log line carries a request
//      body or a spec (the router logs method, path and error only).
//
// Other kinds are always shown whole; `?reveal` is accepted on them and changes nothing.
import type { Result } from '../api/violation.js';
import { kindDescriptor } from '../api/resource-kinds.js';
import type { StoredResource } from '../core/resource.js';
import { toUniversal } from './resource-form.js';

/** The query parameter that asks GET of one resource for confidential data. */
export const REVEAL_PARAMETER = 'reveal';

/** The universal form of `resource` as the API may show it; `reveal` is the caller's explicit ask. */
export function disclose(resource: StoredResource, reveal: boolean): Record<string, unknown> {
  const full = toUniversal(resource);
  if (reveal || kindDescriptor(resource.kind).confidential !== true) return full;
  const metadata: Record<string, unknown> = {};
  for (const key of ['type', 'mesh', 'name', 'creationTime', 'modificationTime', 'labels']) {
    if (key in full) metadata[key] = full[key];
  }
  return metadata;
}

/** `?reveal=true|false` of a single GET; absent is false, any other value a violation. */
export function parseReveal(query: URLSearchParams): Result<boolean> {
  const raw = query.get(REVEAL_PARAMETER);
  if (raw === null || raw === 'false') return { ok: true, value: false };
  if (raw === 'true') return { ok: true, value: true };
  return { ok: false, violations: [{ field: REVEAL_PARAMETER, message: 'must be "true" or "false"' }] };
}
