// Merged listener tags (docs/gateway.md §2.3): the tags routes and policies select a listener by.
import type { Tags } from '../api/tags.js';
import type { MeshGatewayListener } from '../api/mesh-gateway.js';

/**
 * Dataplane gateway tags, overlaid by the MeshGateway tags, overlaid by the listener tags; the
 * later source wins a key conflict. Gateway and listener tags may not carry `kuma.io/service`, so
 * the service always comes from the dataplane.
 */
export function mergeListenerTags(proxyTags: Tags, gatewayTags: Tags, listener: MeshGatewayListener): Tags {
  return { ...proxyTags, ...gatewayTags, ...listener.tags };
}

/** The effective hostname of a listener: its hostname, or `*` when empty (docs/gateway.md §1.1). */
export function effectiveHostname(listener: MeshGatewayListener): string {
  return listener.hostname === '' ? '*' : listener.hostname;
}
