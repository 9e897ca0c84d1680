// TrafficTrace (classic, docs/gateway.md §1.6, §2.12): which proxies trace the HTTP requests they
// handle, and to which of the mesh's tracing backends. Unlike connection policies it selects
// proxies only (`selectors[]`), matched against a proxy's tags.
import { SELECTORS_SCHEMA } from './common-schemas.js';
import { field, object, text, type ObjectSchema } from './schema.js';
import type { Selector } from './tags.js';

/** `conf` of a TrafficTrace: the backend, or the mesh's default backend when left out. */
export interface TrafficTraceConf {
  readonly backend?: string;
}

/** Spec of a TrafficTrace. */
export interface TrafficTraceSpec {
  /** The proxies that trace: alternatives, matched against any of a proxy's tag sets. */
  readonly selectors: readonly Selector[];
  readonly conf?: TrafficTraceConf;
}

/** Spec schema of a TrafficTrace. */
export const TRAFFIC_TRACE_SPEC_SCHEMA: ObjectSchema = object('Tracing of the requests handled by the selected proxies.', {
  selectors: field(SELECTORS_SCHEMA, 'Proxies the policy applies to, by their tags; at least one.', { default: [] }),
  conf: field(
    object('Where the spans go.', {
      backend: field(text(), "Name of a tracing backend of the mesh; the mesh's default backend when empty."),
    }),
    'The policy settings.',
  ),
});
