// A cluster to a tracing or TCP access log collector given by host and port (Kuma's provided
// endpoint cluster): STATIC for an IP address, STRICT_DNS (IPv4) for a name, connect timeout 5s.
import { isIP } from 'node:net';
import type { CollectorCluster } from '../../ir/policies.js';
import { durationOf } from '../envoy/duration.js';

/** The cluster with its endpoint inline (no EDS). */
export function buildCollectorCluster(collector: CollectorCluster): object {
  const ip = isIP(collector.host) !== 0;
  return {
    name: collector.name,
    type: ip ? 'STATIC' : 'STRICT_DNS',
    ...(ip ? {} : { dns_lookup_family: 'V4_ONLY' }),
    connect_timeout: durationOf(5),
    load_assignment: {
      cluster_name: collector.name,
      endpoints: [{ lb_endpoints: [{ endpoint: { address: { socket_address: { address: collector.host, port_value: collector.port } } } }] }],
    },
  };
}
