import { checkSnapshotConsistency, type SnapshotProblem, type SnapshotReferences } from '../xds/cache/consistency.js';
import { buildSnapshot, type Snapshot } from '../xds/cache/snapshot.js';
import type { EncodedTypes } from './encode-resources.js';

/** A snapshot and the reasons it must not be published (empty when it may). */
export interface AssembledSnapshot {
  readonly snapshot: Snapshot;
  readonly problems: readonly SnapshotProblem[];
}

function mergeReferences(a: SnapshotReferences, b: SnapshotReferences | undefined): SnapshotReferences {
  if (!b) return a;
  return {
    edsNamesByCluster: { ...a.edsNamesByCluster, ...b.edsNamesByCluster },
    rdsNamesByListener: { ...a.rdsNamesByListener, ...b.rdsNamesByListener },
    clustersByRoute: { ...a.clustersByRoute, ...b.clustersByRoute },
    clustersByListener: { ...a.clustersByListener, ...b.clustersByListener },
    sdsNames: [...new Set([...a.sdsNames, ...b.sdsNames])].sort(),
  };
}

/** Build one proxy's snapshot from the shared part of its identity and its own listeners. */
export function assembleSnapshot(shared: EncodedTypes, listeners: EncodedTypes | undefined): AssembledSnapshot {
  const snapshot = buildSnapshot({ ...shared.byType, ...listeners?.byType });
  const problems = checkSnapshotConsistency(snapshot, mergeReferences(shared.references, listeners?.references));
  return { snapshot, problems };
}
