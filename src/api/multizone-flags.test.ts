// docs/multizone.md §2's table, kind by kind: every stored kind declares its flags, and they say what
// the table says (directions, name kept or hashed) and what docs/multizone.md §5.1 derives from them.
import { describe, expect, it } from 'vitest';
import type { MultizoneFlags } from './kinds/descriptor.js';
import { RESOURCE_KINDS, KUBERNETES_ONLY_KINDS } from './resource-kinds.js';
import { readOnlyDetail } from './multizone-rules.js';

type Row = Required<MultizoneFlags>;
const globalToZones: Row = { providedByGlobal: true, providedByZone: false, globalToZones: true, zoneToGlobal: false, syncedAcrossZones: false, keepName: false, insight: false };
const secretLike: Row = { providedByGlobal: true, providedByZone: true, globalToZones: true, zoneToGlobal: false, syncedAcrossZones: false, keepName: true, insight: false };
const localToEach: Row = { providedByGlobal: true, providedByZone: true, globalToZones: false, zoneToGlobal: false, syncedAcrossZones: false, keepName: false, insight: false };

/** docs/multizone.md §2, one row per stored kind. */
const TABLE: Record<string, Row> = {
  Mesh: { ...globalToZones, keepName: true },
  TrafficPermission: globalToZones,
  Timeout: globalToZones,
  Retry: globalToZones,
  CircuitBreaker: globalToZones,
  HealthCheck: globalToZones,
  FaultInjection: globalToZones,
  RateLimit: globalToZones,
  TrafficLog: globalToZones,
  TrafficTrace: globalToZones,
  ProxyTemplate: globalToZones,
  ExternalService: globalToZones,
  MeshGatewayRoute: globalToZones,
  MeshGateway: { providedByGlobal: true, providedByZone: true, globalToZones: true, zoneToGlobal: true, syncedAcrossZones: false, keepName: false, insight: false },
  Dataplane: { providedByGlobal: false, providedByZone: true, globalToZones: false, zoneToGlobal: true, syncedAcrossZones: false, keepName: false, insight: false },
  Secret: secretLike,
  GlobalSecret: secretLike,
  // Kuma flags Zone "provided by both", but its write rules let only the global write it; Portico
  // follows the write rules (docs/multizone.md §2, §5.1).
  Zone: { ...localToEach, providedByZone: false },
  ZoneInsight: { ...localToEach, insight: true },
  ZoneIngress: { providedByGlobal: false, providedByZone: true, globalToZones: false, zoneToGlobal: true, syncedAcrossZones: true, keepName: false, insight: false },
};

function normalised(flags: MultizoneFlags): Row {
  return { syncedAcrossZones: false, keepName: false, insight: false, ...flags };
}

describe('multi-zone flags of every kind (docs/multizone.md §2)', () => {
  it('the table covers exactly the stored kinds', () => {
    expect(Object.keys(TABLE).sort()).toEqual(RESOURCE_KINDS.map((k) => k.kind).sort());
  });

  for (const kind of RESOURCE_KINDS) {
    it(`${kind.kind} travels as the table says`, () => {
      expect(kind.multizone, `${kind.kind} declares no multizone flags`).toBeDefined();
      expect(normalised(kind.multizone!)).toEqual(TABLE[kind.kind]);
    });
  }

  it('MeshGatewayInstance is a Kubernetes object, not a synced type', () => {
    for (const kind of KUBERNETES_ONLY_KINDS) expect('multizone' in kind ? kind.multizone : undefined).toBeUndefined();
  });

  it('docs/multizone.md §5.1: writable on global and on a federated zone as the flags derive', () => {
    const global = { mode: 'global' } as const;
    const zone = { mode: 'zone', zone: 'zone-1', federated: true } as const;
    const writable = (role: typeof global | typeof zone) =>
      RESOURCE_KINDS.filter((k) => readOnlyDetail(role, k.multizone) === undefined).map((k) => k.kind).sort();
    expect(writable(global)).toEqual(RESOURCE_KINDS.map((k) => k.kind).filter((k) => k !== 'Dataplane' && k !== 'ZoneInsight' && k !== 'ZoneIngress').sort());
    expect(writable(zone)).toEqual(['Dataplane', 'GlobalSecret', 'MeshGateway', 'Secret', 'ZoneIngress']);
    // A zone without a global writes everything but insights, which only the control plane writes.
    const standalone = { mode: 'zone', zone: 'default', federated: false } as const;
    expect(RESOURCE_KINDS.filter((k) => readOnlyDetail(standalone, k.multizone) !== undefined).map((k) => k.kind)).toEqual(['ZoneInsight']);
  });
});
