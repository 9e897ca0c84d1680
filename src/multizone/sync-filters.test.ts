import { describe, expect, it } from 'vitest';
import {
  globalSendsToZone,
  globalToZoneSnapshot,
  originZone,
  zoneSendsToGlobal,
  zoneToGlobalSnapshot,
  zoneTokenPublicKeyCopy,
  type GlobalToZoneSnapshotContext,
} from './sync-filters.js';
import { descriptorFlags, flagsFromTable, type SyncResource } from './sync-resource.js';
import { kindDescriptor } from '../api/resource-kinds.js';
import { syncedName } from './hash-suffix.js';
import { referenceFlags } from './testdata/reference-flags.js';

/** A resource; `o` is the origin label, `z` the zone label, other labels in `labels`. */
function res(kind: string, name: string, opts: { mesh?: string; o?: string; z?: string; labels?: Record<string, string> } = {}): SyncResource {
  const labels: Record<string, string> = { ...(opts.labels ?? {}) };
  if (opts.o !== undefined) labels['kuma.io/origin'] = opts.o;
  if (opts.z !== undefined) labels['kuma.io/zone'] = opts.z;
  return { kind, mesh: opts.mesh ?? 'default', name, labels, spec: {} };
}

const ZONES: Record<string, boolean> = { 'zone-1': true, 'zone-2': true, 'zone-off': false };
const context = { flagsOf: referenceFlags, zoneEnabled: (z: string) => ZONES[z] };

describe('globalSendsToZone (docs/multizone.md §2, global → zone)', () => {
  it.each([
    // Global-originated objects of global→zones kinds.
    { what: 'global TrafficPermission, no origin label', r: res('TrafficPermission', 'allow'), to: 'zone-1', sent: true },
    { what: 'global TrafficPermission, origin global', r: res('TrafficPermission', 'allow', { o: 'global' }), to: 'zone-2', sent: true },
    { what: 'Mesh', r: res('Mesh', 'default', { mesh: '' }), to: 'zone-1', sent: true },
    { what: 'mesh Secret (builtin CA)', r: res('Secret', 'default.ca-builtin-cert-ca-1'), to: 'zone-1', sent: true },
    { what: 'global MeshGateway', r: res('MeshGateway', 'edge', { o: 'global' }), to: 'zone-1', sent: true },
    { what: 'MeshGatewayRoute', r: res('MeshGatewayRoute', 'r'), to: 'zone-1', sent: true },
    { what: 'ServiceInsight', r: res('ServiceInsight', 'all-services-default'), to: 'zone-1', sent: true },
    // Kinds that do not go to zones.
    { what: 'MeshInsight', r: res('MeshInsight', 'default', { mesh: '' }), to: 'zone-1', sent: false },
    { what: 'Zone', r: res('Zone', 'zone-1', { mesh: '' }), to: 'zone-1', sent: false },
    { what: 'ZoneInsight', r: res('ZoneInsight', 'zone-1', { mesh: '' }), to: 'zone-1', sent: false },
    { what: 'a kind without flags (MeshGatewayInstance)', r: res('MeshGatewayInstance', 'i'), to: 'zone-1', sent: false },
    // Zone-originated objects.
    { what: "zone-1's Dataplane never reaches zone-2", r: res('Dataplane', 'backend-1-66xx8vw7fxxw7bb8', { o: 'zone', z: 'zone-1' }), to: 'zone-2', sent: false },
    { what: "zone-1's DataplaneInsight", r: res('DataplaneInsight', 'backend-1', { o: 'zone', z: 'zone-1' }), to: 'zone-2', sent: false },
    { what: "zone-1's MeshGateway is not synced across zones", r: res('MeshGateway', 'edge-x', { o: 'zone', z: 'zone-1' }), to: 'zone-2', sent: false },
    { what: "zone-1's ZoneIngress reaches zone-2", r: res('ZoneIngress', 'ingress-1-d42xfc5b76vxd222', { mesh: '', o: 'zone', z: 'zone-1' }), to: 'zone-2', sent: true },
    { what: "zone-1's ZoneIngress never goes back to zone-1", r: res('ZoneIngress', 'ingress-1-d42xfc5b76vxd222', { mesh: '', o: 'zone', z: 'zone-1' }), to: 'zone-1', sent: false },
    { what: 'a ZoneIngress of a disabled Zone', r: res('ZoneIngress', 'ingress', { mesh: '', o: 'zone', z: 'zone-off' }), to: 'zone-2', sent: false },
    { what: 'a ZoneIngress of a missing Zone counts as enabled', r: res('ZoneIngress', 'ingress', { mesh: '', o: 'zone', z: 'zone-gone' }), to: 'zone-2', sent: true },
    { what: 'zone from the name when the label is absent (same zone)', r: res('ZoneIngress', 'zone-1.ingress', { mesh: '', o: 'zone' }), to: 'zone-1', sent: false },
    { what: 'zone from the name when the label is absent (other zone)', r: res('ZoneIngress', 'zone-1.ingress', { mesh: '', o: 'zone' }), to: 'zone-2', sent: true },
    { what: 'zone from the name of a disabled zone', r: res('ZoneIngress', 'zone-off.ingress', { mesh: '', o: 'zone' }), to: 'zone-2', sent: false },
    { what: 'a global-originated ZoneIngress (not global→zones)', r: res('ZoneIngress', 'i', { mesh: '', o: 'global' }), to: 'zone-1', sent: false },
    // kuma.io/kds-sync overrides the kind's default.
    { what: 'kds-sync disabled on a global TrafficPermission', r: res('TrafficPermission', 'p', { labels: { 'kuma.io/kds-sync': 'disabled' } }), to: 'zone-1', sent: false },
    { what: 'kds-sync disabled on a ZoneIngress', r: res('ZoneIngress', 'i', { mesh: '', o: 'zone', z: 'zone-1', labels: { 'kuma.io/kds-sync': 'disabled' } }), to: 'zone-2', sent: false },
    { what: 'a kind disabled by default', r: res('OptIn', 'p'), to: 'zone-1', sent: false },
    { what: 'a kind disabled by default, object enabled', r: res('OptIn', 'p', { labels: { 'kuma.io/kds-sync': 'enabled' } }), to: 'zone-1', sent: true },
    { what: 'kds-sync enabled does not bypass origin rules', r: res('Dataplane', 'd', { o: 'zone', z: 'zone-1', labels: { 'kuma.io/kds-sync': 'enabled' } }), to: 'zone-2', sent: false },
    // GlobalSecrets.
    ...['envoy-admin-ca', 'admin-user-token', 'inter-cp-ca', 'user-token-revocations', 'user-token-signing-key-1'].map((name) => ({
      what: `GlobalSecret ${name} stays on global`,
      r: res('GlobalSecret', name, { mesh: '' }),
      to: 'zone-1',
      sent: false,
    })),
    { what: 'any other GlobalSecret stays on global', r: res('GlobalSecret', 'my-secret', { mesh: '' }), to: 'zone-1', sent: false },
    { what: 'GlobalSecret zone-token-signing-key-1 (sent as public key)', r: res('GlobalSecret', 'zone-token-signing-key-1', { mesh: '' }), to: 'zone-1', sent: true },
    // Config: only the cluster id.
    { what: 'Config kuma-cluster-id', r: res('Config', 'kuma-cluster-id', { mesh: '' }), to: 'zone-1', sent: true },
    { what: 'another Config', r: res('Config', 'other-config', { mesh: '' }), to: 'zone-1', sent: false },
  ])('$what: $sent', ({ r, to, sent }) => {
    expect(globalSendsToZone(r, to, context)).toBe(sent);
  });
});

describe('zoneSendsToGlobal (docs/multizone.md §2, zone → global)', () => {
  it.each([
    { what: 'local Dataplane, no origin label', r: res('Dataplane', 'backend-1'), sent: true },
    { what: 'local Dataplane, origin zone', r: res('Dataplane', 'backend-1', { o: 'zone', z: 'zone-1' }), sent: true },
    { what: 'DataplaneInsight', r: res('DataplaneInsight', 'backend-1', { o: 'zone' }), sent: true },
    { what: 'ZoneIngress', r: res('ZoneIngress', 'ingress-1', { mesh: '', o: 'zone' }), sent: true },
    { what: 'ZoneIngressInsight', r: res('ZoneIngressInsight', 'ingress-1', { mesh: '', o: 'zone' }), sent: true },
    { what: 'local MeshGateway', r: res('MeshGateway', 'edge', { o: 'zone' }), sent: true },
    { what: 'MeshGateway received from global', r: res('MeshGateway', 'edge-5c75xw87847wvc4c', { o: 'global' }), sent: false },
    { what: "another zone's ZoneIngress received from global", r: res('ZoneIngress', 'ingress-2-x', { mesh: '', o: 'global', z: 'zone-2' }), sent: false },
    { what: 'TrafficPermission (global→zones only)', r: res('TrafficPermission', 'p', { o: 'zone' }), sent: false },
    { what: 'local mesh Secret', r: res('Secret', 's', { o: 'zone' }), sent: false },
    { what: 'Zone', r: res('Zone', 'zone-1', { mesh: '' }), sent: false },
    { what: 'unknown kind', r: res('Nope', 'n'), sent: false },
    { what: 'kds-sync disabled', r: res('Dataplane', 'backend-1', { o: 'zone', labels: { 'kuma.io/kds-sync': 'disabled' } }), sent: false },
  ])('$what: $sent', ({ r, sent }) => {
    expect(zoneSendsToGlobal(r, referenceFlags)).toBe(sent);
  });
});

describe('originZone', () => {
  it.each([
    { r: res('ZoneIngress', 'x', { z: 'zone-1' }), zone: 'zone-1' },
    { r: res('ZoneIngress', 'zone-3.ingress.more', {}), zone: 'zone-3' },
    { r: res('ZoneIngress', 'zone-3.ingress', { labels: { 'kuma.io/zone': '' } }), zone: 'zone-3' },
    { r: res('ZoneIngress', 'plain', {}), zone: 'plain' },
  ])('$r.name -> $zone', ({ r, zone }) => {
    expect(originZone(r)).toBe(zone);
  });
});

describe('zoneTokenPublicKeyCopy', () => {
  const derive = (data: string) => `public(${data})`;
  it('replaces a zone-token signing key by its public half, under the public name', () => {
    const key: SyncResource = { kind: 'GlobalSecret', mesh: '', name: 'zone-token-signing-key-1', labels: { a: 'b' }, spec: { data: 'PRIVATE' } };
    expect(zoneTokenPublicKeyCopy(key, derive)).toEqual({ kind: 'GlobalSecret', mesh: '', name: 'zone-token-signing-public-key-1', labels: { a: 'b' }, spec: { data: 'public(PRIVATE)' } });
  });
  it('leaves other resources alone', () => {
    const other: SyncResource = { kind: 'Secret', mesh: 'default', name: 'zone-token-signing-key-1', spec: { data: 'X' } };
    expect(zoneTokenPublicKeyCopy(other, derive)).toBe(other);
  });
  it('refuses a key without data', () => {
    expect(() => zoneTokenPublicKeyCopy({ kind: 'GlobalSecret', mesh: '', name: 'zone-token-signing-key-2', spec: {} }, derive)).toThrow(/no signing key data/);
  });
});

describe('snapshots (docs/multizone.md §2 "Tests should show")', () => {
  const onGlobal: SyncResource[] = [
    { ...res('TrafficPermission', 'allow-all'), spec: { sources: [] } },
    res('Mesh', 'default', { mesh: '' }),
    { ...res('GlobalSecret', 'zone-token-signing-key-1', { mesh: '' }), spec: { data: 'PRIVATE-1' } },
    res('GlobalSecret', 'user-token-signing-key-1', { mesh: '' }),
    res('GlobalSecret', 'admin-user-token', { mesh: '' }),
    res('GlobalSecret', 'inter-cp-ca', { mesh: '' }),
    res('GlobalSecret', 'envoy-admin-ca', { mesh: '' }),
    res('Dataplane', 'backend-1-66xx8vw7fxxw7bb8', { o: 'zone', z: 'zone-1', labels: { 'kuma.io/display-name': 'backend-1' } }),
    res('ZoneIngress', 'ingress-1-d42xfc5b76vxd222', { mesh: '', o: 'zone', z: 'zone-1', labels: { 'kuma.io/display-name': 'ingress-1' } }),
    res('Zone', 'zone-1', { mesh: '' }),
  ];
  const ctx = (zones: Record<string, boolean>): GlobalToZoneSnapshotContext => ({
    flagsOf: referenceFlags,
    zoneEnabled: (z) => zones[z],
    derivePublicKey: (d) => `PUBLIC(${d})`,
  });
  const names = (rs: SyncResource[]) => rs.map((r) => `${r.kind}/${r.name}`);

  it("zone-2 gets the TrafficPermission under its hashed name, zone-1's ingress, the public zone-token key and nothing secret", () => {
    const snap = globalToZoneSnapshot(onGlobal, 'zone-2', ctx({ 'zone-1': true, 'zone-2': true }));
    expect(names(snap)).toEqual([
      'GlobalSecret/zone-token-signing-public-key-1',
      'Mesh/default',
      `TrafficPermission/${syncedName({ mesh: 'default', name: 'allow-all' })}`,
      'ZoneIngress/ingress-1-d42xfc5b76vxd222',
    ]);
    expect(snap.find((r) => r.kind === 'GlobalSecret')?.spec).toEqual({ data: 'PUBLIC(PRIVATE-1)' });
    expect(JSON.stringify(snap)).not.toContain('PRIVATE-1"');
    for (const r of snap) expect(r.labels?.['kuma.io/origin']).toBe('global');
  });

  it('every zone sees the global TrafficPermission under the same hashed name', () => {
    const tp = (zone: string) => globalToZoneSnapshot(onGlobal, zone, ctx({})).find((r) => r.kind === 'TrafficPermission');
    expect(tp('zone-1')?.name).toMatch(/^allow-all-[bcdfghjklmnpqrstvwxz2456789]{16}$/);
    expect(tp('zone-1')).toEqual(tp('zone-2'));
    expect(tp('zone-1')?.labels?.['kuma.io/display-name']).toBe('allow-all');
  });

  it("zone-1's ingress does not come back to zone-1", () => {
    expect(names(globalToZoneSnapshot(onGlobal, 'zone-1', ctx({})))).not.toContain('ZoneIngress/ingress-1-d42xfc5b76vxd222');
  });

  it("disabling Zone zone-1 removes zone-1's ingress from zone-2", () => {
    expect(names(globalToZoneSnapshot(onGlobal, 'zone-2', ctx({ 'zone-1': false })))).not.toContain('ZoneIngress/ingress-1-d42xfc5b76vxd222');
  });

  it('a zone-1 Dataplane reaches global labelled with origin and zone, and the TrafficPermission copy does not go back', () => {
    const inZone1: SyncResource[] = [
      res('Dataplane', 'backend-1', { o: 'zone', z: 'zone-1', labels: { 'kuma.io/env': 'universal', 'kuma.io/mesh': 'default' } }),
      res('ZoneIngress', 'ingress-1', { mesh: '', o: 'zone', z: 'zone-1' }),
      res('TrafficPermission', 'allow-all-xxxxxxxxxxxxxxxx', { o: 'global', labels: { 'kuma.io/display-name': 'allow-all' } }),
      res('ZoneIngress', 'ingress-2-x', { mesh: '', o: 'global', z: 'zone-2' }),
      res('Mesh', 'default', { mesh: '', o: 'global' }),
    ];
    const snap = zoneToGlobalSnapshot(inZone1, { flagsOf: referenceFlags, zone: 'zone-1' });
    expect(snap.map((r) => [r.kind, r.name, r.labels])).toEqual([
      ['Dataplane', 'backend-1-66xx8vw7fxxw7bb8', { 'kuma.io/display-name': 'backend-1', 'kuma.io/env': 'universal', 'kuma.io/mesh': 'default', 'kuma.io/origin': 'zone', 'kuma.io/zone': 'zone-1' }],
      ['ZoneIngress', 'ingress-1-d42xfc5b76vxd222', { 'kuma.io/display-name': 'ingress-1', 'kuma.io/origin': 'zone', 'kuma.io/zone': 'zone-1' }],
    ]);
    // And global never sends that Dataplane to zone-2.
    expect(globalSendsToZone(snap[0]!, 'zone-2', { flagsOf: referenceFlags, zoneEnabled: () => true })).toBe(false);
  });

  it('labels under a skip prefix do not reach the other side, in either direction', () => {
    const skip = { 'team.example.com/owner': 'a' };
    const down = globalToZoneSnapshot([res('TrafficPermission', 'p', { labels: skip })], 'zone-1', { ...ctx({}), skipPrefixes: ['team.example.com/'] });
    expect(down[0]?.labels).not.toHaveProperty('team.example.com/owner');
    const up = zoneToGlobalSnapshot([res('Dataplane', 'd', { labels: skip })], { flagsOf: referenceFlags, zone: 'z', skipPrefixes: ['team.example.com/'] });
    expect(up[0]?.labels).not.toHaveProperty('team.example.com/owner');
  });

  it('hashes the Kubernetes namespace of zone objects', () => {
    const up = zoneToGlobalSnapshot([res('Dataplane', 'backend-1')], { flagsOf: referenceFlags, zone: 'zone-1', namespaceOf: () => 'kuma-demo' });
    expect(up[0]?.labels?.['k8s.kuma.io/namespace']).toBe('kuma-demo');
    expect(up[0]?.name).not.toBe('backend-1-66xx8vw7fxxw7bb8');
  });
});

describe('flag lookups', () => {
  it('reads a fixed table and nothing else', () => {
    const flagsOf = flagsFromTable({ A: { providedByGlobal: true, providedByZone: false, globalToZones: true, zoneToGlobal: false } });
    expect(flagsOf('A')?.globalToZones).toBe(true);
    expect(flagsOf('B')).toBeUndefined();
    expect(flagsOf('toString')).toBeUndefined();
  });

  it("reads Portico's descriptors", () => {
    expect(descriptorFlags('NoSuchKind')).toBeUndefined();
    // Whatever a descriptor declares is returned as is (flags are filled per kind elsewhere).
    for (const kind of ['Mesh', 'TrafficPermission', 'Dataplane', 'GlobalSecret'] as const) {
      expect(descriptorFlags(kind)).toBe(kindDescriptor(kind).multizone);
    }
  });
});
