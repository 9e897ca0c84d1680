// The tcp_proxy network filter of TCP and TLS filter chains (docs/gateway.md §2.14).
import type * as ir from '../../ir/gateway.js';
import type { AccessLog, TcpProxyPolicies } from '../../ir/policies.js';
import { anyOf } from '../envoy/type-urls.js';
import { buildAccessLog } from './access-log.js';
import { statPrefixOf } from './http-connection-manager.js';

/** Network filter name of the TCP proxy. */
export const TCP_PROXY_FILTER_NAME = 'envoy.filters.network.tcp_proxy';

/** Proto message of the TCP proxy configuration. */
export const TCP_PROXY_TYPE_NAME = 'envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy';

/** One weighted upstream of a TCP proxy. */
export interface TcpUpstream {
  readonly cluster: string;
  readonly weight: number;
}

/**
 * The upstreams of a chain, ascending cluster name. Weight-0 forwards are left out because
 * tcp_proxy weights must be at least 1 [D1]. Forwards of several TCP rules naming one cluster are
 * merged by adding their weights, which keeps every cluster's share of connections unchanged
 * while giving Envoy one entry per cluster.
 */
export function tcpUpstreamsOf(forwards: readonly ir.Forward[]): TcpUpstream[] {
  const weights = new Map<string, number>();
  for (const f of forwards) if (f.weight > 0) weights.set(f.cluster, (weights.get(f.cluster) ?? 0) + f.weight);
  return [...weights.keys()].sort().map((cluster) => ({ cluster, weight: weights.get(cluster) ?? 0 }));
}

/**
 * The tcp_proxy filter of a chain forwarding to `forwards`, or undefined when no forward carries
 * weight (the chain then has no filters and Envoy closes its connections). One upstream is named
 * directly; several are weighted. The stat prefix is the gateway service, sanitised as the
 * connection manager's is.
 */
export function buildTcpProxyFilter(service: string, forwards: readonly ir.Forward[], policies?: TcpProxyPolicies, accessLog?: AccessLog): object | undefined {
  const upstreams = tcpUpstreamsOf(forwards);
  const [only, ...others] = upstreams;
  if (!only) return undefined;
  const destination =
    others.length === 0
      ? { cluster: only.cluster }
      : { weighted_clusters: { clusters: upstreams.map((u) => ({ name: u.cluster, weight: u.weight })) } };
  return {
    name: TCP_PROXY_FILTER_NAME,
    typed_config: anyOf(TCP_PROXY_TYPE_NAME, { stat_prefix: statPrefixOf(service), ...destination, ...buildTcpProxyPolicies(policies), ...(accessLog ? { access_log: [buildAccessLog(accessLog)] } : {}) }),
  };
}

/** tcp_proxy fields of a Retry's `tcp` section: `max_connect_attempts` (Envoy's default is 1). */
export function buildTcpProxyPolicies(policies: TcpProxyPolicies | undefined): object {
  return policies ? { max_connect_attempts: { value: policies.maxConnectAttempts } } : {};
}
