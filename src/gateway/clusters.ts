// Clusters (docs/gateway.md §2.15): one per distinct cluster name over every forward and mirror
// destination of every host; the name depends on the destination and the listener's merged tags.
// A destination whose service is a usable ExternalService gets an external cluster under the same
// name rules (mesh/external-services.ts); every other one a mesh cluster.
import { PROTOCOL_TAG, SERVICE_TAG, type Tags } from '../api/tags.js';
import type { ExternalCluster } from '../ir/external-service.js';
import type { Cluster, UpstreamProtocol } from '../ir/gateway.js';
import { clusterName, UNRESOLVED_BACKEND } from '../ir/names.js';
import { compareBytes } from '../core/byte-order.js';
import { endpointsFor, type EndpointIndex } from '../mesh/endpoints.js';
import { externalClusterFor, externalProtocols, type ExternalServiceIndex } from '../mesh/external-services.js';
import { canonicalTags } from '../mesh/tag-maps.js';
import { matchesTags, SourcePolicies, type ConnectionPolicies, type PolicyWinners } from '../mesh/connection-policies.js';
import { clusterPolicies, routeLevelWinners, routePolicies, tcpProxyPolicies, type RouteDestination } from '../mesh/policy-effects.js';
import { inferRetryProtocol } from '../mesh/retry-effects.js';
import type { RoutePolicies, TcpProxyPolicies } from '../ir/policies.js';

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

/**
 * A node of the cluster-name cache: the path from a listener's root spells a destination's tags
 * key, value, key, value... in the destination's own key order; `name` ends a complete destination.
 */
interface NameNode {
  name?: string;
  readonly next: Map<string, NameNode>;
}

function newNameNode(): NameNode {
  return { next: new Map() };
}

/** The child of `node` reached by `text`, created when missing. */
function step(node: NameNode, text: string): NameNode {
  let child = node.next.get(text);
  if (child === undefined) {
    child = newNameNode();
    node.next.set(text, child);
  }
  return child;
}

/** No usable ExternalService: every destination gets a mesh cluster. */
const NO_EXTERNAL_SERVICES: ExternalServiceIndex = { byService: new Map(), unloadable: [] };

/**
 * The protocol of an external cluster: the ExternalServices' `kuma.io/protocol` when they agree
 * (Kuma reads the service's protocol, which its ExternalServices' tags give), else the route's.
 */
function externalUpstreamProtocol(external: ExternalCluster, routeProtocol: 'http' | 'tcp'): UpstreamProtocol {
  const protocols = new Set(externalProtocols(external));
  const only = protocols.size === 1 ? [...protocols][0] : undefined;
  return upstreamProtocol(only === undefined ? {} : { [PROTOCOL_TAG]: only }, routeProtocol);
}

/**
 * Collects the clusters a translation refers to; names are hashed once per destination and tag set.
 * It also matches the mesh's connection policies (docs/gateway.md §2.16): each cluster is one destination seen from
 * one listener, so its policies are chosen when it is registered.
 */
export class ClusterRegistry {
  private readonly heads = new Map<string, ClusterHead>();
  /** The destination and policy winners of every registered cluster (route-level choices read them). */
  private readonly destinations = new Map<string, RouteDestination>();
  /** Policies applying to each listener (by listener key) as a source. */
  private readonly sources = new Map<string, SourcePolicies>();
  /** Route settings by the names of the chosen policies, so that equal settings are one value. */
  private readonly routeSettings = new Map<string, RoutePolicies | undefined>();
  private readonly hasPolicies: boolean;
  /** With policies: the merged tags of each listener a cluster was registered from, and which. */
  private readonly sourceTags: Tags[] = [];
  private readonly sourceIndex = new Map<string, number>();
  private readonly clusterSource = new Map<string, number>();

  /**
   * `external`: the proxy's usable ExternalServices, which make some destinations external;
   * `policies`: the mesh's connection policies.
   */
  constructor(
    private readonly external: ExternalServiceIndex = NO_EXTERNAL_SERVICES,
    private readonly policies: ConnectionPolicies = {},
  ) {
    this.hasPolicies = Object.values(policies).some((list) => list.length > 0);
  }
  /**
   * Cached names per listener key. Every backend of every route asks for a name (20,000 asks at
   * 10,000 routes), so the lookup walks the destination's own strings through maps instead of
   * building and hashing a key text, which cost more than everything else per backend. Equal
   * destinations written in another key order take another path to the same name, as clusterName
   * sorts the tags: the cache only saves the SHA-256, it never decides a name.
   */
  private readonly names = new Map<string, NameNode>();

  /**
   * The cluster name of `destination` seen from a listener with merged tags `listenerTags`
   * (`listenerKey` = their tagsKey). Registers the cluster on first use; the first registration
   * decides the protocol. The unresolved backend gets its literal name and no cluster.
   */
  nameFor(destination: Tags, listenerTags: Tags, listenerKey: string, routeProtocol: 'http' | 'tcp'): string {
    const service = destination[SERVICE_TAG] ?? '';
    if (service === UNRESOLVED_BACKEND) return UNRESOLVED_BACKEND;
    let node = this.names.get(listenerKey);
    if (node === undefined) {
      node = newNameNode();
      this.names.set(listenerKey, node);
    }
    // Own keys in Object.keys order, without allocating their array for every backend.
    for (const key in destination) {
      if (Object.hasOwn(destination, key)) node = step(step(node, key), destination[key] as string);
    }
    if (node.name !== undefined) return node.name;
    // First ask for this destination from this listener: the only time its cluster can be new, as a
    // name once cached was registered by the call that cached it.
    const name = clusterName(destination, listenerTags);
    node.name = name;
    if (!this.heads.has(name)) {
      const winners = this.winnersFor(destination, listenerTags, listenerKey);
      const policies = winners && clusterPolicies(winners);
      const head = this.head(name, service, destination, routeProtocol);
      this.heads.set(name, policies ? { ...head, policies } : head);
      if (winners) {
        this.destinations.set(name, { destination, winners });
        this.clusterSource.set(name, this.sourceOf(listenerTags, listenerKey));
      }
    }
    return name;
  }

  /** A new cluster: external when the destination's service has usable ExternalServices matching it. */
  private head(name: string, service: string, destination: Tags, routeProtocol: 'http' | 'tcp'): ClusterHead {
    const external = this.external.byService.size > 0 ? externalClusterFor(this.external, destination) : undefined;
    if (external) return { name, service, destination: canonicalTags(destination), protocol: externalUpstreamProtocol(external, routeProtocol), external };
    return { name, service, destination: canonicalTags(destination), protocol: upstreamProtocol(destination, routeProtocol) };
  }

  /**
   * False for an external cluster (docs/gateway.md §2.9): its route items get no `x-kuma-tags`. The
   * unresolved backend and unknown names count as mesh clusters.
   */
  isMeshCluster(name: string): boolean {
    return this.heads.get(name)?.external === undefined;
  }

  private sourceOf(listenerTags: Tags, listenerKey: string): number {
    let index = this.sourceIndex.get(listenerKey);
    if (index === undefined) {
      index = this.sourceTags.length;
      this.sourceTags.push(listenerTags);
      this.sourceIndex.set(listenerKey, index);
    }
    return index;
  }

  /**
   * Each cluster's source for policy places (policy-places.ts): the merged listener tags in order
   * of first use, and the index of each cluster's. Undefined when the mesh has no policies.
   */
  policySources(): { readonly sources: readonly Tags[]; readonly clusters: ReadonlyMap<string, number> } | undefined {
    return this.hasPolicies ? { sources: this.sourceTags, clusters: this.clusterSource } : undefined;
  }

  /** The policy winners for a destination seen from a listener; undefined when the mesh has no policies. */
  private winnersFor(destination: Tags, listenerTags: Tags, listenerKey: string): PolicyWinners | undefined {
    if (!this.hasPolicies) return undefined;
    let source = this.sources.get(listenerKey);
    if (source === undefined) {
      source = new SourcePolicies(this.policies, matchesTags(listenerTags));
      this.sources.set(listenerKey, source);
    }
    return source.winners(destination);
  }

  /**
   * The route settings of a route forwarding to `forwards` and mirroring to `mirror` (cluster
   * names as registered): one policy per kind among their winners (docs/gateway.md §2.16 step 3). Equal choices
   * give the same value, so that routes forwarding alike can share their action.
   */
  routePolicies(forwards: readonly { readonly cluster: string }[], mirror?: string): RoutePolicies | undefined {
    if (!this.hasPolicies) return undefined;
    const chosen = routeLevelWinners(this.destinationsOf(forwards.map((f) => f.cluster)), mirror === undefined ? [] : this.destinationsOf([mirror]));
    // A forward without a registered destination (the unresolved backend) has no protocol tag.
    const protocol = inferRetryProtocol(forwards.map((f) => this.destinations.get(f.cluster)?.destination ?? {}));
    const key = Object.entries(chosen)
      .map(([kind, p]) => `${kind}\u0000${p.name}`)
      .concat(protocol)
      .join('\u0000');
    if (!this.routeSettings.has(key)) this.routeSettings.set(key, routePolicies(chosen, protocol));
    return this.routeSettings.get(key);
  }

  /** The tcp_proxy settings of a TCP or TLS chain forwarding to `forwards`: one policy per kind among their winners (docs/gateway.md §2.14). */
  tcpProxyPolicies(forwards: readonly { readonly cluster: string }[]): TcpProxyPolicies | undefined {
    if (!this.hasPolicies) return undefined;
    return tcpProxyPolicies(routeLevelWinners(this.destinationsOf(forwards.map((f) => f.cluster))));
  }

  private destinationsOf(clusters: readonly string[]): RouteDestination[] {
    const out: RouteDestination[] = [];
    for (const c of clusters) {
      const d = this.destinations.get(c);
      if (d !== undefined) out.push(d);
    }
    return out;
  }

  /** Services of every registered cluster: what the endpoint index must cover, and the dependencies. */
  services(): Set<string> {
    return new Set([...this.heads.values()].map((h) => h.service));
  }

  /** The clusters with their endpoints, ascending name. */
  clusters(index: EndpointIndex): Cluster[] {
    return [...this.heads.values()]
      .sort((a, b) => compareBytes(a.name, b.name))
      .map((h) => ({ ...h, endpoints: h.external ? [] : endpointsFor(index, h.destination) }));
  }
}
