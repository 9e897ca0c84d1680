// Make-before-break cleanup for one stream (docs/xds-server.md §10 step 6), the simple correct
// version: when a snapshot drops CDS or EDS resources the client holds, the stream keeps serving
// them — SotW CDS still lists them, delta does not announce them as removed — until LDS and RDS
// are settled (every listener and route configuration of the snapshot ACKed at its current
// version), i.e. until the routes that used them are gone. Then CDS is pushed without them, and the
// retained EDS names are forgotten silently so no EDS is ever sent for a cluster that was just
// removed (docs/xds-server.md §13 item 11): Envoy drops those assignments together with their clusters.
import { snapshotType } from '../cache/snapshot.js';
import type { Snapshot, SnapshotResource } from '../cache/snapshot.js';
import { TypeUrl } from '../cache/resource-types.js';
import type { HeldResource, TypeState, TypeView } from './stream-state.js';
import { NOT_FOUND, sentResource } from './held-resources.js';

const NO_NAMES: ReadonlySet<string> = new Set();
const RETAINED_TYPES = [TypeUrl.Cluster, TypeUrl.ClusterLoadAssignment] as const;

/** Resources a stream keeps serving after the snapshot dropped them, until routes moved on. */
export class Retention {
  private retained: Map<string, Map<string, HeldResource>> | undefined;

  /** Recomputes what to retain for a newly adopted snapshot: held CDS/EDS entries it lacks. */
  adopt(types: ReadonlyMap<string, TypeState>, snapshot: Snapshot): void {
    const retained = new Map<string, Map<string, HeldResource>>();
    for (const typeUrl of RETAINED_TYPES) {
      const state = types.get(typeUrl);
      if (!state) continue;
      const current = snapshotType(snapshot, typeUrl).resources;
      const gone = [...state.held].filter(([name, held]) => held.version !== null && !current.has(name));
      if (gone.length > 0) retained.set(typeUrl, new Map(gone));
    }
    this.retained = retained.size > 0 ? retained : undefined;
  }

  /** The snapshot's resources of a type plus the retained ones (sorted), and the names to keep. */
  view(typeUrl: string, snapshot: Snapshot): TypeView {
    const type = snapshotType(snapshot, typeUrl);
    const retained = this.retained?.get(typeUrl);
    if (!retained) return { typeUrl, version: type.version, resources: type.resources, keep: NO_NAMES, shared: type.resources };
    const merged = new Map<string, SnapshotResource>(type.resources);
    for (const [name, held] of retained) {
      const resource = sentResource(held);
      if (resource) merged.set(name, resource);
    }
    const sorted = new Map([...merged].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    return { typeUrl, version: type.version, resources: sorted, keep: new Set(retained.keys()), shared: type.resources };
  }

  /**
   * Ends retention once listeners and routes are settled; returns true when it did, and CDS must
   * then be pushed (without the retained clusters).
   */
  release(types: ReadonlyMap<string, TypeState>, snapshot: Snapshot): boolean {
    if (!this.retained) return false;
    if (!settled(types, TypeUrl.Listener, snapshot) || !settled(types, TypeUrl.RouteConfiguration, snapshot)) return false;
    const endpoints = types.get(TypeUrl.ClusterLoadAssignment);
    for (const name of this.retained.get(TypeUrl.ClusterLoadAssignment)?.keys() ?? []) {
      endpoints?.held.set(name, NOT_FOUND);
    }
    this.retained = undefined;
    return true;
  }
}

function settled(types: ReadonlyMap<string, TypeState>, typeUrl: string, snapshot: Snapshot): boolean {
  const resources = snapshotType(snapshot, typeUrl).resources;
  const state = types.get(typeUrl);
  if (state) return state.settled(resources);
  // A client that never asked for listeners has no routes that could use the clusters.
  if (typeUrl === TypeUrl.Listener) return true;
  return !types.has(TypeUrl.Listener) || resources.size === 0;
}
