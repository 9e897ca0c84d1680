// Resources that a write brings along: writing a Mesh with a builtin CA backend also creates the
// CA's two Secrets, and creating a Mesh creates its default TrafficPermission, in the same commit,
// so that the answer to the PUT already finds them (docs/mesh-mtls.md §1.3, §5.5). The runtime supplies the
// function (making a CA needs the ca module, which this layer may not import); the write paths
// only add what it returns to their commit.
import type { ResourceInput, StoredResource } from '../core/resource.js';
import type { WriteOp } from '../core/store.js';

/**
 * The store writes to commit together with `input` (each with its own precondition, so a
 * concurrent writer turns the commit into a conflict and the write is retried). `existing` is
 * the stored version the write replaces, undefined for a create. Called after validation, before
 * the commit; it may read the store.
 */
export type WriteCompanions = (input: ResourceInput, existing: StoredResource | undefined) => Promise<readonly WriteOp[]>;

/** No companions (tests, and control planes without a mesh CA). */
export const NO_COMPANIONS: WriteCompanions = async () => [];
