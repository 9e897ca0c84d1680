// Entry point of the sidecar IR -> Envoy translation (docs/mesh-mtls.md §4). Pure: the same IR always gives
// the same resources, sorted by name within each type. Every listener of a sidecar binds the
// sidecar's own addresses, so nothing is split per replica as for gateways.
import { buildCollectorCluster } from './collector-cluster.js';
import type * as ir from '../../ir/sidecar.js';
import { buildCaBundleSecret } from './mesh-tls.js';
import { buildInboundListener, buildLocalCluster } from './sidecar-inbound.js';
import { buildOutboundAssignment, buildOutboundCluster, buildOutboundListener } from './sidecar-outbound.js';
import type { EnvoyResources, NamedResource } from './translate.js';

function byName(resources: NamedResource[]): NamedResource[] {
  return resources.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** Every resource of a sidecar proxy but its own certificate (added per proxy at generation). */
export function buildSidecarResources(sidecar: ir.Sidecar): EnvoyResources {
  return {
    clusters: byName([
      ...sidecar.localClusters.map((c) => ({ name: c.name, resource: buildLocalCluster(c) })),
      ...sidecar.clusters.map((c) => ({ name: c.name, resource: buildOutboundCluster(c) })),
      ...(sidecar.collectors ?? []).map((c) => ({ name: c.name, resource: buildCollectorCluster(c) })),
    ]),
    // External clusters carry their endpoints inline: no EDS resource.
    endpoints: byName(sidecar.clusters.filter((c) => !c.external).map((c) => ({ name: c.name, resource: buildOutboundAssignment(c) }))),
    listeners: byName([
      ...sidecar.inbounds.map((i) => ({ name: i.name, resource: buildInboundListener(i, sidecar.tracing) })),
      ...sidecar.outbounds.map((o) => ({ name: o.name, resource: buildOutboundListener(o, sidecar) })),
    ]),
    routes: [],
    runtimes: [],
    secrets: byName((sidecar.mtls?.caBundles ?? []).map((b) => ({ name: b.secretName, resource: buildCaBundleSecret(b) }))),
  };
}
