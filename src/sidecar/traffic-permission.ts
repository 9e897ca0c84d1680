// Which TrafficPermission applies to an inbound, and whom it admits (docs/mesh-mtls.md §5.2, §5.3). Exactly
// one policy per inbound: permissions do not add up, so an exact `backend` destination next to an
// `allow-all` wildcard makes the exact one the only policy of `backend`. Pure.
import { SERVICE_TAG, type Selector, type Tags } from '../api/tags.js';
import { compareBytes } from '../core/byte-order.js';
import type { InboundRbac } from '../ir/sidecar.js';
import { selectTrafficPermission, type TrafficPermission } from '../mesh/traffic-permission-selection.js';

export { selectTrafficPermission, type TrafficPermission } from '../mesh/traffic-permission-selection.js';

/**
 * The principals of one source selector, all of which must hold: `kuma://<key>/<value>` per
 * exact non-service tag, ordered by key (Kuma uses map order, difference M1), then
 * `spiffe://<mesh>/<service>` for an exact service. Empty means any client of the mesh. The
 * strings are the URIs workload certificates carry (src/ca/workload-identity.ts).
 */
export function sourcePrincipals(mesh: string, source: Selector): string[] {
  const keys = Object.keys(source.match).sort(compareBytes);
  const principals: string[] = [];
  for (const key of keys) {
    const value = source.match[key]!;
    if (key !== SERVICE_TAG && value !== '*') principals.push(`kuma://${key}/${value}`);
  }
  const service = source.match[SERVICE_TAG];
  if (service !== undefined && service !== '*') principals.push(`spiffe://${mesh}/${service}`);
  return principals;
}

/** The network RBAC of an inbound with `tags`: the winning policy's sources, or deny all. */
export function inboundRbac(mesh: string, policies: readonly TrafficPermission[], tags: Tags): InboundRbac {
  const policy = selectTrafficPermission(policies, tags);
  if (!policy) return { sources: [] };
  return { policy: policy.name, sources: policy.spec.sources.map((s) => sourcePrincipals(mesh, s)) };
}
