// The ClusterLoadAssignment of one mesh cluster (docs/gateway.md §2.15, endpoints). Endpoint tags go
// into metadata twice: `envoy.lb` for subset load balancing and `envoy.transport_socket_match`
// for transport socket selection; both are Structs of string values.
import type * as ir from '../../ir/gateway.js';

/** Metadata namespaces that carry an endpoint's tags. */
export const ENDPOINT_METADATA_NAMESPACES = ['envoy.lb', 'envoy.transport_socket_match'] as const;

/**
 * A Struct of string values, keys ascending. `stringValue` is camelCase on purpose: protobufjs
 * defines google.protobuf.Value itself and ignores the root's keepCase for it.
 */
export function buildStringStruct(values: ir.Tags): object {
  const fields: Record<string, object> = {};
  for (const key of Object.keys(values).sort()) fields[key] = { stringValue: values[key] ?? '' };
  return { fields };
}

/** One LbEndpoint; an endpoint without tags gets no metadata. */
export function buildLbEndpoint(endpoint: ir.Endpoint): object {
  const hasTags = Object.keys(endpoint.tags).length > 0;
  return {
    endpoint: { address: { socket_address: { address: endpoint.address, port_value: endpoint.port } } },
    ...(hasTags
      ? { metadata: { filter_metadata: Object.fromEntries(ENDPOINT_METADATA_NAMESPACES.map((ns) => [ns, buildStringStruct(endpoint.tags)])) } }
      : {}),
    load_balancing_weight: { value: endpoint.weight ?? 1 },
  };
}

/** The tag naming an endpoint's zone, which becomes its locality. */
const ZONE_TAG = 'kuma.io/zone';

/**
 * Endpoints grouped by their `kuma.io/zone` locality: endpoints without a zone in one group
 * without locality first, then zones in ascending order, all at priority 0. Without
 * locality-weighted load balancing Envoy balances over every endpoint of the priority by weight,
 * so remote zones' ingresses share traffic by their instance counts (docs/multizone.md).
 */
export function buildLocalityGroups(endpoints: readonly ir.Endpoint[]): object[] {
  const groups = new Map<string, ir.Endpoint[]>();
  for (const e of endpoints) {
    const zone = e.tags[ZONE_TAG] ?? '';
    const list = groups.get(zone) ?? [];
    list.push(e);
    groups.set(zone, list);
  }
  return [...groups.keys()].sort().map((zone) => ({
    ...(zone === '' ? {} : { locality: { zone } }),
    lb_endpoints: groups.get(zone)!.map(buildLbEndpoint),
  }));
}

/**
 * The assignment named like its cluster, endpoints grouped by zone. A cluster without endpoints
 * still gets its (empty) assignment, so that Envoy finishes warming the cluster instead of
 * waiting for EDS.
 */
export function buildClusterLoadAssignment(cluster: ir.Cluster): object {
  return {
    cluster_name: cluster.name,
    ...(cluster.endpoints.length > 0 ? { endpoints: buildLocalityGroups(cluster.endpoints) } : {}),
  };
}
