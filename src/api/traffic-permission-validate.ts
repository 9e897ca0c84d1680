// Semantic checks of a decoded TrafficPermission, with Kuma's fields and messages (docs/mesh-mtls.md §5.1):
// each list needs a selector, each selector a tag; `kuma.io/service` is not required.
import { validateSelectors } from './tag-validation.js';
import type { TrafficPermissionSpec } from './traffic-permission.js';
import type { Violation } from './violation.js';

/** Every violation of a decoded TrafficPermission spec, in document order. */
export function validateTrafficPermission(spec: TrafficPermissionSpec): Violation[] {
  return [
    ...validateSelectors(spec.sources, 'sources', { requireService: false }),
    ...validateSelectors(spec.destinations, 'destinations', { requireService: false }),
  ];
}
