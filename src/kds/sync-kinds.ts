// Which kinds travel on each stream, derived from the descriptors' multi-zone flags, and the order
// they are sent in: secrets first, then meshes, then everything else by name, so a zone stores a
// mesh's CA secrets no later than the mesh that needs them and a mesh no later than its policies.
import { RESOURCE_KINDS } from '../api/resource-kinds.js';
import { descriptorFlags, type FlagsOf } from '../multizone/sync-resource.js';

const FIRST: readonly string[] = ['GlobalSecret', 'Secret', 'Mesh'];

function ordered(kinds: readonly string[]): string[] {
  const rank = (k: string): number => (FIRST.includes(k) ? FIRST.indexOf(k) : FIRST.length);
  return [...kinds].sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
}

/** Kinds global sends to zones: its own objects, or other zones' objects forwarded. */
export function globalToZoneKinds(flagsOf: FlagsOf = descriptorFlags): string[] {
  return ordered(RESOURCE_KINDS.map((d) => d.kind).filter((k) => flagsOf(k)?.globalToZones || flagsOf(k)?.syncedAcrossZones));
}

/** Kinds zones send to global. */
export function zoneToGlobalKinds(flagsOf: FlagsOf = descriptorFlags): string[] {
  return ordered(RESOURCE_KINDS.map((d) => d.kind).filter((k) => flagsOf(k)?.zoneToGlobal));
}
