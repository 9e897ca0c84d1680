// TrafficLog (classic, docs/gateway.md §1.6, §2.16; docs/mesh-mtls.md §4.9): which traffic between sources and
// destination services is access-logged, and to which of the mesh's logging backends.
import { connectionPolicySchema, type ConnectionPolicySpec } from './connection-policy.js';
import { field, object, text, type ObjectSchema } from './schema.js';

/** `conf` of a TrafficLog: the backend, or the mesh's default backend when left out. */
export interface TrafficLogConf {
  readonly backend?: string;
}

/** Spec of a TrafficLog; Kuma allows it without `conf`. */
export type TrafficLogSpec = ConnectionPolicySpec<TrafficLogConf | undefined>;

/** Spec schema of a TrafficLog. */
export const TRAFFIC_LOG_SPEC_SCHEMA: ObjectSchema = connectionPolicySchema(
  'Access logging of the traffic from the sources to the destination services.',
  object('Where the access log goes.', {
    backend: field(text(), "Name of a logging backend of the mesh; the mesh's default backend when empty."),
  }),
);
