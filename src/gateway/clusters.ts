// Clusters (gateway.md §2.15): one per distinct cluster name over every forward and mirror
// destination of every host; the name depends on the destination and the listener's merged tags.
import { PROTOCOL_TAG, SERVICE_TAG, type Tags } from '../api/tags.js';
import type { Cluster, UpstreamProtocol } from '../ir/gateway.js';
import { clusterName, UNRESOLVED_BACKEND } from '../ir/names.js';
import { compareBytes } from '../core/byte-order.js';
import { endpointsFor, type EndpointIndex } from './endpoints.js';
import { canonicalTags, tagsLookupKey } from './tag-maps.js';

/** Everything of a cluster but its endpoints. */
type ClusterHead = Omit<Cluster, 'endpoints'>;

/**
 * The upstream protocol: the destination's `kuma.io/protocol` when known, else the route protocol.
 * `kafka` is known but has no HTTP protocol options, exactly like `tcp`, so it maps to `tcp`.
 */
export function upstreamProtocol(destination: Tags, routeProtocol: 'http' | 'tcp'): UpstreamProtocol {
  const tag = destination[PROTOCOL_TAG];
  switch (tag) {
    case 'http':
    case 'http2':
    case 'grpc':
    case 'tcp':
      return tag;
    case 'kafka':
      return 'tcp';
    default:
      return routeProtocol;
  }
}

/** Collects the clusters a translation refers to; names are hashed once per destination and tag set. */
export class ClusterRegistry {
  private readonly heads = new Map<string, ClusterHead>();
  /**
   * Names by listener key, then destination content (tagsLookupKey): every backend of every route
   * asks for a name, so the lookup must cost far less than the SHA-256 of clusterName, and equal
   * destinations written apart (one per route) still hash once per listener.
   */
  private readonly names = new Map<string, Map<string, string>>();

  /**
   * The cluster name of `destination` seen from a listener with merged tags `listenerTags`
   * (`listenerKey` = their tagsKey). Registers the cluster on first use; the first registration
   * decides the protocol. The unresolved backend gets its literal name and no cluster.
   */
  nameFor(destination: Tags, listenerTags: Tags, listenerKey: string, routeProtocol: 'http' | 'tcp'): string {
    const service = destination[SERVICE_TAG] ?? '';
    if (service === UNRESOLVED_BACKEND) return UNRESOLVED_BACKEND;
    let perListener = this.names.get(listenerKey);
    if (perListener === undefined) {
      perListener = new Map();
      this.names.set(listenerKey, perListener);
    }
    const destinationKey = tagsLookupKey(destination);
    let name = perListener.get(destinationKey);
    if (name === undefined) {
      name = clusterName(destination, listenerTags);
      perListener.set(destinationKey, name);
    }
    if (!this.heads.has(name)) {
      this.heads.set(name, { name, service, destination: canonicalTags(destination), protocol: upstreamProtocol(destination, routeProtocol) });
    }
    return name;
  }

  /** Services of every registered cluster: what the endpoint index must cover. */
  services(): Set<string> {
    return new Set([...this.heads.values()].map((h) => h.service));
  }

  /** The clusters with their endpoints, ascending name. */
  clusters(index: EndpointIndex): Cluster[] {
    return [...this.heads.values()]
      .sort((a, b) => compareBytes(a.name, b.name))
      .map((h) => ({ ...h, endpoints: endpointsFor(index, h.destination) }));
  }
}
