// The filter chains of one listener by protocol (docs/gateway.md §2.12-§2.14). The IR fixes the
// chain order (docs/gateway.md §2.6 group order); this keeps it and checks the shape each protocol needs, so
// impossible IR fails here with the listener's name rather than as an Envoy NACK.
import type * as ir from '../../ir/gateway.js';
import { buildSniFilterChainMatch } from './filter-chain-match.js';
import { buildHttpConnectionManagerFilter, type ConnectionManagerPolicies } from './http-connection-manager.js';
import { ALL_MESHES_CA_SECRET_NAME } from '../../ir/names.js';
import { buildCrossMeshDownstreamTls, MESH_ALPN } from './mesh-tls.js';
import { buildTcpProxyFilter } from './tcp-proxy.js';
import { buildTlsTransportSocket, HTTPS_ALPN_PROTOCOLS, terminatedCertificates } from './tls-context.js';

/** The route table of an HTTP or HTTPS group, which must have one. */
function routeTableOf(listener: ir.Listener, group: ir.HostnameGroup): ir.RouteTable {
  if (!group.routeTable) throw new Error(`listener ${listener.name}, hostname group ${group.hostname}: ${listener.protocol} hostname groups need a route table`);
  return group.routeTable;
}

/** The single group of an HTTP or TCP port, whose hosts all share the key `*`. */
function singleGroupOf(listener: ir.Listener): ir.HostnameGroup {
  const [group, ...extra] = listener.hostnameGroups;
  if (!group || extra.length > 0) throw new Error(`listener ${listener.name}: ${listener.protocol} ports need exactly one hostname group`);
  return group;
}

/**
 * The groups of an HTTPS or TLS port, each with its own SNI chain. Two chains with one hostname
 * would have identical matches, which Envoy rejects; no group at all would leave no chain.
 */
function sniGroupsOf(listener: ir.Listener): readonly ir.HostnameGroup[] {
  if (listener.hostnameGroups.length === 0) throw new Error(`listener ${listener.name}: ${listener.protocol} ports need at least one hostname group`);
  const seen = new Set<string>();
  for (const g of listener.hostnameGroups) {
    if (seen.has(g.hostname)) throw new Error(`listener ${listener.name}: two hostname groups for ${g.hostname}`);
    seen.add(g.hostname);
  }
  return listener.hostnameGroups;
}

/** The TrafficLog and TrafficTrace settings of a chain's connection manager. */
function chainPolicies(gw: ir.Gateway, group: ir.HostnameGroup): ConnectionManagerPolicies {
  return { ...(group.accessLog ? { accessLog: group.accessLog } : {}), ...(gw.tracing ? { tracing: gw.tracing } : {}) };
}

/** An HTTP port: one chain without a match whose connection manager fetches the port's table. */
function buildHttpFilterChains(listener: ir.Listener, gw: ir.Gateway): object[] {
  const group = singleGroupOf(listener);
  const table = routeTableOf(listener, group);
  return [{ filters: [buildHttpConnectionManagerFilter(gw.service, table.name, chainPolicies(gw, group))] }];
}

/** An HTTPS port: per group, an SNI chain terminating TLS in front of the group's own table. */
function buildHttpsFilterChains(listener: ir.Listener, gw: ir.Gateway): object[] {
  return sniGroupsOf(listener).map((group) => {
    const table = routeTableOf(listener, group);
    const certificates = terminatedCertificates(listener, group);
    if (!certificates) throw new Error(`listener ${listener.name}, hostname group ${group.hostname}: HTTPS hostname groups must terminate TLS`);
    return {
      filter_chain_match: buildSniFilterChainMatch(group.hostname),
      filters: [buildHttpConnectionManagerFilter(gw.service, table.name, chainPolicies(gw, group))],
      transport_socket: buildTlsTransportSocket(certificates, HTTPS_ALPN_PROTOCOLS),
    };
  });
}

/** The `filters` of a TCP or TLS chain: one tcp_proxy, or none when nothing is forwarded. */
function tcpFilters(service: string, group: ir.HostnameGroup): { filters?: object[] } {
  const filter = buildTcpProxyFilter(service, group.tcpForwards ?? [], group.tcpPolicies, group.accessLog);
  return filter ? { filters: [filter] } : {};
}

/**
 * A TLS port: per group, an SNI chain proxying to the group's forwards. Passthrough chains have
 * no transport socket (Envoy routes on the SNI alone); terminating chains offer no ALPN.
 */
function buildTlsFilterChains(listener: ir.Listener, gw: ir.Gateway): object[] {
  return sniGroupsOf(listener).map((group) => {
    const certificates = terminatedCertificates(listener, group);
    return {
      filter_chain_match: buildSniFilterChainMatch(group.hostname),
      ...tcpFilters(gw.service, group),
      ...(certificates ? { transport_socket: buildTlsTransportSocket(certificates, []) } : {}),
    };
  });
}

/** A TCP port: one chain without a match; without any forward it has no filters at all. */
function buildTcpFilterChains(listener: ir.Listener, gw: ir.Gateway): object[] {
  return [tcpFilters(gw.service, singleGroupOf(listener))];
}

/**
 * A cross-mesh port (docs/gateway.md §2.17): one chain for mesh mTLS clients (ALPN `kuma`), matching no server
 * name since clients of other meshes send a service SNI, terminating TLS with the gateway's
 * identity and accepting any mTLS mesh's client certificate. Without mesh mTLS in the IR it
 * throws rather than emit a listener that accepts unauthenticated traffic.
 */
function buildCrossMeshFilterChains(listener: ir.Listener, gw: ir.Gateway): object[] {
  if (!gw.mtls) throw new Error(`listener ${listener.name}: cross-mesh listeners need mesh mTLS`);
  const group = singleGroupOf(listener);
  const table = routeTableOf(listener, group);
  return [
    {
      filter_chain_match: { application_protocols: [MESH_ALPN], transport_protocol: 'tls' },
      filters: [buildHttpConnectionManagerFilter(gw.service, table.name, chainPolicies(gw, group))],
      transport_socket: buildCrossMeshDownstreamTls(gw.mtls.identitySecret, ALL_MESHES_CA_SECRET_NAME),
    },
  ];
}

/** The filter chains of a listener. */
export function buildFilterChains(listener: ir.Listener, gw: ir.Gateway): object[] {
  if (listener.crossMesh) return buildCrossMeshFilterChains(listener, gw);
  switch (listener.protocol) {
    case 'HTTP':
      return buildHttpFilterChains(listener, gw);
    case 'HTTPS':
      return buildHttpsFilterChains(listener, gw);
    case 'TLS':
      return buildTlsFilterChains(listener, gw);
    case 'TCP':
      return buildTcpFilterChains(listener, gw);
  }
}
