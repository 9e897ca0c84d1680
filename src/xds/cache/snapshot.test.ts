import { describe, expect, it } from 'vitest';
import { buildSnapshot, snapshotType } from './snapshot.js';
import { EMPTY_TYPE_VERSION, resourceVersion, typeVersion } from './version.js';
import { TypeUrl } from './resource-types.js';

const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);

describe('resourceVersion', () => {
  it('is the first 16 hex chars of SHA-256 and depends only on content', () => {
    const v = resourceVersion(bytes('cluster-a'));
    expect(v).toMatch(/^[0-9a-f]{16}$/);
    expect(resourceVersion(bytes('cluster-a'))).toBe(v);
    expect(resourceVersion(bytes('cluster-b'))).not.toBe(v);
  });

  it('changes when a mix-in is given', () => {
    expect(resourceVersion(bytes('x'), 'cds-1')).not.toBe(resourceVersion(bytes('x')));
    expect(resourceVersion(bytes('x'), 'cds-1')).not.toBe(resourceVersion(bytes('x'), 'cds-2'));
  });
});

describe('typeVersion', () => {
  it('does not depend on input order', () => {
    const a = { name: 'a', version: '1' };
    const b = { name: 'b', version: '2' };
    expect(typeVersion([a, b])).toBe(typeVersion([b, a]));
    expect(typeVersion([a, b])).toMatch(/^[0-9a-f]{16}$/);
  });

  it('gives the fixed empty version for no resources', () => {
    expect(typeVersion([])).toBe(EMPTY_TYPE_VERSION);
  });

  it('distinguishes a name change from a version change', () => {
    expect(typeVersion([{ name: 'a', version: '1' }])).not.toBe(typeVersion([{ name: 'b', version: '1' }]));
  });
});

describe('buildSnapshot', () => {
  const input = (clusterBytes: string, claBytes = 'cla-a') => ({
    [TypeUrl.Cluster]: [{ name: 'a', bytes: bytes(clusterBytes) }],
    [TypeUrl.ClusterLoadAssignment]: [{ name: 'a', bytes: bytes(claBytes) }],
    [TypeUrl.Listener]: [{ name: 'l', bytes: bytes('listener') }],
  });

  it('computes the same versions for the same input (no counters)', () => {
    const one = buildSnapshot(input('c1'));
    const two = buildSnapshot(input('c1'));
    expect(two.version).toBe(one.version);
    for (const [typeUrl, type] of one.types) expect(snapshotType(two, typeUrl).version).toBe(type.version);
  });

  it('mixes the CDS version into EDS versions so a CDS change re-sends EDS', () => {
    const before = buildSnapshot(input('c1'));
    const after = buildSnapshot(input('c2'));
    const claBefore = snapshotType(before, TypeUrl.ClusterLoadAssignment).resources.get('a')!;
    const claAfter = snapshotType(after, TypeUrl.ClusterLoadAssignment).resources.get('a')!;
    expect(claAfter.bytes).toEqual(claBefore.bytes);
    expect(claAfter.version).not.toBe(claBefore.version);
    expect(claAfter.version).toBe(resourceVersion(bytes('cla-a'), snapshotType(after, TypeUrl.Cluster).version));
    // Listeners do not mix anything in.
    expect(snapshotType(after, TypeUrl.Listener).version).toBe(snapshotType(before, TypeUrl.Listener).version);
  });

  it('gives an emptied or absent type the fixed empty version', () => {
    const snapshot = buildSnapshot({ [TypeUrl.Listener]: [] });
    expect(snapshotType(snapshot, TypeUrl.Listener).version).toBe(EMPTY_TYPE_VERSION);
    expect(snapshotType(snapshot, TypeUrl.Secret).version).toBe(EMPTY_TYPE_VERSION);
    expect(snapshotType(snapshot, TypeUrl.Secret).resources.size).toBe(0);
  });

  it('sorts resources by name, wraps them in Any, and records duplicate names', () => {
    const snapshot = buildSnapshot({
      [TypeUrl.RouteConfiguration]: [
        { name: 'z', bytes: bytes('z') },
        { name: 'b', bytes: bytes('b1') },
        { name: 'b', bytes: bytes('b2') },
      ],
    });
    const type = snapshotType(snapshot, TypeUrl.RouteConfiguration);
    expect([...type.resources.keys()]).toEqual(['b', 'z']);
    expect(type.duplicateNames).toEqual(['b']);
    const b = type.resources.get('b')!;
    expect(b.any).toEqual({ type_url: TypeUrl.RouteConfiguration, value: bytes('b1') });
    expect(b.any.value).toBe(b.bytes);
    expect(type.totalBytes).toBe(3);
    expect(Object.isFrozen(snapshot)).toBe(true);
  });
});
