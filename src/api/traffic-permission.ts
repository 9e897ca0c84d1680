// TrafficPermission (classic, docs/mesh-mtls.md §5.1): which clients may open connections to which
// inbounds of an mTLS mesh. Sources and destinations are tag selectors; only destinations choose
// the policy of an inbound, sources become the principals it admits (src/sidecar).
import { SELECTORS_SCHEMA } from './common-schemas.js';
import { field, object, type ObjectSchema } from './schema.js';
import type { Selector } from './tags.js';

/** Spec of a TrafficPermission. */
export interface TrafficPermissionSpec {
  /** Who may connect: alternatives, each matched against the client's certificate. */
  readonly sources: readonly Selector[];
  /** Which inbounds the policy is for: alternatives, matched against an inbound's tags. */
  readonly destinations: readonly Selector[];
}

/** Spec schema of a TrafficPermission. */
export const TRAFFIC_PERMISSION_SPEC_SCHEMA: ObjectSchema = object('Which clients of the mesh may connect to which services.', {
  sources: field(SELECTORS_SCHEMA, 'Clients admitted, by the tags of their identity; at least one.', { default: [] }),
  destinations: field(SELECTORS_SCHEMA, 'Inbounds the policy applies to, by their tags; at least one.', { default: [] }),
});
