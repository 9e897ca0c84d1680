// Inbound listeners and local clusters of a sidecar (docs/mesh-mtls.md §4.3, §4.4). Timeouts are fixed on
// the inbound side: connect 10 s, TCP and HTTP idle 2 h, stream idle 1 h, route 0 s.
import type { Tracing } from '../../ir/policies.js';
import type * as ir from '../../ir/sidecar.js';
import { durationOf } from '../envoy/duration.js';
import { anyOf } from '../envoy/type-urls.js';
import { HTTP_PROTOCOL_OPTIONS_TYPE_NAME } from './cluster.js';
import { buildAdsConfigSource } from './config-source.js';
import { TLS_INSPECTOR_FILTER_NAME } from './listener.js';
import { KUMA_TAGS_HEADER } from './route-action.js';
import { MESH_ALPN } from './mesh-tls.js';
import { FAULT_FILTER_NAME } from './filters/fault.js';
import { LOCAL_RATELIMIT_FILTER_NAME, localRateLimitFilter } from './filters/local-ratelimit.js';
import { buildNetworkRbacFilter } from './network-rbac.js';
import { buildHttpFault, buildLocalRateLimit } from './route-filter-config.js';
import { buildCatchAllRouteConfig, buildSidecarHttpFilter, buildSidecarTcpFilter, buildTagsMetadata } from './sidecar-http.js';
import { DOWNSTREAM_TLS_CONTEXT_TYPE_NAME, TLS_TRANSPORT_SOCKET_NAME } from './tls-context.js';

const INBOUND_IDLE_SECONDS = 7200;
const INBOUND_STREAM_IDLE_SECONDS = 3600;
const LOCAL_CONNECT_TIMEOUT_SECONDS = 10;

/** `localhost_<port>`: the stat prefix of an inbound's filters and the local cluster's alt name. */
function localStatName(inbound: { readonly workloadPort: number }): string {
  return `localhost_${inbound.workloadPort}`;
}

/** The network filters of an inbound chain: tcp_proxy, or a connection manager for HTTP-based protocols. */
function inboundFilters(inbound: ir.Inbound, tracing: Tracing | undefined): object[] {
  if (inbound.protocol === 'tcp') return [buildSidecarTcpFilter(localStatName(inbound), inbound.localCluster, INBOUND_IDLE_SECONDS)];
  const routeConfig = buildCatchAllRouteConfig(
    `inbound:${inbound.service}`,
    inbound.service,
    inbound.localCluster,
    { request_headers_to_remove: [KUMA_TAGS_HEADER] },
    0,
    {},
    rateLimitRoutes(inbound),
  );
  return [
    buildSidecarHttpFilter({
      statPrefix: localStatName(inbound),
      protocol: inbound.protocol,
      timeouts: { idleSeconds: INBOUND_IDLE_SECONDS, streamIdleSeconds: INBOUND_STREAM_IDLE_SECONDS },
      routeConfig,
      policyFilters: policyFilters(inbound.policies),
      // The application sees the caller's SPIFFE ID, never a header the caller sent (docs/mesh-mtls.md §2.4).
      extra: { forward_client_cert_details: 'SANITIZE_SET', set_current_client_cert_details: { uri: true } },
      ...(tracing ? { tracing } : {}),
    }),
  ];
}

/** A match on the caller's `x-kuma-tags` (set by its own proxy; the inbound removes it before the application). */
function callerMatch(sourceRegex: string): object {
  return { name: KUMA_TAGS_HEADER, safe_regex_match: { regex: sourceRegex } };
}

/**
 * The HTTP filters of an inbound's policies, as Kuma's classic inbound: one fault filter per
 * FaultInjection, each limited to its callers, then the inert local rate limit filter when a
 * RateLimit selects the inbound (its routes configure it).
 */
function policyFilters(policies: ir.Inbound['policies']): object[] {
  if (!policies) return [];
  const faults = policies.faults.map((f) => {
    const fault = buildHttpFault(f.fault) as Record<string, unknown>;
    return { name: FAULT_FILTER_NAME, typed_config: { ...fault, headers: [callerMatch(f.sourceRegex)] } };
  });
  const rateLimit = policies.rateLimits.length > 0 ? [{ name: localRateLimitFilter.name, typed_config: localRateLimitFilter.buildConfig() }] : [];
  return [...faults, ...rateLimit];
}

/** One route per RateLimit with `http`, most specific callers first, each with its token bucket. */
function rateLimitRoutes(inbound: ir.Inbound): object[] {
  return (inbound.policies?.rateLimits ?? []).flatMap((r) =>
    r.rateLimit === undefined
      ? []
      : [
          {
            match: { prefix: '/', headers: [callerMatch(r.sourceRegex)] },
            route: { cluster: inbound.localCluster, timeout: durationOf(0) },
            typed_per_filter_config: { [LOCAL_RATELIMIT_FILTER_NAME]: buildLocalRateLimit(r.rateLimit) },
          },
        ],
  );
}

/** The DownstreamTlsContext of mesh mTLS: a client certificate of the mesh is required. */
function buildInboundTls(tls: ir.InboundTls): object {
  return {
    name: TLS_TRANSPORT_SOCKET_NAME,
    typed_config: anyOf(DOWNSTREAM_TLS_CONTEXT_TYPE_NAME, {
      common_tls_context: {
        tls_certificate_sds_secret_configs: [{ name: tls.identitySecret, sds_config: buildAdsConfigSource() }],
        combined_validation_context: {
          default_validation_context: { match_typed_subject_alt_names: [{ san_type: 'URI', matcher: { prefix: tls.clientSanPrefix } }] },
          validation_context_sds_secret_config: { name: tls.caSecret, sds_config: buildAdsConfigSource() },
        },
      },
      require_client_certificate: { value: true },
    }),
  };
}

/**
 * The filter chains of an inbound by mesh state (docs/mesh-mtls.md §4.4). Only the chain with the mesh's
 * TLS context checks TrafficPermission (RBAC first, docs/mesh-mtls.md §5.4): PERMISSIVE's plaintext and foreign-TLS
 * chains cannot know the client's identity, so they admit everyone, as in Kuma.
 */
function inboundChains(inbound: ir.Inbound, tracing: Tracing | undefined): object[] {
  const filters = inboundFilters(inbound, tracing);
  if (!inbound.tls) return [{ filters }];
  const mtlsChain = { filters: [buildNetworkRbacFilter(inbound.name, inbound.tls.rbac), ...filters], transport_socket: buildInboundTls(inbound.tls) };
  if (inbound.tls.mode === 'STRICT') return [mtlsChain];
  // PERMISSIVE: plaintext, TLS the application terminates itself, and mesh mTLS (ALPN kuma).
  return [
    { filter_chain_match: { transport_protocol: 'raw_buffer' }, filters },
    { filter_chain_match: { transport_protocol: 'tls' }, filters },
    { filter_chain_match: { transport_protocol: 'tls', application_protocols: [MESH_ALPN] }, ...mtlsChain },
  ];
}

/** The Envoy Listener of one inbound; HTTP inbounds trace with the proxy's TrafficTrace (docs/mesh-mtls.md §4.9). */
export function buildInboundListener(inbound: ir.Inbound, tracing?: Tracing): object {
  const permissive = inbound.tls?.mode === 'PERMISSIVE';
  return {
    name: inbound.name,
    address: { socket_address: { address: inbound.address, port_value: inbound.port } },
    filter_chains: inboundChains(inbound, tracing),
    ...(permissive
      ? { listener_filters: [{ name: TLS_INSPECTOR_FILTER_NAME, typed_config: anyOf('envoy.extensions.filters.listener.tls_inspector.v3.TlsInspector', {}) }] }
      : {}),
    traffic_direction: 'INBOUND',
    enable_reuse_port: { value: false },
    metadata: buildTagsMetadata(inbound.tags),
  };
}

/** The upstream HTTP options of a local cluster by protocol; TCP gets none. */
function localProtocolOptions(protocol: ir.SidecarProtocol): object {
  if (protocol === 'tcp') return {};
  const explicit = protocol === 'http' ? { http_protocol_options: {} } : { http2_protocol_options: {} };
  return {
    typed_extension_protocol_options: {
      [HTTP_PROTOCOL_OPTIONS_TYPE_NAME]: anyOf(HTTP_PROTOCOL_OPTIONS_TYPE_NAME, {
        common_http_protocol_options: { idle_timeout: durationOf(INBOUND_IDLE_SECONDS) },
        explicit_http_config: explicit,
      }),
    },
  };
}

/** The static cluster of a workload port. */
export function buildLocalCluster(cluster: ir.LocalCluster): object {
  return {
    name: cluster.name,
    alt_stat_name: localStatName({ workloadPort: cluster.port }),
    type: 'STATIC',
    connect_timeout: durationOf(LOCAL_CONNECT_TIMEOUT_SECONDS),
    load_assignment: {
      cluster_name: cluster.name,
      endpoints: [{ lb_endpoints: [{ endpoint: { address: { socket_address: { address: cluster.address, port_value: cluster.port } } } }] }],
    },
    ...localProtocolOptions(cluster.protocol),
  };
}
