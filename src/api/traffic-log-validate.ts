// Semantic checks of a decoded TrafficLog with Kuma's fields and messages: sources name a service,
// destinations are exactly one service each. `conf` and its backend may be left out (the mesh's
// default backend then applies), and a backend the mesh does not declare is not an error (the
// policy then logs nothing, as in Kuma).
import { validateConnectionPolicy } from './connection-policy.js';
import type { TrafficLogSpec } from './traffic-log.js';
import type { Violation } from './violation.js';

/** Every violation of a decoded TrafficLog spec, in document order. */
export function validateTrafficLog(spec: TrafficLogSpec): Violation[] {
  return validateConnectionPolicy(spec, 'service-only', () => []);
}
