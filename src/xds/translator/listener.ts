// One Envoy Listener per gateway port (gateway.md §2.11). The bind address is a parameter, not
// part of the IR, so replicas of one gateway share every other resource and differ only here.
import type * as ir from '../../ir/gateway.js';
import { anyOf } from '../envoy/type-urls.js';
import { buildFilterChains } from './filter-chains.js';

/** Listener filter name of the TLS inspector. */
export const TLS_INSPECTOR_FILTER_NAME = 'envoy.filters.listener.tls_inspector';

/** Per-connection buffer limit of downstream connections (32 KiB, as Kuma). */
const CONNECTION_BUFFER_LIMIT_BYTES = 32768;

/** The Envoy Listener of one IR listener bound to `address`. */
export function buildListener(listener: ir.Listener, address: string, gw: ir.Gateway): object {
  return {
    name: listener.name,
    address: { socket_address: { address, port_value: listener.port } },
    filter_chains: buildFilterChains(listener, gw),
    per_connection_buffer_limit_bytes: { value: CONNECTION_BUFFER_LIMIT_BYTES },
    // Also on plain HTTP ports: Kuma behaviour kept on purpose (gateway.md §5.4).
    listener_filters: [
      {
        name: TLS_INSPECTOR_FILTER_NAME,
        typed_config: anyOf('envoy.extensions.filters.listener.tls_inspector.v3.TlsInspector', {}),
      },
    ],
    traffic_direction: 'INBOUND',
    enable_reuse_port: { value: true },
  };
}
