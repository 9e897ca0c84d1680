// Zone: one zone control plane as the global knows it (docs/multizone.md §6), in Kuma's universal shape
// `{type: Zone, name, enabled}`. `enabled: false` only stops global re-sending the zone's
// synced-across-zones resources to other zones; an absent `enabled` means enabled.

import { bool, field, object, type ObjectSchema } from './schema.js';
import type { Violation } from './violation.js';

/** Spec of a Zone resource. */
export interface ZoneSpec {
  readonly enabled?: boolean;
}

/** Spec schema of a Zone. */
export const ZONE_SPEC_SCHEMA: ObjectSchema = object('A zone control plane connected to a global one.', {
  enabled: field(bool(), 'Whether the zone takes part in cross-zone sync; absent means enabled.'),
});

/** True unless the Zone says `enabled: false`. */
export function zoneEnabled(spec: ZoneSpec): boolean {
  return spec.enabled !== false;
}

/** A Zone spec has nothing to check beyond its schema (Kuma's Zone has no validator either). */
export function validateZone(_spec: ZoneSpec): Violation[] {
  return [];
}
