// What global offers each zone: one listing of the kinds global sends, shared by every zone's
// stream, filtered per zone with the pure rules of src/multizone/sync-filters.ts. A copy does not
// depend on the zone it goes to, so each stored version is mapped and encoded once and reused by
// every zone and every later offer until it changes.
import type { StoredResource } from '../core/resource.js';
import type { Kind } from '../core/resource.js';
import type { ResourceStore } from '../core/store.js';
import { zoneEnabled, type ZoneSpec } from '../api/zone.js';
import { globalSendsToZone, zoneTokenPublicKeyCopy, type DerivePublicKey } from '../multizone/sync-filters.js';
import { globalToZoneCopy } from '../multizone/synced-labels.js';
import { descriptorFlags, type FlagsOf, type SyncFlags } from '../multizone/sync-resource.js';
import type { SnapshotResource } from '../xds/cache/snapshot.js';
import { syncResourceOf, type StoreNaming } from './sync-apply.js';
import { buildOffer, encodedCopy, type SyncOffer } from './sync-types.js';

/** One listed resource with its encoded copy. */
interface Listed {
  readonly stored: StoredResource;
  readonly copy: SnapshotResource;
}

/** Settings of the offers. */
export interface GlobalOffersOptions {
  readonly store: ResourceStore;
  readonly kinds: readonly string[];
  readonly derivePublicKey: DerivePublicKey;
  readonly flagsOf?: FlagsOf;
  /** `multizone.global.kds.labels.skipPrefixes`. */
  readonly skipPrefixes?: readonly string[];
  /** The store's names, when they differ from the wire's (Kubernetes). */
  readonly naming?: StoreNaming;
}

/** The current listing and per-zone offers built from it. */
export class GlobalOffers {
  private listed: readonly Listed[] = [];
  private zones = new Map<string, boolean>();
  private readonly copies = new Map<string, SnapshotResource>();
  private readonly perZone = new Map<string, SyncOffer>();
  private readonly flagsOf: FlagsOf;

  constructor(private readonly options: GlobalOffersOptions) {
    this.flagsOf = options.flagsOf ?? descriptorFlags;
  }

  /** Lists the store again; offers built before are dropped. */
  async refresh(): Promise<void> {
    const stored: StoredResource[] = [];
    for (const kind of this.options.kinds) stored.push(...(await this.options.store.list(kind as Kind)));
    const zones = await this.options.store.list('Zone');
    const seen = new Set<string>();
    const listed: Listed[] = [];
    for (const resource of stored) {
      const key = `${resource.kind}/${resource.mesh}/${resource.name}@${resource.version}`;
      seen.add(key);
      let copy = this.copies.get(key);
      if (!copy) {
        copy = this.copyOf(resource);
        if (!copy) continue;
        this.copies.set(key, copy);
      }
      listed.push({ stored: resource, copy });
    }
    for (const key of [...this.copies.keys()]) if (!seen.has(key)) this.copies.delete(key);
    this.listed = listed;
    this.zones = new Map(zones.map((z) => [z.name, zoneEnabled(z.spec as ZoneSpec)]));
    this.perZone.clear();
  }

  /** The copy global sends of a resource, whoever it goes to; undefined for what never leaves global. */
  private copyOf(resource: StoredResource): SnapshotResource | undefined {
    const flags = this.flagsOf(resource.kind) as SyncFlags | undefined;
    if (!flags) return undefined;
    let sendable;
    try {
      sendable = zoneTokenPublicKeyCopy(syncResourceOf(resource, this.options.naming), this.options.derivePublicKey);
    } catch {
      // A signing key that is not an RSA private key cannot be reduced to a public one: not sent.
      return undefined;
    }
    return encodedCopy(resource.kind, globalToZoneCopy(sendable, flags, { skipPrefixes: this.options.skipPrefixes }));
  }

  /** What zone `zone` gets now. */
  offerFor(zone: string): SyncOffer {
    let offer = this.perZone.get(zone);
    if (!offer) {
      const context = { flagsOf: this.flagsOf, zoneEnabled: (z: string) => this.zones.get(z) };
      const copies = this.listed.filter((l) => globalSendsToZone(syncResourceOf(l.stored, this.options.naming), zone, context)).map((l) => l.copy);
      offer = buildOffer(this.options.kinds, copies);
      this.perZone.set(zone, offer);
    }
    return offer;
  }
}
