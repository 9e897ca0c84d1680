// The resource shape the sync filters and mappers work on, and where a kind's multi-zone flags
// come from. Kept apart from the store's StoredResource: sync also handles kinds that have no
// descriptor yet (ZoneIngress, most insights), and its `mesh` is the wire's (empty outside meshes).
import type { MultizoneFlags } from '../api/kinds/descriptor.js';
import { RESOURCE_KINDS } from '../api/resource-kinds.js';

/** One resource as sync sees it. */
export interface SyncResource {
  /** Kind name as in `type:` (`MeshGateway`). */
  readonly kind: string;
  /**
   * Mesh of a mesh-scoped resource; empty for kinds outside any mesh (the store keys those with
   * mesh = name, the sync protocol and the hash with an empty mesh, docs/multizone.md §3.3, §4.1).
   */
  readonly mesh: string;
  readonly name: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly spec: unknown;
  /** Observed state, for kinds that have one; never sent from global to zones. */
  readonly status?: unknown;
}

/**
 * A kind's flags, plus Kuma's "disabled by default" that no Portico kind sets yet: such a kind
 * travels only for objects labelled `kuma.io/kds-sync: enabled`.
 */
export interface SyncFlags extends MultizoneFlags {
  readonly disabledByDefault?: boolean;
}

/** Flags of a kind; undefined for a kind that is never synced. */
export type FlagsOf = (kind: string) => SyncFlags | undefined;

/** The flags declared on Portico's descriptors (src/api/kinds). */
export const descriptorFlags: FlagsOf = (kind) => RESOURCE_KINDS.find((d) => d.kind === kind)?.multizone;

/** A flag lookup over a fixed table: tests, and kinds not yet described. */
export function flagsFromTable(table: Readonly<Record<string, SyncFlags>>): FlagsOf {
  return (kind) => (Object.hasOwn(table, kind) ? table[kind] : undefined);
}
