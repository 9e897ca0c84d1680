import type { Logger } from 'pino';
import type { StoredResource } from '../core/resource.js';
import type { ResourceStore } from '../core/store.js';
import { readCertificateFiles } from './certificate-files.js';
import { referencedCertificateFiles } from '../gateway/certificate-sources.js';
import type { GatewayInput } from '../gateway/gateway-input.js';
import { gatewayIdentity, selectGateway } from '../gateway/select-gateway.js';
import type { GatewayTranslation } from '../gateway/gateway-input.js';
import type { ProxyTranslation } from '../gateway/status.js';
import type { ResourceStatuses } from './resource-status.js';
import { translateGateway } from '../gateway/translate-gateway.js';
import type { Gateway } from '../ir/gateway.js';
import type { Snapshot } from '../xds/cache/snapshot.js';
import type { SnapshotCache } from '../xds/cache/snapshot-cache.js';
import { buildListeners, buildSharedResources, emptyGatewayResources } from '../xds/translator/translate.js';
import { encodeEnvoyResources, type EncodedTypes } from './encode-resources.js';
import { assembleSnapshot } from './assemble-snapshot.js';

/** Counters the benchmark and status endpoints read. */
export interface GenerationStats {
  generations: number;
  translations: number;
  errors: number;
  lastGenerationMs: number;
}

/** Shared part of one identity: its IR (for listeners) and every encoded resource but listeners. */
interface SharedResources {
  readonly gateway: Gateway | undefined;
  readonly encoded: EncodedTypes;
}

/** What translating one identity gave: resources to publish, or why there are none. */
interface IdentityResult {
  readonly translation?: GatewayTranslation;
  readonly resources?: SharedResources;
  readonly error?: string;
}

/** One proxy group's snapshot, or why it could not be built. */
interface SnapshotResult {
  readonly snapshot?: Snapshot;
  readonly error?: string;
}

/** What one regeneration decided for one mesh: node id -> snapshot (undefined = keep last good). */
type MeshSnapshots = Map<string, Snapshot | undefined>;

/**
 * Turns store state into xDS snapshots, one per gateway configuration identity: proxies with equal
 * identity (mesh, selected MeshGateway, proxy tags) share one translation and one set of encoded
 * shared resources; only listeners depend on the proxy address. Regeneration is per mesh: a change
 * event marks its mesh dirty and the next `regenerate()` recomputes only dirty meshes.
 *
 * Failure semantics (robustness.md §2 rule 3): a translation that throws or produces an
 * inconsistent snapshot leaves the affected proxies on their last good snapshot and counts an error.
 */
export class GatewaySnapshots {
  private readonly dirtyMeshes = new Set<string>();
  private allDirty = true;
  /** Node ids published per mesh, so removed proxies are dropped from the cache. */
  private readonly nodesByMesh = new Map<string, Set<string>>();
  readonly stats: GenerationStats = { generations: 0, translations: 0, errors: 0, lastGenerationMs: 0 };

  constructor(
    private readonly store: ResourceStore,
    private readonly cache: SnapshotCache,
    private readonly logger: Logger,
    /** Receives what every generation found, for MeshGateway/MeshGatewayRoute conditions. */
    private readonly statuses?: ResourceStatuses,
  ) {}

  /** Mark a mesh for recomputation (called on every store change event). */
  markDirty(mesh: string): void {
    this.dirtyMeshes.add(mesh);
  }

  /** Recompute snapshots of every dirty mesh and publish them. */
  async regenerate(): Promise<void> {
    const started = performance.now();
    const meshes = await this.store.list('Mesh');
    const meshNames = new Set(meshes.map((m) => m.name));
    const targets = this.allDirty ? [...meshNames, ...this.nodesByMesh.keys()] : [...this.dirtyMeshes];
    this.allDirty = false;
    this.dirtyMeshes.clear();
    for (const meshName of new Set(targets)) {
      const mesh = meshes.find((m) => m.name === meshName);
      const published = mesh ? await this.meshSnapshots(mesh) : new Map<string, Snapshot | undefined>();
      if (!mesh) this.statuses?.remove(meshName);
      this.publish(meshName, published);
    }
    this.stats.generations += 1;
    this.stats.lastGenerationMs = performance.now() - started;
  }

  private async meshSnapshots(mesh: StoredResource<'Mesh'>): Promise<MeshSnapshots> {
    const [dataplanes, gateways, routes, secrets] = await Promise.all([
      this.store.list('Dataplane', { mesh: mesh.name }),
      this.store.list('MeshGateway', { mesh: mesh.name }),
      this.store.list('MeshGatewayRoute', { mesh: mesh.name }),
      this.store.list('Secret', { mesh: mesh.name }),
    ]);
    // Files have no change events: they are re-read whenever their mesh is regenerated.
    const files = await readCertificateFiles(referencedCertificateFiles(gateways));
    const proxies = dataplanes.filter((dp) => dp.spec.networking.gateway?.type === 'BUILTIN');
    const shared = new Map<string, IdentityResult>();
    const snapshots = new Map<string, SnapshotResult>();
    const result: MeshSnapshots = new Map();
    const translations: ProxyTranslation[] = [];
    for (const proxy of proxies) {
      const input: GatewayInput = { mesh, proxy, gateways, routes, dataplanes, secrets, files };
      const identity = gatewayIdentity(input) ?? `${mesh.name}/no-gateway`;
      if (!shared.has(identity)) shared.set(identity, this.translateShared(input, identity));
      const translated = shared.get(identity)!;
      const address = proxy.spec.networking.advertisedAddress ?? proxy.spec.networking.address;
      const snapshotKey = `${identity}@${address}`;
      if (!snapshots.has(snapshotKey)) {
        snapshots.set(snapshotKey, translated.resources ? this.snapshotFor(translated.resources, address, snapshotKey) : {});
      }
      const built = snapshots.get(snapshotKey)!;
      result.set(`${mesh.name}.${proxy.name}`, built.snapshot);
      translations.push({
        proxy: proxy.name,
        gateway: selectGateway(proxy, gateways)?.name,
        translation: translated.translation,
        error: translated.error ?? built.error,
      });
    }
    this.statuses?.update(mesh.name, { mesh: mesh.name, gateways, routes, dataplanes, translations });
    return result;
  }

  /** Translate and encode everything but listeners, once per identity; no resources on failure. */
  private translateShared(input: GatewayInput, identity: string): IdentityResult {
    this.stats.translations += 1;
    let translation: GatewayTranslation | undefined;
    try {
      translation = translateGateway(input);
      for (const p of translation.problems) this.logger.warn({ resource: p.resource, identity }, p.message);
      if (translation.failed) {
        // gateway.md §4.6: generation fails and the proxies keep their last accepted config.
        this.stats.errors += 1;
        this.logger.error({ identity, problems: translation.problems.length }, 'gateway generation failed; proxies keep their last good config');
        return { translation };
      }
      const gw = translation.gateway;
      const envoy = gw ? buildSharedResources(gw) : emptyGatewayResources();
      return { translation, resources: { gateway: gw, encoded: encodeEnvoyResources(envoy) } };
    } catch (err) {
      this.stats.errors += 1;
      this.logger.error({ err, identity }, 'gateway translation failed; proxies keep their last good config');
      return { translation, error: `generation failed: ${(err as Error).message}` };
    }
  }

  private snapshotFor(resources: SharedResources, address: string, key: string): SnapshotResult {
    try {
      const listeners = resources.gateway ? encodeEnvoyResources({ listeners: buildListeners(resources.gateway, address) }) : undefined;
      const assembled = assembleSnapshot(resources.encoded, listeners);
      if (assembled.problems.length > 0) {
        this.stats.errors += 1;
        this.logger.error({ problems: assembled.problems, key }, 'inconsistent snapshot not published; proxies keep their last good config');
        return { error: `inconsistent configuration not published: ${assembled.problems.map((p) => p.message).join('; ')}` };
      }
      return { snapshot: assembled.snapshot };
    } catch (err) {
      this.stats.errors += 1;
      this.logger.error({ err, key }, 'snapshot assembly failed; proxies keep their last good config');
      return { error: `snapshot assembly failed: ${(err as Error).message}` };
    }
  }


  /** Set new snapshots, keep last good ones where generation failed, drop vanished proxies. */
  private publish(mesh: string, snapshots: MeshSnapshots): void {
    const previous = this.nodesByMesh.get(mesh) ?? new Set<string>();
    for (const [nodeId, snapshot] of snapshots) {
      if (snapshot) this.cache.set(nodeId, snapshot);
    }
    for (const nodeId of previous) {
      if (!snapshots.has(nodeId)) this.cache.delete(nodeId);
    }
    this.nodesByMesh.set(mesh, new Set(snapshots.keys()));
  }
}
