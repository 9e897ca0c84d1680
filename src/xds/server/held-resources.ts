// What one client holds of one type, by name (the "held" of stream-state.ts), stored small. The
// common case after an ACK is that a client holds exactly a snapshot type's resources at their
// versions; storing that as a name -> entry map per stream would cost every stream a copy of the
// snapshot's index (issue 9: 10,000 proxies). So the entries are kept as a reference to a map
// shared by every stream (the snapshot type's resources) plus a small overlay of differences;
// `rebase` picks whichever of the two forms is smaller after each response. Reads and writes look
// like a Map; the representation never shows.
import type { SnapshotResource } from '../cache/snapshot.js';

/** What the client holds without the resource at hand: a version from `initial_resource_versions`, or null = told it does not exist (delta). */
export interface VersionOnly {
  readonly version: string | null;
}

/** What the client holds under one name: the snapshot resource sent to it, or a version only. */
export type HeldResource = SnapshotResource | VersionOnly;

/** The client was told the name does not exist (delta); one shared object. */
export const NOT_FOUND: VersionOnly = Object.freeze({ version: null });

/** The resource itself when the entry is one that was sent (so it can be sent again while retained). */
export function sentResource(entry: HeldResource | undefined): SnapshotResource | undefined {
  return entry !== undefined && 'any' in entry ? entry : undefined;
}

/** Overlay value for a name of the base the client does not hold. */
const DROPPED = null;

/** Whether a held entry is the content of `resource` (same name assumed; versions are content hashes). */
function sameContent(entry: HeldResource, resource: SnapshotResource | undefined): boolean {
  return resource !== undefined && entry.version !== null && entry.version === resource.version;
}

/** Name -> held entry, as a shared base map plus an overlay of differences. */
export class HeldResources {
  /** Entries taken as held unless the overlay says otherwise; shared, never mutated. */
  private base: ReadonlyMap<string, SnapshotResource> | undefined;
  /** Per-stream differences from `base`: an entry, or DROPPED for a base name not held. */
  private overlay: Map<string, HeldResource | typeof DROPPED> | undefined;
  private count = 0;

  /** Number of names held. */
  get size(): number {
    return this.count;
  }

  /** Entries this stream stores itself (the overlay), as opposed to referencing a shared map. */
  ownEntries(): number {
    return this.overlay?.size ?? 0;
  }

  get(name: string): HeldResource | undefined {
    const own = this.overlay?.get(name);
    if (own !== undefined) return own ?? undefined;
    return this.base?.get(name);
  }

  has(name: string): boolean {
    return this.get(name) !== undefined;
  }

  set(name: string, entry: HeldResource): void {
    if (!this.has(name)) this.count += 1;
    if (this.base?.get(name) === entry) this.overlay?.delete(name);
    else (this.overlay ??= new Map()).set(name, entry);
    this.dropEmptyOverlay();
  }

  delete(name: string): boolean {
    if (!this.has(name)) return false;
    this.count -= 1;
    if (this.base?.has(name)) (this.overlay ??= new Map()).set(name, DROPPED);
    else this.overlay?.delete(name);
    this.dropEmptyOverlay();
    return true;
  }

  /** Held names (base names first, in base order, then the overlay's own). */
  *keys(): IterableIterator<string> {
    for (const [name] of this.entries()) yield name;
  }

  *entries(): IterableIterator<[string, HeldResource]> {
    const overlay = this.overlay;
    if (this.base) {
      for (const [name, resource] of this.base) {
        const own = overlay?.get(name);
        if (own === DROPPED) continue;
        yield [name, own ?? resource];
      }
    }
    if (!overlay) return;
    for (const [name, entry] of overlay) {
      if (entry !== DROPPED && !this.base?.has(name)) yield [name, entry];
    }
  }

  [Symbol.iterator](): IterableIterator<[string, HeldResource]> {
    return this.entries();
  }

  /**
   * Re-expresses the entries relative to `shared` (a snapshot type's resources, shared by every
   * stream) when that stores fewer per-stream entries than a plain map. An entry at the same version
   * as `shared`'s resource of that name is the same content (versions are content hashes), so it
   * is replaced by `shared`'s object: old snapshots are not pinned by idle streams. Entries not in
   * `shared`, at another version, or null stay in the overlay. Content is unchanged.
   */
  rebase(shared: ReadonlyMap<string, SnapshotResource>): void {
    if (this.base === shared && this.overlay === undefined) return;
    const held = new Map(this.entries());
    let same = 0;
    for (const [name, entry] of held) if (sameContent(entry, shared.get(name))) same += 1;
    const useShared = held.size - same + (shared.size - same) < held.size;
    const overlay = new Map<string, HeldResource | typeof DROPPED>();
    for (const [name, entry] of held) {
      const resource = shared.get(name);
      const current = sameContent(entry, resource) ? resource! : entry;
      if (!useShared || current !== resource) overlay.set(name, current);
    }
    if (useShared) for (const name of shared.keys()) if (!held.has(name)) overlay.set(name, DROPPED);
    this.base = useShared ? shared : undefined;
    this.overlay = overlay.size > 0 ? overlay : undefined;
    this.count = held.size;
  }

  private dropEmptyOverlay(): void {
    if (this.overlay?.size === 0) this.overlay = undefined;
  }
}
