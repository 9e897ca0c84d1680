// Checks of a write that need more than the document: a provided mesh CA's certificate and key
// are read from a Secret or a file and checked as a pair (docs/mesh-mtls.md §1.2). The runtime supplies
// the function (the ca module and the disk are out of this layer's reach); PUT and apply report
// what it finds as 400 violations with field paths, like any other invalid input, and store
// nothing.
import type { Violation } from '../api/violation.js';
import type { ResourceInput } from '../core/resource.js';

/** The violations of writing `input`, found by reading the store or the disk. */
export type WriteChecks = (input: ResourceInput) => Promise<Violation[]>;

/** No checks (tests, and control planes without them). */
export const NO_CHECKS: WriteChecks = async () => [];
