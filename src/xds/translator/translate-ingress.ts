// The zone ingress IR -> Envoy (docs/multizone.md §7.3). Pure: the same IR always gives the same
// resources, sorted by name within each type. One listener with a TLS inspector and one filter
// chain per SNI, each a TCP proxy to its `<mesh>:<service>` cluster (narrowed to a subset by the
// destination's relevant tags); no certificates: the mesh's TLS passes through to the sidecar.
import type * as ir from '../../ir/zone-ingress.js';
import { durationOfMillis } from '../envoy/duration.js';
import { anyOf } from '../envoy/type-urls.js';
import { buildAdsConfigSource } from './config-source.js';
import { buildLbEndpoint, buildStringStruct } from './endpoint.js';
import { statPrefixOf } from './http-connection-manager.js';
import { TLS_INSPECTOR_FILTER_NAME } from './listener.js';
import { TCP_PROXY_FILTER_NAME, TCP_PROXY_TYPE_NAME } from './tcp-proxy.js';
import type { EnvoyResources } from './translate.js';

/** Connect timeout of the ingress's clusters (Kuma's 5 s). */
const INGRESS_CONNECT_TIMEOUT_MS = 5_000;

/** `inbound:<address>:<port>`, Kuma's name of the ingress listener. */
export function ingressListenerName(proxy: ir.ZoneIngressProxy): string {
  return `inbound:${proxy.address}:${proxy.port}`;
}

function tcpProxyChain(chain: ir.IngressChain): object {
  const subset = Object.keys(chain.subset).length > 0 ? { metadata_match: { filter_metadata: { 'envoy.lb': buildStringStruct(chain.subset) } } } : {};
  return {
    filter_chain_match: { server_names: [chain.sni], transport_protocol: 'tls' },
    filters: [
      {
        name: TCP_PROXY_FILTER_NAME,
        typed_config: anyOf(TCP_PROXY_TYPE_NAME, { stat_prefix: statPrefixOf(chain.statPrefix), cluster: chain.cluster, ...subset }),
      },
    ],
  };
}

/** The only chain of an ingress with no service: it tells a caller whose ingress it reached. */
function directResponseChain(body: string, listener: string): object {
  return {
    filters: [
      {
        name: 'envoy.filters.network.direct_response',
        typed_config: anyOf('envoy.extensions.filters.network.direct_response.v3.Config', { response: { inline_string: body } }),
      },
    ],
    name: `${listener}:direct-response`,
  };
}

/** The ingress listener. */
export function buildIngressListener(proxy: ir.ZoneIngressProxy): object {
  const name = ingressListenerName(proxy);
  return {
    name,
    address: { socket_address: { address: proxy.address, port_value: proxy.port } },
    filter_chains: proxy.directResponse !== undefined ? [directResponseChain(proxy.directResponse, name)] : proxy.chains.map(tcpProxyChain),
    listener_filters: [{ name: TLS_INSPECTOR_FILTER_NAME, typed_config: anyOf('envoy.extensions.filters.listener.tls_inspector.v3.TlsInspector', {}) }],
    traffic_direction: 'INBOUND',
    enable_reuse_port: { value: false },
  };
}

/** One `<mesh>:<service>` cluster, with subsets when some chain narrows it. */
export function buildIngressCluster(cluster: ir.IngressCluster): object {
  return {
    name: cluster.name,
    alt_stat_name: cluster.altStatName,
    type: 'EDS',
    eds_cluster_config: { eds_config: buildAdsConfigSource() },
    connect_timeout: durationOfMillis(INGRESS_CONNECT_TIMEOUT_MS),
    ...(cluster.subsetKeys.length > 0
      ? { lb_subset_config: { fallback_policy: 'ANY_ENDPOINT', subset_selectors: cluster.subsetKeys.map((keys) => ({ keys: [...keys], fallback_policy: 'NO_FALLBACK' })) } }
      : {}),
  };
}

/** The assignment of one cluster: the zone's own endpoints, one locality group. */
export function buildIngressAssignment(cluster: ir.IngressCluster): object {
  return { cluster_name: cluster.name, ...(cluster.endpoints.length > 0 ? { endpoints: [{ lb_endpoints: cluster.endpoints.map(buildLbEndpoint) }] } : {}) };
}

/** Every resource of a zone ingress proxy. */
export function buildIngressResources(proxy: ir.ZoneIngressProxy): EnvoyResources {
  return {
    clusters: proxy.clusters.map((c) => ({ name: c.name, resource: buildIngressCluster(c) })),
    endpoints: proxy.clusters.map((c) => ({ name: c.name, resource: buildIngressAssignment(c) })),
    listeners: [{ name: ingressListenerName(proxy), resource: buildIngressListener(proxy) }],
    routes: [],
    runtimes: [],
    secrets: [],
  };
}
