// The network RBAC filter of an inbound's mesh TLS chain (docs/mesh-mtls.md §5.3): the inbound's one
// TrafficPermission as an ALLOW policy. It runs first in the chain, so a client that is not
// admitted is disconnected before any byte reaches the connection manager or tcp_proxy; its
// caller's sidecar then answers 503 (docs/mesh-mtls.md §5.6).
import type * as ir from '../../ir/sidecar.js';
import { anyOf } from '../envoy/type-urls.js';
import { statPrefixOf } from './http-connection-manager.js';

/** Name of Envoy's network RBAC filter. */
export const NETWORK_RBAC_FILTER_NAME = 'envoy.filters.network.rbac';
/** Type of its configuration. */
const NETWORK_RBAC_TYPE_NAME = 'envoy.extensions.filters.network.rbac.v3.RBAC';

/** One principal: the peer certificate's URI SAN equals `name` exactly. */
function authenticated(name: string): object {
  return { authenticated: { principal_name: { exact: name } } };
}

/** One source selector's principal: any client, one principal as is, or all of several. */
function sourcePrincipal(principals: readonly string[]): object {
  const [only, ...others] = principals;
  if (only === undefined) return { any: true };
  if (others.length === 0) return authenticated(only);
  return { and_ids: { ids: principals.map(authenticated) } };
}

/** `rules` of the filter: the policy's principals as alternatives, or `{}`, which denies all. */
function rulesOf(rbac: ir.InboundRbac): object {
  if (rbac.policy === undefined) return {};
  return { action: 'ALLOW', policies: { [rbac.policy]: { permissions: [{ any: true }], principals: rbac.sources.map(sourcePrincipal) } } };
}

/** The RBAC filter of the TLS chain of listener `listenerName`; stats under `<sanitised name>.`. */
export function buildNetworkRbacFilter(listenerName: string, rbac: ir.InboundRbac): object {
  return {
    name: NETWORK_RBAC_FILTER_NAME,
    typed_config: anyOf(NETWORK_RBAC_TYPE_NAME, { stat_prefix: `${statPrefixOf(listenerName)}.`, rules: rulesOf(rbac) }),
  };
}
