// Entry point of the IR -> Envoy translation. Pure: the same IR and address always give the same
// resources, sorted by name within each type. Listeners are built separately because they alone
// depend on the replica's address; everything else is shared by every replica of a gateway
// configuration identity and can be built and encoded once.
import type * as ir from '../../ir/gateway.js';
import { TYPE_URL } from '../envoy/type-urls.js';
import { buildCluster } from './cluster.js';
import { buildCollectorCluster } from './collector-cluster.js';
import { buildClusterLoadAssignment } from './endpoint.js';
import { buildListener } from './listener.js';
import { buildCaBundleSecret } from './mesh-tls.js';
import { buildRouteConfiguration } from './route.js';
import { GATEWAY_RUNTIME_NAME } from '../../ir/names.js';
import { buildRuntime } from './runtime.js';
import { buildSecret, terminatedCertificatesOf } from './secret.js';

/** One named Envoy resource in protobufjs fromObject form. Never mutated after it is built. */
export interface NamedResource {
  readonly name: string;
  readonly resource: object;
}

/** Every xDS resource of one proxy, per type, each list sorted by name. */
export interface EnvoyResources {
  readonly clusters: readonly NamedResource[];
  readonly endpoints: readonly NamedResource[];
  readonly listeners: readonly NamedResource[];
  readonly routes: readonly NamedResource[];
  readonly runtimes: readonly NamedResource[];
  readonly secrets: readonly NamedResource[];
}

/** The resources shared by every replica of a gateway: all but the listeners. */
export type SharedResources = Omit<EnvoyResources, 'listeners'>;

/** Type URL of each resource list of EnvoyResources. */
export const RESOURCE_TYPE_URLS: Readonly<Record<keyof EnvoyResources, string>> = {
  clusters: TYPE_URL.cluster,
  endpoints: TYPE_URL.clusterLoadAssignment,
  listeners: TYPE_URL.listener,
  routes: TYPE_URL.routeConfiguration,
  runtimes: TYPE_URL.runtime,
  secrets: TYPE_URL.secret,
};

function byName(resources: NamedResource[]): NamedResource[] {
  return resources.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

function named(name: string, resource: object): NamedResource {
  return { name, resource };
}

/** Every route table of every HTTP/HTTPS hostname group, in listener then group order. */
function routeTablesOf(gw: ir.Gateway): ir.RouteTable[] {
  return gw.listeners.flatMap((l) => l.hostnameGroups.flatMap((g) => (g.routeTable ? [g.routeTable] : [])));
}

/** Clusters, endpoints, route tables, the runtime and secrets of a gateway; no listeners. */
export function buildSharedResources(gw: ir.Gateway): SharedResources {
  return {
    clusters: byName([...gw.clusters.map((c) => named(c.name, buildCluster(c))), ...(gw.collectors ?? []).map((c) => named(c.name, buildCollectorCluster(c)))]),
    // External clusters carry their endpoints inline: no EDS resource (docs/gateway.md §2.15).
    endpoints: byName(gw.clusters.filter((c) => !c.external).map((c) => named(c.name, buildClusterLoadAssignment(c)))),
    routes: byName(routeTablesOf(gw).map((t) => named(t.name, buildRouteConfiguration(t, gw)))),
    runtimes: [named(GATEWAY_RUNTIME_NAME, buildRuntime(gw.connectionLimits))],
    secrets: byName([
      ...terminatedCertificatesOf(gw).map((c) => named(c.secretName, buildSecret(c))),
      ...(gw.mtls?.caBundles ?? []).map((b) => named(b.secretName, buildCaBundleSecret(b))),
    ]),
  };
}

/** The listeners of a gateway bound to one replica's `address`. */
export function buildListeners(gw: ir.Gateway, address: string): NamedResource[] {
  return byName(gw.listeners.map((l) => named(l.name, buildListener(l, address, gw))));
}

/** Every resource of a gateway proxy at `address`. */
export function buildEnvoyResources(gw: ir.Gateway, address: string): EnvoyResources {
  const { clusters, endpoints, routes, runtimes, secrets } = buildSharedResources(gw);
  return { clusters, endpoints, listeners: buildListeners(gw, address), routes, runtimes, secrets };
}

/** The resources of a proxy whose MeshGateway does not match: only the empty runtime (docs/gateway.md §2.1). */
export function emptyGatewayResources(): EnvoyResources {
  return {
    clusters: [],
    endpoints: [],
    listeners: [],
    routes: [],
    runtimes: [named(GATEWAY_RUNTIME_NAME, buildRuntime({}))],
    secrets: [],
  };
}
