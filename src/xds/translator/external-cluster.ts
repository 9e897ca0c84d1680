// The parts of an external cluster (docs/gateway.md §2.15) that replace EDS and mesh mTLS: the discovery
// type, the inline load assignment and one transport socket match per TLS ExternalService. Shared
// by gateway and sidecar clusters, which add their own timeouts and protocol options.
import type * as ir from '../../ir/external-service.js';
import { anyOf } from '../envoy/type-urls.js';
import { buildStringStruct, ENDPOINT_METADATA_NAMESPACES } from './endpoint.js';
import { UPSTREAM_TLS_CONTEXT_TYPE_NAME } from './mesh-tls.js';
import { TLS_TRANSPORT_SOCKET_NAME } from './tls-context.js';

const ZONE_TAG = 'kuma.io/zone';

/** `type`, `dns_lookup_family`, `load_assignment` and `transport_socket_matches` of an external cluster. */
export function buildExternalDiscovery(external: ir.ExternalCluster): object {
  const matches = external.endpoints.filter((e) => e.tls !== undefined).map(buildTransportSocketMatch);
  return {
    type: external.discovery,
    // Portico's proxies are IPv4 (Kuma: AUTO only for an IPv6 dataplane).
    ...(external.discovery === 'STRICT_DNS' ? { dns_lookup_family: 'V4_ONLY' } : {}),
    load_assignment: buildExternalAssignment(external),
    ...(matches.length > 0 ? { transport_socket_matches: matches } : {}),
  };
}

/** One LbEndpoint of an ExternalService: its tags as metadata, weight 1. */
function buildExternalLbEndpoint(endpoint: ir.ExternalEndpoint): object {
  const hasTags = Object.keys(endpoint.tags).length > 0;
  return {
    endpoint: { address: { socket_address: { address: endpoint.address, port_value: endpoint.port } } },
    ...(hasTags ? { metadata: { filter_metadata: Object.fromEntries(ENDPOINT_METADATA_NAMESPACES.map((ns) => [ns, buildStringStruct(endpoint.tags)])) } } : {}),
    load_balancing_weight: { value: 1 },
  };
}

/**
 * The inline assignment, named after the service: endpoints grouped by their `kuma.io/zone`
 * locality (endpoints without one first, then zones ascending), all at priority 0.
 */
function buildExternalAssignment(external: ir.ExternalCluster): object {
  const groups = new Map<string, ir.ExternalEndpoint[]>();
  for (const e of external.endpoints) {
    const zone = e.tags[ZONE_TAG] ?? '';
    groups.set(zone, [...(groups.get(zone) ?? []), e]);
  }
  const endpoints = [...groups.keys()].sort().map((zone) => ({
    ...(zone === '' ? {} : { locality: { zone } }),
    lb_endpoints: groups.get(zone)!.map(buildExternalLbEndpoint),
  }));
  return { cluster_name: external.assignmentName, endpoints };
}

/**
 * The TLS of one ExternalService, chosen by Envoy for the endpoints whose metadata holds every
 * tag of `match` (its tags carry the ExternalService's name, so it matches only itself). Other
 * endpoints of the cluster use no TLS.
 */
function buildTransportSocketMatch(endpoint: ir.ExternalEndpoint): object {
  return {
    name: endpoint.address,
    match: buildStringStruct(endpoint.tags),
    transport_socket: { name: TLS_TRANSPORT_SOCKET_NAME, typed_config: anyOf(UPSTREAM_TLS_CONTEXT_TYPE_NAME, buildExternalTlsContext(endpoint.tls!)) },
  };
}

/**
 * The UpstreamTlsContext of an ExternalService: SNI, renegotiation, the client certificate, and
 * with a CA the verification of the chain and of the name (as DNS or IP SAN). Without a CA the
 * server is not verified, as in Kuma.
 */
export function buildExternalTlsContext(tls: ir.ExternalTls): Record<string, unknown> {
  const common = {
    ...(tls.clientCertificate
      ? { tls_certificates: [{ certificate_chain: { inline_string: tls.clientCertificate.certificateChainPem }, private_key: { inline_string: tls.clientCertificate.privateKeyPem } }] }
      : {}),
    ...(tls.caPem !== undefined
      ? {
          validation_context: {
            trusted_ca: { inline_string: tls.caPem },
            ...(tls.verifyName !== undefined
              ? { match_typed_subject_alt_names: (['DNS', 'IP_ADDRESS'] as const).map((san_type) => ({ san_type, matcher: { exact: tls.verifyName } })) }
              : {}),
          },
        }
      : {}),
  };
  return {
    ...(Object.keys(common).length > 0 ? { common_tls_context: common } : {}),
    ...(tls.sni !== '' ? { sni: tls.sni } : {}),
    ...(tls.allowRenegotiation ? { allow_renegotiation: true } : {}),
  };
}
