import { describe, expect, it } from 'vitest';
import { GLOBAL_TO_ZONES, ZONE_TO_GLOBAL } from './kinds/descriptor.js';
import { GLOBAL_READ_ONLY_DETAIL, labelViolations, readOnlyDetail, stampedLabels, stampedZoneTags, ZONE_READ_ONLY_DETAIL, type WriteRole } from './multizone-rules.js';

const global: WriteRole = { mode: 'global' };
const zone: WriteRole = { mode: 'zone', zone: 'zone-1', federated: true };
const standalone: WriteRole = { mode: 'zone', zone: 'default', federated: false };

describe('readOnlyDetail (docs/multizone.md §5.1)', () => {
  it("answers Kuma's texts, trailing newline included", () => {
    expect(readOnlyDetail(global, ZONE_TO_GLOBAL)).toBe(GLOBAL_READ_ONLY_DETAIL);
    expect(GLOBAL_READ_ONLY_DETAIL).toMatch(/^On global control plane you can not modify dataplane resources .*zone control plane\.\n$/);
    expect(readOnlyDetail(zone, GLOBAL_TO_ZONES)).toBe(ZONE_READ_ONLY_DETAIL);
    expect(ZONE_READ_ONLY_DETAIL).toMatch(/^On zone control plane you can only modify zone resources .*global control plane\.\n$/);
  });
  it('a zone without global and unflagged kinds write everything', () => {
    expect(readOnlyDetail(standalone, GLOBAL_TO_ZONES)).toBeUndefined();
    expect(readOnlyDetail(standalone, ZONE_TO_GLOBAL)).toBeUndefined();
    expect(readOnlyDetail(global, undefined)).toBeUndefined();
    expect(readOnlyDetail(zone, undefined)).toBeUndefined();
  });
});

describe('labelViolations (docs/multizone.md §5.2)', () => {
  const create = (labels: Record<string, string>, name = 'x') => ({ operation: 'create' as const, mesh: 'default', name, labels });

  it('refuses an unknown origin everywhere', () => {
    for (const role of [global, zone, standalone]) {
      expect(labelViolations(role, create({ 'kuma.io/origin': 'mars' }))).toEqual([
        { field: 'labels["kuma.io/origin"]', message: 'unknown resource origin "mars"' },
      ]);
    }
  });

  it('global: create, update and delete of a zone-originated resource', () => {
    const violation = { field: 'labels["kuma.io/origin"]', message: "the origin label must be set to 'global'" };
    expect(labelViolations(global, create({ 'kuma.io/origin': 'zone' }))).toEqual([violation]);
    expect(labelViolations(global, { operation: 'delete', mesh: 'default', name: 'gw', labels: { 'kuma.io/origin': 'zone', 'kuma.io/zone': 'z' } })).toEqual([violation]);
    expect(labelViolations(global, create({}))).toEqual([]);
    expect(labelViolations(global, create({ 'kuma.io/origin': 'global' }))).toEqual([]);
  });

  it('zone: its own zone label, the mesh label, the name length', () => {
    expect(labelViolations(zone, create({ 'kuma.io/zone': 'zone-2' }))).toEqual([
      { field: 'labels["kuma.io/zone"]', message: 'kuma.io/zone label should have zone-1 value' },
    ]);
    expect(labelViolations(zone, create({ 'kuma.io/mesh': 'other' }))).toEqual([
      { field: 'labels["kuma.io/mesh"]', message: 'kuma.io/mesh label must not differ from mesh set on resource' },
    ]);
    expect(labelViolations(zone, create({}, 'n'.repeat(246)))).toEqual([{ field: 'name', message: 'the length of the name must be shorter' }]);
    expect(labelViolations(zone, create({}, 'n'.repeat(245)))).toEqual([]);
    expect(labelViolations(zone, create({ 'kuma.io/zone': 'zone-1', 'kuma.io/mesh': 'default' }))).toEqual([]);
  });

  it('[Z1]: a zone refuses to update or delete a copy global sent', () => {
    const z1 = { field: 'labels["kuma.io/origin"]', message: "the origin label must be set to 'zone'" };
    const stored = { 'kuma.io/origin': 'global', 'kuma.io/display-name': 'gw' };
    expect(labelViolations(zone, { operation: 'update', mesh: 'default', name: 'gw-x', labels: stored, previous: stored })).toEqual([z1]);
    expect(labelViolations(zone, { operation: 'delete', mesh: 'default', name: 'gw-x', labels: stored })).toEqual([z1]);
  });

  it('update: origin, zone and display name cannot be removed or changed', () => {
    const previous = { 'kuma.io/origin': 'zone', 'kuma.io/zone': 'zone-1', 'kuma.io/display-name': 'dp' };
    expect(labelViolations(zone, { operation: 'update', mesh: 'default', name: 'dp', labels: { 'kuma.io/origin': 'zone', 'kuma.io/zone': 'zone-1' }, previous })).toEqual([
      { field: 'labels["kuma.io/display-name"]', message: 'is immutable, cannot be removed (was "dp")' },
    ]);
    expect(labelViolations(global, { operation: 'update', mesh: 'default', name: 'tp', labels: { 'kuma.io/origin': 'global', 'kuma.io/display-name': 'b' }, previous: { 'kuma.io/origin': 'global', 'kuma.io/display-name': 'a' } })).toEqual([
      { field: 'labels["kuma.io/display-name"]', message: 'is immutable, cannot be changed from "a" to "b"' },
    ]);
  });

  it('a stored resource with an unknown origin can still be deleted', () => {
    expect(labelViolations(standalone, { operation: 'delete', mesh: 'default', name: 'x', labels: { 'kuma.io/origin': 'mars' } })).toEqual([]);
  });

  it('a zone without global checks only the origin value', () => {
    expect(labelViolations(standalone, create({ 'kuma.io/zone': 'elsewhere', 'kuma.io/mesh': 'other' }))).toEqual([]);
    expect(labelViolations(standalone, { operation: 'update', mesh: 'default', name: 'x', labels: {}, previous: { 'kuma.io/zone': 'a' } })).toEqual([]);
  });
});

describe('stampedLabels', () => {
  it('global stamps its origin; a federated zone its origin and zone; a zone without global nothing', () => {
    expect(stampedLabels(global, undefined)).toEqual({ 'kuma.io/origin': 'global' });
    expect(stampedLabels(zone, { a: 'b' })).toEqual({ a: 'b', 'kuma.io/origin': 'zone', 'kuma.io/zone': 'zone-1' });
    expect(stampedLabels(standalone, undefined)).toBeUndefined();
  });
});

describe('stampedZoneTags (Kuma: a zone control plane tags its Dataplanes with its zone)', () => {
  const federated = { mode: 'zone', zone: 'zone-1', federated: true } as const;
  const sidecar = { networking: { address: '10.0.0.1', inbound: [{ port: 8080, tags: { 'kuma.io/service': 'web', 'kuma.io/zone': 'spoofed' } }, { port: 8081, tags: { 'kuma.io/service': 'api' } }] } };
  const gateway = { networking: { address: '10.0.0.2', gateway: { type: 'BUILTIN', tags: { 'kuma.io/service': 'edge' } } } };

  it("sets kuma.io/zone in every inbound's tags and the gateway tags, replacing a value given", () => {
    expect(stampedZoneTags(federated, 'Dataplane', sidecar).networking.inbound.map((i) => i.tags['kuma.io/zone'])).toEqual(['zone-1', 'zone-1']);
    expect(stampedZoneTags(federated, 'Dataplane', gateway).networking.gateway.tags).toEqual({ 'kuma.io/service': 'edge', 'kuma.io/zone': 'zone-1' });
  });

  it('leaves other kinds, a zone without a global and the global alone, and never mutates its input', () => {
    expect(stampedZoneTags(federated, 'MeshGateway', sidecar)).toBe(sidecar);
    expect(stampedZoneTags({ mode: 'zone', zone: 'default', federated: false }, 'Dataplane', sidecar)).toBe(sidecar);
    expect(stampedZoneTags({ mode: 'global' }, 'Dataplane', sidecar)).toBe(sidecar);
    expect(stampedZoneTags(undefined, 'Dataplane', sidecar)).toBe(sidecar);
    stampedZoneTags(federated, 'Dataplane', sidecar);
    expect(sidecar.networking.inbound[1]!.tags).toEqual({ 'kuma.io/service': 'api' });
  });
});
