// The generation engine: store changes in, per-proxy snapshots out, doing only the work a change
// calls for (issue 9).
//
// - Proxies with equal configuration identity (mesh, selected MeshGateway, proxy tags) share one
//   generation: one translation, one encoding, one set of snapshot types. Replicas differ only in
//   their listeners' bind address, spliced into listener templates (listener-address.ts), and
//   replicas on one address share one snapshot object.
// - Each generation records what it read (gateway-dependencies.ts). A change marks only the
//   identities it may affect; a change of a gateway Dataplane or a MeshGateway re-selects the
//   proxies concerned, which may move them to another identity.
// - Encoded resources come from a content cache, so an unchanged resource is never encoded again,
//   and its snapshot entry keeps its version: a route change re-sends one RouteConfiguration.
// - The event loop is yielded to between identities and between batches of replicas, so REST and
//   ADS stay responsive while a large mesh regenerates.
//
// Failure semantics (robustness.md §2 rule 3): a translation that fails, throws or is inconsistent
// leaves the identity on its last good configuration (its proxies keep their snapshots) and counts
// an error; other identities are unaffected.
import type { Logger } from 'pino';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import type { StoredResource } from '../core/resource.js';
import type { ChangeEvent, ResourceStore } from '../core/store.js';
import { referencedCertificateFiles } from '../gateway/certificate-sources.js';
import { gatewayDependsOn } from '../gateway/gateway-dependencies.js';
import type { CertificateFile } from '../gateway/gateway-input.js';
import { identityOfSelection, selectGateway } from '../gateway/select-gateway.js';
import type { ProxyTranslation, StatusInput } from '../gateway/status.js';
import type { Snapshot, SnapshotType } from '../xds/cache/snapshot.js';
import type { SnapshotCache } from '../xds/cache/snapshot-cache.js';
import type { EncodeCache } from './encode-cache.js';
import { listenersKey, listenerType, replicaAddress, replicaSnapshot, type SharedConfig } from './gateway-generation.js';
import { InlineGenerator, type GenerationOutcome, type GenerationRequest, type Generator } from './generator.js';
import { WorkerGenerator } from './worker-generator.js';
import { GENERATION_KINDS, ResourceMirror } from './resource-mirror.js';

/** Counters the benchmark and status endpoints read. */
export interface GenerationStats {
  generations: number;
  translations: number;
  errors: number;
  lastGenerationMs: number;
  /** Replica snapshots set for watched proxies in the last generation. */
  lastSnapshots: number;
}

/** Where a generation's statuses go (runtime/resource-status.ts). */
export interface StatusSink {
  update(mesh: string, facts: Omit<StatusInput, 'delivery'>): void;
  remove(mesh: string): void;
}

/** Reads the certificate files gateways name (injectable for tests). */
export type FileReader = (paths: readonly string[]) => Promise<ReadonlyMap<string, CertificateFile>>;

/** Options of the engine. */
export interface GenerationEngineOptions {
  readonly store: ResourceStore;
  readonly cache: SnapshotCache;
  readonly logger: Logger;
  readonly readFiles: FileReader;
  readonly statuses?: StatusSink;
  /** Yield to the event loop after this much synchronous work (default 10 ms). */
  readonly sliceMs?: number;
  /**
   * Meshes at least this large (MeshGatewayRoutes + Dataplanes / 10) generate in a worker thread,
   * started on first need; smaller ones inline, where the hand-off would cost more than the work.
   * Default 500 (about 10 ms of translation); 0 = always in the worker; Infinity = never.
   */
  readonly workerThreshold?: number;
}

/** Default of `workerThreshold`. */
export const DEFAULT_WORKER_THRESHOLD = 500;

/** One BUILTIN gateway proxy: where it belongs and what it binds. */
interface ProxyState {
  readonly mesh: string;
  readonly name: string;
  readonly identity: string;
  readonly address: string;
  /** The MeshGateway selected for it, for statuses. */
  readonly gateway: string | undefined;
}

/** One configuration identity and its proxies. */
interface IdentityState {
  readonly key: string;
  readonly mesh: string;
  /** Node ids of its proxies. */
  readonly members: Set<string>;
  dirty: boolean;
  /** Certificate files its last generation read: a change of one regenerates it. */
  files: readonly string[];
  /** The latest generation (for statuses and dependencies), good or not. */
  latest?: GenerationOutcome;
  /** The last good configuration; what its proxies are served. */
  good?: SharedConfig;
  /** The generator holding the encode-cache lease of `good`. */
  generator?: Generator;
  /** Replica snapshots of `good` by address. */
  readonly snapshots: Map<string, Snapshot>;
  /**
   * LDS types by address, kept across generations while the listeners stay equal: a route
   * change then costs each replica a map copy and a hash, not new listener bytes.
   */
  listenerTypes: Map<string, SnapshotType>;
  /** `listenersKey` of the configuration `listenerTypes` belongs to. */
  listenersKey: string;
}

/** Node id of a proxy (xds-server.md §3): `<mesh>.<name>`. */
function nodeIdOf(mesh: string, name: string): string {
  return `${mesh}.${name}`;
}

/** Identity of proxies no MeshGateway selects: they get the empty configuration. */
function unselectedIdentity(mesh: string): string {
  return `${mesh}/no-gateway`;
}

/** Turns store state into snapshots, incrementally. */
export class GenerationEngine {
  readonly stats: GenerationStats = { generations: 0, translations: 0, errors: 0, lastGenerationMs: 0, lastSnapshots: 0 };
  private readonly mirror = new ResourceMirror();
  private readonly inline = new InlineGenerator(this.mirror);
  /** Started on the first large mesh; undefined before, or after it failed. */
  private worker: WorkerGenerator | undefined;
  private workerFailed = false;
  private readonly proxies = new Map<string, ProxyState>();
  private readonly identities = new Map<string, IdentityState>();
  /** Events since the last generation, in commit order. */
  private pending: ChangeEvent[] = [];
  private loaded = false;
  /** Meshes whose statuses need new facts. */
  private readonly touchedMeshes = new Set<string>();
  private readonly sliceMs: number;

  constructor(private readonly options: GenerationEngineOptions) {
    this.sliceMs = options.sliceMs ?? 10;
    options.cache.setProvider((nodeId) => this.snapshotFor(nodeId));
  }

  /** The inline generator's encode cache (tests and benchmarks). */
  get encodeCache(): EncodeCache {
    return this.inline.cache;
  }

  /** Whether a worker thread is generating (tests and benchmarks). */
  get workerRunning(): boolean {
    return this.worker !== undefined;
  }

  /** Stops the worker thread, if one runs. */
  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    await worker?.close();
  }

  /** Records a committed store change; the next `regenerate()` applies it. */
  onChange(event: ChangeEvent): void {
    this.pending.push(event);
  }

  /**
   * A certificate file changed on disk (files have no store events; the runtime watches the
   * paths `watchedFiles()` names): the identities that read it regenerate on the next run.
   */
  onFileChange(path: string): void {
    for (const identity of this.identities.values()) if (identity.files.includes(path)) identity.dirty = true;
  }

  /** Every certificate file a current generation read, sorted. */
  watchedFiles(): string[] {
    return [...new Set([...this.identities.values()].flatMap((i) => i.files))].sort();
  }

  /** Applies the pending changes and publishes every snapshot they changed. */
  async regenerate(): Promise<void> {
    const started = performance.now();
    if (!this.loaded) await this.load();
    const events = this.pending;
    this.pending = [];
    const reselect = new Set<string>();
    for (const event of events) this.applyChange(event, reselect);
    this.worker?.sync(events);
    const republish = new Set<string>();
    for (const key of reselect) this.reselect(key, republish);
    let composed = 0;
    let slice = performance.now();
    const maybeYield = async (): Promise<void> => {
      if (performance.now() - slice < this.sliceMs) return;
      await yieldToLoop();
      slice = performance.now();
    };
    for (const identity of [...this.identities.values()].sort((a, b) => (a.key < b.key ? -1 : 1))) {
      if (identity.members.size === 0) {
        this.dropIdentity(identity);
        continue;
      }
      if (!identity.dirty) continue;
      await this.generate(identity);
      for (const nodeId of identity.members) republish.add(nodeId);
      await maybeYield();
    }
    for (const nodeId of [...republish].sort()) {
      if (this.publish(nodeId)) composed += 1;
      // Every set wakes a stream whose push runs in the microtasks this await lets through, so
      // the slice's clock counts the pushes too, and the loop is yielded to between slices.
      await maybeYield();
    }
    this.updateStatuses();
    this.stats.generations += 1;
    this.stats.lastSnapshots = composed;
    this.stats.lastGenerationMs = performance.now() - started;
  }

  /**
   * The first load: every generation kind listed. Events that arrived meanwhile stay pending and
   * are applied on top, in commit order, so the mirror converges on the store's state.
   */
  private async load(): Promise<void> {
    for (const kind of GENERATION_KINDS) this.mirror.load(kind, await this.options.store.list(kind));
    for (const mesh of this.mirror.meshNames()) {
      for (const dp of this.mirror.list('Dataplane', mesh)) this.reselect(nodeIdOf(dp.mesh, dp.name), new Set());
      this.touchedMeshes.add(mesh);
    }
    this.loaded = true;
  }

  /** Applies one change to the mirror and marks what it affects. */
  private applyChange(event: ChangeEvent, reselect: Set<string>): void {
    const previous = this.mirror.apply(event);
    const { kind, mesh, name } = event.key;
    if (kind === 'GlobalSecret') return;
    const meshName = kind === 'Mesh' ? name : mesh;
    this.touchedMeshes.add(meshName);
    const current = event.type === 'put' ? event.resource : undefined;
    if (kind === 'Mesh') {
      // A mesh's own spec (mTLS) reaches every identity in it; a deleted or new mesh re-selects all.
      for (const dp of this.mirror.list('Dataplane', meshName)) reselect.add(nodeIdOf(meshName, dp.name));
      for (const p of this.proxies.values()) if (p.mesh === meshName) reselect.add(nodeIdOf(p.mesh, p.name));
    } else if (kind === 'Dataplane') {
      if (isGatewayProxy(previous) || isGatewayProxy(current)) reselect.add(nodeIdOf(mesh, name));
    } else if (kind === 'MeshGateway') {
      // Selection may move any gateway proxy of the mesh (gateway.md §2.2).
      for (const p of this.proxies.values()) if (p.mesh === mesh) reselect.add(nodeIdOf(p.mesh, p.name));
    }
    for (const identity of this.identities.values()) {
      if (identity.dirty || identity.mesh !== meshName) continue;
      const deps = identity.latest?.dependencies;
      if (!deps || (previous && gatewayDependsOn(deps, previous)) || (current && gatewayDependsOn(deps, current))) identity.dirty = true;
    }
  }

  /** Recomputes a proxy's identity and address; records it for publishing when either moved. */
  private reselect(nodeId: string, republish: Set<string>): void {
    const old = this.proxies.get(nodeId);
    const [mesh, name] = old ? [old.mesh, old.name] : splitNodeId(nodeId);
    const proxy = this.mirror.get('Dataplane', mesh, name);
    const meshResource = this.mirror.get('Mesh', mesh, mesh);
    if (!proxy || !meshResource || !isGatewayProxy(proxy)) {
      if (old) this.removeProxy(nodeId, old);
      return;
    }
    const gateway = selectGateway(proxy, this.mirror.list('MeshGateway', mesh))?.name;
    const identityKey = gateway === undefined ? unselectedIdentity(mesh) : identityOfSelection(mesh, gateway, proxy);
    const state: ProxyState = { mesh, name, identity: identityKey, address: replicaAddress(proxy), gateway };
    this.proxies.set(nodeId, state);
    if (old?.identity !== identityKey) {
      if (old) this.identities.get(old.identity)?.members.delete(nodeId);
      this.identityFor(identityKey, mesh).members.add(nodeId);
    }
    if (old?.identity !== identityKey || old.address !== state.address) republish.add(nodeId);
  }

  private identityFor(key: string, mesh: string): IdentityState {
    let identity = this.identities.get(key);
    if (!identity) {
      identity = { key, mesh, members: new Set(), dirty: true, files: [], snapshots: new Map(), listenerTypes: new Map(), listenersKey: '' };
      this.identities.set(key, identity);
    }
    return identity;
  }

  private removeProxy(nodeId: string, state: ProxyState): void {
    this.proxies.delete(nodeId);
    this.identities.get(state.identity)?.members.delete(nodeId);
    this.options.cache.delete(nodeId);
  }

  private dropIdentity(identity: IdentityState): void {
    identity.generator?.drop(identity.key);
    this.identities.delete(identity.key);
  }

  /** Size of a mesh as generation cost goes: routes, and Dataplanes (endpoints) far less. */
  private meshWeight(mesh: string): number {
    return this.mirror.list('MeshGatewayRoute', mesh).length + this.mirror.list('Dataplane', mesh).length / 10;
  }

  /** Where an identity of `mesh` generates: the worker for large meshes, unless it failed. */
  private async generatorFor(mesh: string): Promise<Generator> {
    const threshold = this.options.workerThreshold ?? DEFAULT_WORKER_THRESHOLD;
    if (this.workerFailed || this.meshWeight(mesh) < threshold) return this.inline;
    this.worker ??= await WorkerGenerator.start(this.mirror);
    return this.worker;
  }

  /** Generates one identity from any of its proxies (they translate identically). */
  private async generate(identity: IdentityState): Promise<void> {
    identity.dirty = false;
    const first = this.proxies.get([...identity.members][0]!)!;
    // Selection was made when the proxy was (re)selected; the identity is that selection.
    const selected = first.gateway === undefined ? undefined : this.mirror.get('MeshGateway', first.mesh, first.gateway);
    // Files are re-read whenever their identity is regenerated (and watched, see onFileChange).
    identity.files = selected ? referencedCertificateFiles([selected]) : [];
    const files = await this.options.readFiles(identity.files);
    const request: GenerationRequest = { identity: identity.key, mesh: first.mesh, proxy: first.name, address: first.address, files: [...files] };
    this.stats.translations += 1;
    let generator = await this.generatorFor(first.mesh);
    let outcome: GenerationOutcome;
    try {
      outcome = await generator.generate(request);
    } catch (err) {
      // The worker died: its mirror is gone, so generate inline from now on.
      this.options.logger.error({ err }, 'generation worker failed; generating on the main thread from now on');
      this.workerFailed = true;
      this.worker = undefined;
      generator = this.inline;
      outcome = await generator.generate(request);
    }
    this.record(identity, outcome, generator);
  }

  /** Takes a generation outcome: a new good configuration, or the reason there is none. */
  private record(identity: IdentityState, outcome: GenerationOutcome, generator: Generator): void {
    const { logger } = this.options;
    identity.latest = outcome;
    for (const p of outcome.translation?.problems ?? []) logger.warn({ resource: p.resource, identity: identity.key }, p.message);
    if (outcome.config) {
      // The other generator may still hold this identity's previous configuration.
      if (identity.generator && identity.generator !== generator) identity.generator.drop(identity.key);
      identity.generator = generator;
      identity.good = outcome.config;
      identity.snapshots.clear();
      const key = listenersKey(outcome.config);
      // Addresses no replica uses any more are forgotten with the next listener change, or here.
      if (key !== identity.listenersKey || identity.listenerTypes.size > 2 * identity.members.size + 16) identity.listenerTypes = new Map();
      identity.listenersKey = key;
      return;
    }
    this.stats.errors += 1;
    if (outcome.thrown !== undefined) logger.error({ err: outcome.thrown, identity: identity.key }, 'gateway translation failed; proxies keep their last good config');
    else if (outcome.error !== undefined) logger.error({ problems: outcome.problems, identity: identity.key }, 'inconsistent snapshot not published; proxies keep their last good config');
    // gateway.md §4.6: generation fails and the proxies keep their last accepted config.
    else logger.error({ identity: identity.key, problems: outcome.translation?.problems.length }, 'gateway generation failed; proxies keep their last good config');
  }

  /**
   * Gives a proxy its identity's good configuration: set at once when a stream watches it, else
   * left to be built on demand (`snapshotFor`). False when there is no good configuration, in
   * which case whatever the proxy holds stays (its last good snapshot).
   */
  private publish(nodeId: string): boolean {
    const { cache } = this.options;
    const served = this.servedConfig(nodeId);
    if (!served) return false;
    if (cache.watcherCount(nodeId) === 0) {
      cache.invalidate(nodeId);
      return false;
    }
    cache.set(nodeId, this.replicaOf(served.identity, served.config, served.address));
    return true;
  }

  /**
   * The snapshot a proxy is served: its identity's good configuration at its address, one object
   * per (configuration, address); undefined when it has none.
   */
  snapshotFor(nodeId: string): Snapshot | undefined {
    const served = this.servedConfig(nodeId);
    return served && this.replicaOf(served.identity, served.config, served.address);
  }

  /** A proxy's identity, the good configuration it is served and its address, if it has one. */
  private servedConfig(nodeId: string): { identity: IdentityState; config: SharedConfig; address: string } | undefined {
    const state = this.proxies.get(nodeId);
    const identity = state && this.identities.get(state.identity);
    const config = identity?.good;
    return state && identity && config ? { identity, config, address: state.address } : undefined;
  }

  /** The replica snapshot of a configuration at an address, memoised per address. */
  private replicaOf(identity: IdentityState, config: SharedConfig, address: string): Snapshot {
    let snapshot = identity.snapshots.get(address);
    if (!snapshot) {
      let listeners = identity.listenerTypes.get(address);
      if (!listeners) {
        listeners = listenerType(config.listeners, address);
        identity.listenerTypes.set(address, listeners);
      }
      snapshot = replicaSnapshot(config, address, listeners);
      identity.snapshots.set(address, snapshot);
    }
    return snapshot;
  }

  /** Node ids of every BUILTIN gateway proxy, sorted (whether or not its snapshot is built). */
  nodeIds(): string[] {
    return [...this.proxies.keys()].sort();
  }

  /** Hands each touched mesh's facts to the status holder (computed when read). */
  private updateStatuses(): void {
    const sink = this.options.statuses;
    const meshes = [...this.touchedMeshes];
    this.touchedMeshes.clear();
    if (!sink) return;
    for (const mesh of meshes) {
      if (!this.mirror.get('Mesh', mesh, mesh)) {
        sink.remove(mesh);
        continue;
      }
      const translations: ProxyTranslation[] = [];
      for (const [, p] of [...this.proxies].filter(([, p]) => p.mesh === mesh).sort(([a], [b]) => (a < b ? -1 : 1))) {
        const identity = this.identities.get(p.identity);
        const latest = identity?.latest;
        const error = latest?.thrown !== undefined ? `generation failed: ${latest.thrown}` : latest?.error;
        translations.push({
          proxy: p.name,
          ...(p.gateway !== undefined ? { gateway: p.gateway } : {}),
          ...(latest?.translation ? { translation: latest.translation } : {}),
          ...(error !== undefined ? { error } : {}),
        });
      }
      sink.update(mesh, {
        mesh,
        gateways: this.mirror.list('MeshGateway', mesh),
        routes: this.mirror.list('MeshGatewayRoute', mesh),
        dataplanes: this.mirror.list('Dataplane', mesh),
        translations,
      });
    }
  }
}

function isGatewayProxy(resource: StoredResource | undefined): resource is StoredResource<'Dataplane'> {
  return resource?.kind === 'Dataplane' && (resource as StoredResource<'Dataplane'>).spec.networking.gateway?.type === 'BUILTIN';
}

/** A node id's mesh and name, split at the first dot as proxy ids are (xds/server/proxy-id.ts). */
function splitNodeId(nodeId: string): [string, string] {
  const dot = nodeId.indexOf('.');
  return [nodeId.slice(0, dot), nodeId.slice(dot + 1)];
}
