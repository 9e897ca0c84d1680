// Semantic checks of a decoded TrafficTrace with Kuma's fields and messages: at least one
// selector, each with at least one tag (no `kuma.io/service` required). `conf` may be left out.
import { validateSelectors } from './tag-validation.js';
import type { TrafficTraceSpec } from './traffic-trace.js';
import type { Violation } from './violation.js';

/** Every violation of a decoded TrafficTrace spec, in document order. */
export function validateTrafficTrace(spec: TrafficTraceSpec): Violation[] {
  return validateSelectors(spec.selectors, 'selectors', { requireService: false });
}
