// An in-memory copy of the resources generation reads, kept current by the store's change events.
// Generation used to re-list four kinds from the store on every change; with thousands of
// Dataplanes that listing alone cost more than the translation. The mirror is loaded once (after
// subscribing, so no event is missed: events that arrived during the load are replayed on top of
// it, in commit order, which converges on the store's state) and then follows every commit.
import { compareByMeshName } from '../core/stored-resource.js';
import type { ChangeEvent } from '../core/store.js';
import type { Kind, StoredResource } from '../core/resource.js';
import { CONNECTION_POLICY_KINDS } from '../mesh/connection-policies.js';

/** The kinds proxy configuration is generated from (GlobalSecrets never reach a proxy). */
export const GENERATION_KINDS = ['Mesh', 'Dataplane', 'MeshGateway', 'MeshGatewayRoute', 'TrafficPermission', ...CONNECTION_POLICY_KINDS, 'TrafficTrace', 'ProxyTemplate', 'ExternalService', 'Secret', 'ZoneIngress'] as const satisfies readonly Kind[];

/** One of the kinds the mirror holds. */
export type GenerationKind = (typeof GENERATION_KINDS)[number];

/** True for a kind the mirror holds. */
export function isGenerationKind(kind: Kind): kind is GenerationKind {
  return (GENERATION_KINDS as readonly Kind[]).includes(kind);
}

/** The resources of one kind in one mesh, by name, with a sorted list built on demand. */
class KindBucket<K extends Kind> {
  readonly byName = new Map<string, StoredResource<K>>();
  private sorted: readonly StoredResource<K>[] | undefined;

  set(resource: StoredResource<K>): void {
    this.byName.set(resource.name, resource);
    this.sorted = undefined;
  }

  delete(name: string): void {
    if (this.byName.delete(name)) this.sorted = undefined;
  }

  /** Sorted as every store lists (mesh, name), so translation sees the order it always saw. */
  list(): readonly StoredResource<K>[] {
    this.sorted ??= Object.freeze([...this.byName.values()].sort(compareByMeshName));
    return this.sorted;
  }
}

const EMPTY: readonly never[] = Object.freeze([]);

/** Mesh -> kind -> resources; meshes themselves are the `Mesh` bucket of their own name. */
export class ResourceMirror {
  private readonly meshes = new Map<string, Map<GenerationKind, KindBucket<GenerationKind>>>();
  /** listGlobal's answers, until a resource of the kind changes (every generation asks). */
  private readonly globalLists = new Map<GenerationKind, readonly StoredResource[]>();

  /** Applies one committed change; returns the resource it replaced or removed, if any. */
  apply(event: ChangeEvent): StoredResource | undefined {
    const { kind, mesh, name } = event.key;
    if (!isGenerationKind(kind)) return undefined;
    this.globalLists.delete(kind);
    const previous = this.get(kind, mesh, name);
    if (event.type === 'put') this.bucket(kind, mesh, true).set(event.resource as StoredResource<GenerationKind>);
    else this.bucket(kind, mesh, false)?.delete(name);
    return previous;
  }

  /** Replaces the content of one kind with a full listing (the first load). */
  load<K extends GenerationKind>(kind: K, resources: readonly StoredResource<K>[]): void {
    this.globalLists.delete(kind);
    for (const buckets of this.meshes.values()) buckets.delete(kind);
    for (const r of resources) this.bucket(kind, r.mesh, true).set(r);
  }

  /** One resource, or undefined. */
  get<K extends GenerationKind>(kind: K, mesh: string, name: string): StoredResource<K> | undefined {
    return this.bucket(kind, mesh, false)?.byName.get(name);
  }

  /** Every resource of a kind in a mesh, sorted by name (the same frozen array until a change). */
  list<K extends GenerationKind>(kind: K, mesh: string): readonly StoredResource<K>[] {
    return this.bucket(kind, mesh, false)?.list() ?? EMPTY;
  }

  /** Every resource held, in no particular order (to copy the mirror). */
  *all(): IterableIterator<StoredResource> {
    for (const buckets of this.meshes.values()) for (const bucket of buckets.values()) yield* bucket.byName.values();
  }

  /**
   * Every resource of a global-scoped kind (ZoneIngress), which the store keys with mesh = name,
   * sorted by name.
   */
  listGlobal<K extends GenerationKind>(kind: K): readonly StoredResource<K>[] {
    let list = this.globalLists.get(kind);
    if (!list) {
      const all: StoredResource[] = [];
      for (const buckets of this.meshes.values()) {
        const bucket = buckets.get(kind);
        if (bucket) all.push(...bucket.byName.values());
      }
      list = Object.freeze(all.sort(compareByMeshName));
      this.globalLists.set(kind, list);
    }
    return list as readonly StoredResource<K>[];
  }

  /** Names of the meshes that exist (have a Mesh resource), sorted. */
  meshNames(): string[] {
    return [...this.meshes.keys()].filter((m) => this.get('Mesh', m, m) !== undefined).sort();
  }

  private bucket<K extends GenerationKind>(kind: K, mesh: string, create: true): KindBucket<K>;
  private bucket<K extends GenerationKind>(kind: K, mesh: string, create: false): KindBucket<K> | undefined;
  private bucket<K extends GenerationKind>(kind: K, mesh: string, create: boolean): KindBucket<K> | undefined {
    let buckets = this.meshes.get(mesh);
    if (!buckets) {
      if (!create) return undefined;
      buckets = new Map();
      this.meshes.set(mesh, buckets);
    }
    let bucket = buckets.get(kind);
    if (!bucket && create) {
      bucket = new KindBucket<GenerationKind>();
      buckets.set(kind, bucket);
    }
    return bucket as KindBucket<K> | undefined;
  }
}
