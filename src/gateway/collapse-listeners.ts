// Listener collapsing (docs/gateway.md §2.4): MeshGateway listeners grouped by port, each port one
// Envoy listener taking protocol, cross-mesh flag and resources from its first listener.
import type { ListenerProtocol, MeshGatewayListener } from '../api/mesh-gateway.js';
import type { Tags } from '../api/tags.js';
import type { StoredResource } from '../core/resource.js';
import { listenerName } from '../ir/names.js';
import { effectiveHostname, mergeListenerTags } from './listener-tags.js';

/** One MeshGateway listener with the facts later steps need. */
export interface ListenerView {
  /** Position in `conf.listeners`, for messages. */
  readonly index: number;
  readonly listener: MeshGatewayListener;
  /** Effective hostname: `*` when the listener has none. */
  readonly hostname: string;
  /** Merged tags (docs/gateway.md §2.3). */
  readonly tags: Tags;
}

/** All listeners of one port, collapsed. */
export interface CollapsedPort {
  readonly port: number;
  readonly protocol: ListenerProtocol;
  readonly crossMesh: boolean;
  /** `<gateway>:<PROTOCOL>:<port>`. */
  readonly name: string;
  /** The first listener's `resources.connectionLimit`, 0 when unset. */
  readonly connectionLimit: number;
  /** In spec order. */
  readonly listeners: readonly ListenerView[];
}

/** Group the gateway's listeners by port, ascending port, keeping spec order within a port. */
export function collapseListeners(gateway: StoredResource<'MeshGateway'>, proxyTags: Tags): CollapsedPort[] {
  const byPort = new Map<number, ListenerView[]>();
  (gateway.spec.conf?.listeners ?? []).forEach((listener, index) => {
    const view: ListenerView = {
      index,
      listener,
      hostname: effectiveHostname(listener),
      tags: mergeListenerTags(proxyTags, gateway.spec.tags, listener),
    };
    const list = byPort.get(listener.port);
    if (list) list.push(view);
    else byPort.set(listener.port, [view]);
  });
  return [...byPort.entries()]
    .sort(([a], [b]) => a - b)
    .map(([port, listeners]) => collapsePort(gateway.name, port, listeners));
}

/** The port's first listener decides protocol, cross-mesh and resources (validation keeps them consistent). */
function collapsePort(gateway: string, port: number, listeners: ListenerView[]): CollapsedPort {
  const first = (listeners[0] as ListenerView).listener;
  // A cross-mesh listener speaks TLS but is named HTTP, which its protocol already is (docs/gateway.md §2.4, D8).
  return {
    port,
    protocol: first.protocol,
    crossMesh: first.crossMesh,
    name: listenerName(gateway, first.protocol, port),
    connectionLimit: first.resources?.connectionLimit ?? 0,
    listeners,
  };
}
