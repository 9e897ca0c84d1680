// Kuma's flags for the kinds of docs/multizone.md §2's table, as a fixture: the filters are tested
// against that table itself, independent of which descriptors carry flags yet.
import { flagsFromTable, type SyncFlags } from '../sync-resource.js';

const GLOBAL_TO_ZONES: SyncFlags = { providedByGlobal: true, providedByZone: false, globalToZones: true, zoneToGlobal: false };
const ZONE_TO_GLOBAL: SyncFlags = { providedByGlobal: false, providedByZone: true, globalToZones: false, zoneToGlobal: true };
const SECRET_LIKE: SyncFlags = { providedByGlobal: true, providedByZone: true, globalToZones: true, zoneToGlobal: false, keepName: true };

export const REFERENCE_FLAGS: Readonly<Record<string, SyncFlags>> = {
  Mesh: { ...GLOBAL_TO_ZONES, keepName: true },
  TrafficPermission: GLOBAL_TO_ZONES,
  Timeout: GLOBAL_TO_ZONES,
  MeshGatewayRoute: GLOBAL_TO_ZONES,
  ServiceInsight: GLOBAL_TO_ZONES,
  MeshGateway: { providedByGlobal: true, providedByZone: true, globalToZones: true, zoneToGlobal: true },
  Dataplane: ZONE_TO_GLOBAL,
  DataplaneInsight: ZONE_TO_GLOBAL,
  ZoneIngressInsight: ZONE_TO_GLOBAL,
  ZoneIngress: { ...ZONE_TO_GLOBAL, syncedAcrossZones: true },
  Secret: SECRET_LIKE,
  GlobalSecret: SECRET_LIKE,
  Config: SECRET_LIKE,
  MeshInsight: { providedByGlobal: true, providedByZone: false, globalToZones: false, zoneToGlobal: false },
  Zone: { providedByGlobal: true, providedByZone: true, globalToZones: false, zoneToGlobal: false },
  // Kuma's "disabled by default": travels only when an object asks with kuma.io/kds-sync.
  OptIn: { ...GLOBAL_TO_ZONES, disabledByDefault: true },
};

export const referenceFlags = flagsFromTable(REFERENCE_FLAGS);
