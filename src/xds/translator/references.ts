// What each built Envoy resource refers to by name, read back from the built objects, for the
// pre-publish consistency check (docs/xds-server.md §14 rule 8). Reading the objects instead of the IR
// checks what will really be sent: a builder that forgets a cluster is caught here.
import { ACCESS_LOG_SINK_CLUSTER } from './access-log.js';
import type { EnvoyResources, NamedResource } from './translate.js';

/** Parent -> child names of a set of resources (the shape xds/cache's check takes). */
export interface ResourceReferences {
  readonly edsNamesByCluster: Record<string, string>;
  readonly rdsNamesByListener: Record<string, string[]>;
  readonly clustersByRoute: Record<string, string[]>;
  readonly clustersByListener: Record<string, string[]>;
  readonly sdsNames: string[];
}

type Visit = (key: string, value: unknown) => void;

/** Depth-first walk over every property of a plain object tree. */
function walk(value: unknown, visit: Visit): void {
  if (Array.isArray(value)) {
    for (const v of value) walk(v, visit);
  } else if (value !== null && typeof value === 'object' && !(value instanceof Uint8Array)) {
    const obj = value as Record<string, unknown>;
    for (const [k, v] of Object.entries(obj)) {
      visit(k, v);
      walk(v, visit);
    }
  }
}

/** Clusters a route table, listener (tcp_proxy) or mirror sends to. */
function clusterNames(resource: object): string[] {
  const names = new Set<string>();
  walk(resource, (key, value) => {
    // `cluster`: a route's single cluster, a mirror policy, a tcp_proxy's single cluster; not the
    // access log sink's, which the dataplane agent puts in the bootstrap (access-log.ts).
    if (key === 'cluster' && typeof value === 'string' && value !== ACCESS_LOG_SINK_CLUSTER) names.add(value);
    // `weighted_clusters.clusters[].name`: routes and tcp_proxy alike.
    if (key === 'clusters' && Array.isArray(value)) {
      for (const c of value) if (typeof (c as { name?: unknown })?.name === 'string') names.add((c as { name: string }).name);
    }
  });
  return [...names].sort();
}

/** Route configuration names requested over RDS by the listener's connection managers. */
function rdsNames(listener: object): string[] {
  const names = new Set<string>();
  walk(listener, (key, value) => {
    if (key === 'route_config_name' && typeof value === 'string') names.add(value);
  });
  return [...names].sort();
}

/** SDS secret names referenced anywhere in a resource. */
function sdsNames(resource: object): string[] {
  const names = new Set<string>();
  walk(resource, (key, value) => {
    if (key === 'tls_certificate_sds_secret_configs' && Array.isArray(value)) {
      for (const c of value) if (typeof (c as { name?: unknown }).name === 'string') names.add((c as { name: string }).name);
    }
    if (key === 'validation_context_sds_secret_config' && typeof (value as { name?: unknown })?.name === 'string') {
      names.add((value as { name: string }).name);
    }
  });
  return [...names];
}

function edsName(cluster: NamedResource): string | undefined {
  const c = cluster.resource as { type?: string; eds_cluster_config?: { service_name?: string } };
  if (c.type !== 'EDS') return undefined;
  return c.eds_cluster_config?.service_name || cluster.name;
}

/** Every reference the consistency check verifies, read from built resources. */
export function collectReferences(resources: Partial<EnvoyResources>): ResourceReferences {
  const refs: ResourceReferences = {
    edsNamesByCluster: {},
    rdsNamesByListener: {},
    clustersByRoute: {},
    clustersByListener: {},
    sdsNames: [],
  };
  const sds = new Set<string>();
  for (const c of resources.clusters ?? []) {
    const eds = edsName(c);
    if (eds !== undefined) refs.edsNamesByCluster[c.name] = eds;
    for (const n of sdsNames(c.resource)) sds.add(n);
  }
  for (const l of resources.listeners ?? []) {
    refs.rdsNamesByListener[l.name] = rdsNames(l.resource);
    const direct = clusterNames(l.resource);
    if (direct.length > 0) refs.clustersByListener[l.name] = direct;
    for (const n of sdsNames(l.resource)) sds.add(n);
  }
  for (const r of resources.routes ?? []) refs.clustersByRoute[r.name] = clusterNames(r.resource);
  refs.sdsNames.push(...[...sds].sort());
  return refs;
}
