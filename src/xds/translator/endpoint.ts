// The ClusterLoadAssignment of one mesh cluster (gateway.md §2.15, endpoints). Endpoint tags go
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
    load_balancing_weight: { value: 1 },
  };
}

/**
 * The assignment named like its cluster. All endpoints share one locality group (the IR has no
 * localities). A cluster without endpoints still gets its (empty) assignment, so that Envoy
 * finishes warming the cluster instead of waiting for EDS.
 */
export function buildClusterLoadAssignment(cluster: ir.Cluster): object {
  return {
    cluster_name: cluster.name,
    ...(cluster.endpoints.length > 0 ? { endpoints: [{ lb_endpoints: cluster.endpoints.map(buildLbEndpoint) }] } : {}),
  };
}
