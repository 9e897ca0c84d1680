import { describe, expect, it } from 'vitest';
import { computedLabels, globalToZoneCopy, proxyType, zeroSubscriptionGenerations, zoneToGlobalCopy, type LocalLabelContext, type LocalResource } from './synced-labels.js';
import type { SyncResource } from './sync-resource.js';
import { REFERENCE_FLAGS } from './testdata/reference-flags.js';

const F = REFERENCE_FLAGS;

describe('globalToZoneCopy (docs/multizone.md §4.2, global → zone)', () => {
  it('renames, marks the origin and records the display name', () => {
    const gw: SyncResource = { kind: 'MeshGateway', mesh: 'default', name: 'edge', labels: { team: 'a' }, spec: { x: 1 }, status: { ok: true } };
    expect(globalToZoneCopy(gw, F.MeshGateway!)).toEqual({
      kind: 'MeshGateway',
      mesh: 'default',
      name: 'edge-5c75xw87847wvc4c',
      labels: { 'kuma.io/display-name': 'edge', 'kuma.io/origin': 'global', team: 'a' },
      spec: { x: 1 },
    });
  });

  it('drops status', () => {
    const copy = globalToZoneCopy({ kind: 'MeshGateway', mesh: 'default', name: 'edge', spec: {}, status: { a: 1 } }, F.MeshGateway!);
    expect('status' in copy).toBe(false);
  });

  it('keeps names of Mesh, Secret, GlobalSecret and Config, without display-name', () => {
    for (const kind of ['Mesh', 'Secret', 'GlobalSecret', 'Config']) {
      const copy = globalToZoneCopy({ kind, mesh: kind === 'Secret' ? 'default' : '', name: 'n', spec: {} }, F[kind]!);
      expect(copy.name).toBe('n');
      expect(copy.labels).toEqual({ 'kuma.io/origin': 'global' });
    }
  });

  it('removes labels under a configured skip prefix, never the origin', () => {
    const tp: SyncResource = { kind: 'TrafficPermission', mesh: 'default', name: 'allow', labels: { 'internal.example.com/owner': 'x', 'internal.example.com/x': 'y', keep: 'z' }, spec: {} };
    const copy = globalToZoneCopy(tp, F.TrafficPermission!, { skipPrefixes: ['internal.example.com/', 'kuma.io/'] });
    expect(copy.labels).toEqual({ keep: 'z', 'kuma.io/origin': 'global', 'kuma.io/display-name': 'allow' });
  });

  it('gives a zone ingress re-sent to other zones the name it has on global', () => {
    const onGlobal: SyncResource = {
      kind: 'ZoneIngress',
      mesh: '',
      name: 'ingress-1-d42xfc5b76vxd222',
      labels: { 'kuma.io/origin': 'zone', 'kuma.io/zone': 'zone-1', 'kuma.io/display-name': 'ingress-1' },
      spec: {},
    };
    const copy = globalToZoneCopy(onGlobal, F.ZoneIngress!);
    expect(copy.name).toBe('ingress-1-d42xfc5b76vxd222');
    expect(copy.labels).toEqual({ 'kuma.io/display-name': 'ingress-1', 'kuma.io/origin': 'global', 'kuma.io/zone': 'zone-1' });
  });
});

describe('zoneToGlobalCopy (docs/multizone.md §4.2, zone → global)', () => {
  it('stamps origin and zone, hashes the zone into the name, records the display name', () => {
    const dp: SyncResource = { kind: 'Dataplane', mesh: 'default', name: 'backend-1', labels: { 'kuma.io/origin': 'zone', app: 'b' }, spec: {}, status: { s: 1 } };
    expect(zoneToGlobalCopy(dp, F.Dataplane!, { zone: 'zone-1' })).toEqual({
      kind: 'Dataplane',
      mesh: 'default',
      name: 'backend-1-66xx8vw7fxxw7bb8',
      labels: { app: 'b', 'kuma.io/display-name': 'backend-1', 'kuma.io/origin': 'zone', 'kuma.io/zone': 'zone-1' },
      spec: {},
      status: { s: 1 },
    });
  });

  it('overwrites a foreign kuma.io/zone with the sending zone', () => {
    const ing: SyncResource = { kind: 'ZoneIngress', mesh: '', name: 'ingress-1', labels: { 'kuma.io/zone': 'zone-9' }, spec: {} };
    const copy = zoneToGlobalCopy(ing, F.ZoneIngress!, { zone: 'zone-1' });
    expect(copy.name).toBe('ingress-1-d42xfc5b76vxd222');
    expect(copy.labels?.['kuma.io/zone']).toBe('zone-1');
  });

  it('adds the namespace on Kubernetes zones and hashes it', () => {
    const dp: SyncResource = { kind: 'Dataplane', mesh: 'default', name: 'backend-1', spec: {} };
    const copy = zoneToGlobalCopy(dp, F.Dataplane!, { zone: 'zone-1', namespace: 'kuma-demo' });
    expect(copy.labels?.['k8s.kuma.io/namespace']).toBe('kuma-demo');
    expect(copy.name).not.toBe('backend-1-66xx8vw7fxxw7bb8');
    expect(copy.name.startsWith('backend-1-')).toBe(true);
  });

  it('removes the deletion-grace label and skip-prefixed labels', () => {
    const dp: SyncResource = {
      kind: 'Dataplane',
      mesh: 'default',
      name: 'backend-1',
      labels: { 'kuma.io/deletion-grace-period-started-at': '2026-01-01T00:00:00Z', 'local.example.com/a': '1', keep: '2' },
      spec: {},
    };
    const copy = zoneToGlobalCopy(dp, F.Dataplane!, { zone: 'zone-1', skipPrefixes: ['local.example.com/'] });
    expect(Object.keys(copy.labels ?? {})).toEqual(['keep', 'kuma.io/display-name', 'kuma.io/origin', 'kuma.io/zone']);
  });

  it('zeroes the generation of insight subscriptions, and nothing else', () => {
    const spec = { subscriptions: [{ id: 'a', generation: 7 }, { id: 'b', generation: 3 }], mTLS: { issued: 2 } };
    const copy = zoneToGlobalCopy({ kind: 'DataplaneInsight', mesh: 'default', name: 'backend-1', spec }, F.DataplaneInsight!, { zone: 'zone-1' });
    expect(copy.spec).toEqual({ subscriptions: [{ id: 'a', generation: 0 }, { id: 'b', generation: 0 }], mTLS: { issued: 2 } });
    expect(spec.subscriptions[0]?.generation).toBe(7);
    const dp = zoneToGlobalCopy({ kind: 'Dataplane', mesh: 'default', name: 'd', spec: { subscriptions: [{ generation: 1 }] } }, F.Dataplane!, { zone: 'z' });
    expect(dp.spec).toEqual({ subscriptions: [{ generation: 1 }] });
    expect(zeroSubscriptionGenerations(null)).toBeNull();
    expect(zeroSubscriptionGenerations({ a: 1 })).toEqual({ a: 1 });
  });
});

describe('computedLabels (locally created resources)', () => {
  const zone: LocalLabelContext = { mode: 'zone', zone: 'zone-1', env: 'kubernetes' };
  const global: LocalLabelContext = { mode: 'global', zone: 'default', env: 'universal' };
  it.each<{ what: string; res: LocalResource; ctx: LocalLabelContext; labels: Record<string, string> }>([
    {
      what: 'a zone Dataplane gets origin, zone, env, mesh, proxy type',
      res: { kind: 'Dataplane', scope: 'mesh', mesh: 'default', labels: { app: 'x' }, spec: { networking: {} } },
      ctx: zone,
      labels: { app: 'x', 'kuma.io/env': 'kubernetes', 'kuma.io/mesh': 'default', 'kuma.io/origin': 'zone', 'kuma.io/proxy-type': 'sidecar', 'kuma.io/zone': 'zone-1' },
    },
    {
      what: 'a zone ZoneIngress (global-scoped: no mesh label)',
      res: { kind: 'ZoneIngress', scope: 'global', mesh: '' },
      ctx: { ...zone, env: 'universal' },
      labels: { 'kuma.io/env': 'universal', 'kuma.io/origin': 'zone', 'kuma.io/proxy-type': 'zoneingress', 'kuma.io/zone': 'zone-1' },
    },
    {
      what: 'a spoofed zone label is replaced by this zone',
      res: { kind: 'MeshGateway', scope: 'mesh', mesh: 'm', labels: { 'kuma.io/zone': 'zone-2' } },
      ctx: zone,
      labels: { 'kuma.io/env': 'kubernetes', 'kuma.io/mesh': 'm', 'kuma.io/origin': 'zone', 'kuma.io/zone': 'zone-1' },
    },
    {
      what: 'a copy received from global keeps origin global and gets no zone labels',
      res: { kind: 'MeshGateway', scope: 'mesh', mesh: 'm', labels: { 'kuma.io/origin': 'global' } },
      ctx: zone,
      labels: { 'kuma.io/mesh': 'm', 'kuma.io/origin': 'global' },
    },
    {
      what: 'a kind zones cannot create gets no zone labels',
      res: { kind: 'TrafficPermission', scope: 'mesh', mesh: 'm' },
      ctx: zone,
      labels: { 'kuma.io/mesh': 'm' },
    },
    {
      what: 'on global only the mesh label (and proxy type)',
      res: { kind: 'Dataplane', scope: 'mesh', mesh: 'm', spec: { networking: { gateway: { type: 'BUILTIN' } } } },
      ctx: global,
      labels: { 'kuma.io/mesh': 'm', 'kuma.io/proxy-type': 'gateway' },
    },
  ])('$what', ({ res, ctx, labels }) => {
    expect(computedLabels(res, F[res.kind], ctx)).toEqual(labels);
  });

  it('names proxy types', () => {
    expect(proxyType('ZoneEgress', {})).toBe('zoneegress');
    expect(proxyType('Mesh', {})).toBeUndefined();
  });
});
