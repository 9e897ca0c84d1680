import { describe, expect, it } from 'vitest';
import { buildSnapshot } from './snapshot.js';
import type { SnapshotInput } from './snapshot.js';
import { checkSnapshotConsistency, UNRESOLVED_BACKEND_CLUSTER } from './consistency.js';
import type { SnapshotReferences } from './consistency.js';
import { TypeUrl } from './resource-types.js';

const r = (name: string, size = 4) => ({ name, bytes: new Uint8Array(size) });

const base: SnapshotInput = {
  [TypeUrl.Cluster]: [r('a'), r('b')],
  [TypeUrl.ClusterLoadAssignment]: [r('a'), r('svc-b')],
  [TypeUrl.Listener]: [r('l')],
  [TypeUrl.RouteConfiguration]: [r('rt')],
  [TypeUrl.Secret]: [r('cert')],
};
const refs: SnapshotReferences = {
  edsNamesByCluster: { a: 'a', b: 'svc-b' },
  rdsNamesByListener: { l: ['rt'] },
  clustersByRoute: { rt: ['a', 'b', UNRESOLVED_BACKEND_CLUSTER] },
  sdsNames: ['cert'],
};

const messages = (input: SnapshotInput, references: SnapshotReferences = refs, maxTypeBytes?: number) =>
  checkSnapshotConsistency(buildSnapshot(input), references, { maxTypeBytes }).map((p) => p.message);

describe('checkSnapshotConsistency', () => {
  it('accepts a consistent snapshot (the unresolved-backend cluster need not exist)', () => {
    expect(messages(base)).toEqual([]);
  });

  it('reports a cluster whose ClusterLoadAssignment is missing', () => {
    expect(messages({ ...base, [TypeUrl.ClusterLoadAssignment]: [r('a')] })).toEqual([
      'cluster "b" requests ClusterLoadAssignment "svc-b", which is missing',
    ]);
  });

  it('reports an orphaned ClusterLoadAssignment', () => {
    expect(messages({ ...base, [TypeUrl.ClusterLoadAssignment]: [r('a'), r('svc-b'), r('old')] })).toEqual([
      'ClusterLoadAssignment "old" is not used by any cluster',
    ]);
  });

  it('reports a missing and an orphaned route configuration', () => {
    expect(messages({ ...base, [TypeUrl.RouteConfiguration]: [r('other')] }, { ...refs, clustersByRoute: {} })).toEqual([
      'listener "l" requests route configuration "rt", which is missing',
      'route configuration "other" is not used by any listener',
    ]);
  });

  it('reports a route sending to a cluster that does not exist', () => {
    expect(messages(base, { ...refs, clustersByRoute: { rt: ['a', 'gone'] } })).toEqual([
      'route configuration "rt" sends to cluster "gone", which is missing',
    ]);
  });

  it('checks clusters used directly by listeners (tcp_proxy)', () => {
    expect(messages(base, { ...refs, clustersByListener: { l: ['tcp-gone'] } })).toEqual([
      'listener "l" sends to cluster "tcp-gone", which is missing',
    ]);
  });

  it('reports a referenced secret that is missing', () => {
    expect(messages(base, { ...refs, sdsNames: ['cert', 'listener-cert'] })).toEqual(['secret "listener-cert" is referenced but missing']);
  });

  it('reports duplicate names per type', () => {
    expect(messages({ ...base, [TypeUrl.Cluster]: [r('a'), r('b'), r('a')] })).toEqual(['duplicate CDS resource name "a"']);
  });

  it('reports a type above the size budget', () => {
    expect(messages(base, refs, 8)).toEqual([]);
    expect(messages(base, refs, 7)).toEqual([
      'CDS resources take 8 bytes, above the budget of 7',
      'EDS resources take 8 bytes, above the budget of 7',
    ]);
  });
});

describe('formatProblems', () => {
  it('lists problems one per line in push order of their type', async () => {
    const { formatProblems } = await import('./consistency.js');
    const problems = checkSnapshotConsistency(buildSnapshot({ ...base, [TypeUrl.RouteConfiguration]: [r('rt'), r('extra')], [TypeUrl.ClusterLoadAssignment]: [r('a')] }), refs);
    expect(formatProblems(problems).split('\n')).toEqual([
      'cluster "b" requests ClusterLoadAssignment "svc-b", which is missing',
      'route configuration "extra" is not used by any listener',
    ]);
  });

  it('reports EDS references from clusters that do not exist', () => {
    expect(messages(base, { ...refs, edsNamesByCluster: { ...refs.edsNamesByCluster, ghost: 'a' } })).toEqual(['EDS reference from unknown cluster "ghost"']);
  });
});
