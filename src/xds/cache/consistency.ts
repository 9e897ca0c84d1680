// Pre-publish consistency check (docs/xds-server.md §14 rule 8). A snapshot with problems is not
// published: the proxies keep their last good snapshot (rule 9). The references come from the
// caller, who built the Envoy objects and therefore knows which names each one points at; the
// check itself never decodes bytes.
import type { Snapshot } from './snapshot.js';
import { snapshotType } from './snapshot.js';
import { PUSH_ORDER, TypeUrl, shortTypeName } from './resource-types.js';

/** Cluster name routes use for a backend that could not be resolved; it need not exist in CDS. */
export const UNRESOLVED_BACKEND_CLUSTER = 'kuma.io/unresolved-backend';

/** Default size budget per type: 4 MiB, the receive limit of non-Envoy gRPC xDS clients (docs/xds-server.md §15). */
export const DEFAULT_MAX_TYPE_BYTES = 4 * 1024 * 1024;

/** Parent → child names, as stated by whoever encoded the snapshot's resources. */
export interface SnapshotReferences {
  /** EDS clusters only: cluster name → the EDS name it requests (service_name, else its own name). */
  readonly edsNamesByCluster: Readonly<Record<string, string>>;
  /** Listener name → route configuration names its connection managers request over RDS. */
  readonly rdsNamesByListener: Readonly<Record<string, readonly string[]>>;
  /** Route configuration name → cluster names its routes (and mirrors) send to. */
  readonly clustersByRoute: Readonly<Record<string, readonly string[]>>;
  /** Listener name → cluster names used directly (tcp_proxy); optional. */
  readonly clustersByListener?: Readonly<Record<string, readonly string[]>>;
  /** Every SDS secret name referenced by a listener or cluster. */
  readonly sdsNames: readonly string[];
}

/** Tunables of the check. */
export interface ConsistencyOptions {
  /** Maximum encoded bytes per type (default `DEFAULT_MAX_TYPE_BYTES`). */
  readonly maxTypeBytes?: number;
}

/** One reason not to publish a snapshot. */
export interface SnapshotProblem {
  readonly typeUrl: string;
  readonly name?: string;
  readonly message: string;
}

/** Every problem of the snapshot against its references; empty means publishable. */
export function checkSnapshotConsistency(
  snapshot: Snapshot,
  refs: SnapshotReferences,
  options: ConsistencyOptions = {},
): SnapshotProblem[] {
  return [
    ...checkBudgetAndNames(snapshot, options.maxTypeBytes ?? DEFAULT_MAX_TYPE_BYTES),
    ...checkEndpoints(snapshot, refs),
    ...checkRoutes(snapshot, refs),
    ...checkClusterReferences(snapshot, refs),
    ...checkSecrets(snapshot, refs),
  ];
}

function has(snapshot: Snapshot, typeUrl: string, name: string): boolean {
  return snapshotType(snapshot, typeUrl).resources.has(name);
}

function checkBudgetAndNames(snapshot: Snapshot, maxTypeBytes: number): SnapshotProblem[] {
  const problems: SnapshotProblem[] = [];
  for (const type of snapshot.types.values()) {
    for (const name of type.duplicateNames) {
      problems.push({ typeUrl: type.typeUrl, name, message: `duplicate ${shortTypeName(type.typeUrl)} resource name "${name}"` });
    }
    if (type.totalBytes > maxTypeBytes) {
      problems.push({
        typeUrl: type.typeUrl,
        message: `${shortTypeName(type.typeUrl)} resources take ${type.totalBytes} bytes, above the budget of ${maxTypeBytes}`,
      });
    }
  }
  return problems;
}

function checkEndpoints(snapshot: Snapshot, refs: SnapshotReferences): SnapshotProblem[] {
  const problems: SnapshotProblem[] = [];
  const referenced = new Set<string>();
  for (const [cluster, edsName] of Object.entries(refs.edsNamesByCluster)) {
    referenced.add(edsName);
    if (!has(snapshot, TypeUrl.Cluster, cluster)) {
      problems.push({ typeUrl: TypeUrl.Cluster, name: cluster, message: `EDS reference from unknown cluster "${cluster}"` });
    }
    if (!has(snapshot, TypeUrl.ClusterLoadAssignment, edsName)) {
      problems.push({
        typeUrl: TypeUrl.ClusterLoadAssignment,
        name: edsName,
        message: `cluster "${cluster}" requests ClusterLoadAssignment "${edsName}", which is missing`,
      });
    }
  }
  for (const name of snapshotType(snapshot, TypeUrl.ClusterLoadAssignment).resources.keys()) {
    if (!referenced.has(name)) {
      problems.push({ typeUrl: TypeUrl.ClusterLoadAssignment, name, message: `ClusterLoadAssignment "${name}" is not used by any cluster` });
    }
  }
  return problems;
}

function checkRoutes(snapshot: Snapshot, refs: SnapshotReferences): SnapshotProblem[] {
  const problems: SnapshotProblem[] = [];
  const referenced = new Set<string>();
  for (const [listener, routeNames] of Object.entries(refs.rdsNamesByListener)) {
    if (!has(snapshot, TypeUrl.Listener, listener)) {
      problems.push({ typeUrl: TypeUrl.Listener, name: listener, message: `RDS reference from unknown listener "${listener}"` });
    }
    for (const route of routeNames) {
      referenced.add(route);
      if (!has(snapshot, TypeUrl.RouteConfiguration, route)) {
        problems.push({
          typeUrl: TypeUrl.RouteConfiguration,
          name: route,
          message: `listener "${listener}" requests route configuration "${route}", which is missing`,
        });
      }
    }
  }
  for (const name of snapshotType(snapshot, TypeUrl.RouteConfiguration).resources.keys()) {
    if (!referenced.has(name)) {
      problems.push({ typeUrl: TypeUrl.RouteConfiguration, name, message: `route configuration "${name}" is not used by any listener` });
    }
  }
  return problems;
}

function checkClusterReferences(snapshot: Snapshot, refs: SnapshotReferences): SnapshotProblem[] {
  const problems: SnapshotProblem[] = [];
  const check = (parentType: string, parent: string, clusters: readonly string[]): void => {
    const label = parentType === TypeUrl.Listener ? 'listener' : 'route configuration';
    if (!has(snapshot, parentType, parent)) {
      problems.push({ typeUrl: parentType, name: parent, message: `cluster reference from unknown ${label} "${parent}"` });
    }
    for (const cluster of clusters) {
      if (cluster === UNRESOLVED_BACKEND_CLUSTER || has(snapshot, TypeUrl.Cluster, cluster)) continue;
      problems.push({
        typeUrl: TypeUrl.Cluster,
        name: cluster,
        message: `${label} "${parent}" sends to cluster "${cluster}", which is missing`,
      });
    }
  };
  for (const [route, clusters] of Object.entries(refs.clustersByRoute)) check(TypeUrl.RouteConfiguration, route, clusters);
  for (const [listener, clusters] of Object.entries(refs.clustersByListener ?? {})) check(TypeUrl.Listener, listener, clusters);
  return problems;
}

function checkSecrets(snapshot: Snapshot, refs: SnapshotReferences): SnapshotProblem[] {
  return [...new Set(refs.sdsNames)]
    .filter((name) => !has(snapshot, TypeUrl.Secret, name))
    .map((name) => ({ typeUrl: TypeUrl.Secret, name, message: `secret "${name}" is referenced but missing` }));
}

/** Problems rendered one per line, in push order of their type, for logs and errors. */
export function formatProblems(problems: readonly SnapshotProblem[]): string {
  const rank = (t: string): number => {
    const i = (PUSH_ORDER as readonly string[]).indexOf(t);
    return i < 0 ? PUSH_ORDER.length : i;
  };
  return [...problems].sort((a, b) => rank(a.typeUrl) - rank(b.typeUrl)).map((p) => p.message).join('\n');
}
