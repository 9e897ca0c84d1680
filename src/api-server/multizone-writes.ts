// The multi-zone write rules (src/api/multizone-rules.ts) at the REST API's edge: the 405 of a
// read-only kind, the labels a write stores, and the label violations of a write or a delete.
import { kindDescriptor, type ResourceKindName } from '../api/resource-kinds.js';
import { labelViolations, readOnlyDetail, stampedLabels, stampedZoneTags, type WriteRole } from '../api/multizone-rules.js';
import type { Violation } from '../api/violation.js';
import type { ResourceInput, StoredResource } from '../core/resource.js';
import { problem, type ApiResponse } from './problem.js';

/** 405 when `role` may not write `kind` at all (Kuma's title and detail), else undefined. */
export function readOnlyKindRefusal(role: WriteRole | undefined, kind: ResourceKindName, instance: string): ApiResponse | undefined {
  if (!role) return undefined;
  const detail = readOnlyDetail(role, kindDescriptor(kind).multizone);
  return detail === undefined ? undefined : problem(405, 'Method not allowed', detail, instance);
}

/** `input` with the labels this role stores on it (origin, zone), and a Dataplane's zone tags. */
export function stamped(role: WriteRole | undefined, input: ResourceInput): ResourceInput {
  if (!role) return input;
  const labels = stampedLabels(role, input.labels);
  const spec = stampedZoneTags(role, input.kind, input.spec);
  return { ...input, spec, ...(labels && Object.keys(labels).length > 0 ? { labels } : {}) } as ResourceInput;
}

/** Label violations of creating `input` or replacing `existing` with it. */
export function writeViolations(role: WriteRole | undefined, input: ResourceInput, existing: StoredResource | undefined): Violation[] {
  if (!role) return [];
  return labelViolations(role, {
    operation: existing ? 'update' : 'create',
    mesh: meshOf(input.kind, input.mesh),
    name: input.name,
    labels: input.labels ?? {},
    ...(existing ? { previous: existing.labels ?? {} } : {}),
  });
}

/** Label violations of deleting `stored`. */
export function deleteViolations(role: WriteRole | undefined, stored: StoredResource): Violation[] {
  if (!role) return [];
  return labelViolations(role, { operation: 'delete', mesh: meshOf(stored.kind, stored.mesh), name: stored.name, labels: stored.labels ?? {} });
}

function meshOf(kind: ResourceKindName, mesh: string): string | undefined {
  return kindDescriptor(kind).scope === 'mesh' ? mesh : undefined;
}
