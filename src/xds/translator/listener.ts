// One Envoy Listener per gateway port (docs/gateway.md §2.11). The bind address is a parameter, not
// part of the IR, so replicas of one gateway share every other resource and differ only here.
import type * as ir from '../../ir/gateway.js';
import { anyOf } from '../envoy/type-urls.js';
import { buildFilterChains } from './filter-chains.js';

/** Listener filter name of the TLS inspector. */
export const TLS_INSPECTOR_FILTER_NAME = 'envoy.filters.listener.tls_inspector';

/** Per-connection buffer limit of downstream connections (32 KiB, as Kuma). */
const CONNECTION_BUFFER_LIMIT_BYTES = 32768;

/**
 * The listener filters of a port. TLS inspection holds every new connection until the client's
 * first bytes arrive, so a plain TCP port gets none: there the server may speak first (MySQL,
 * SMTP, FTP, SSH), and nothing routes on SNI anyway. This differs from Kuma on purpose
 * (docs/differences-from-kuma.md). HTTP ports keep it, as Kuma does (docs/gateway.md §5.4); HTTPS and
 * TLS ports need it for their SNI filter chains.
 */
function listenerFilters(protocol: ir.Protocol): { listener_filters?: object[] } {
  if (protocol === 'TCP') return {};
  return {
    listener_filters: [
      {
        name: TLS_INSPECTOR_FILTER_NAME,
        typed_config: anyOf('envoy.extensions.filters.listener.tls_inspector.v3.TlsInspector', {}),
      },
    ],
  };
}

/** The Envoy Listener of one IR listener bound to `address`. */
export function buildListener(listener: ir.Listener, address: string, gw: ir.Gateway): object {
  return {
    name: listener.name,
    address: { socket_address: { address, port_value: listener.port } },
    filter_chains: buildFilterChains(listener, gw),
    per_connection_buffer_limit_bytes: { value: CONNECTION_BUFFER_LIMIT_BYTES },
    ...listenerFilters(listener.protocol),
    traffic_direction: 'INBOUND',
    enable_reuse_port: { value: true },
  };
}
