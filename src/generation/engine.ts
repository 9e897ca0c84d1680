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
// Failure semantics (docs/robustness.md §2 rule 3): a translation that fails, throws or is inconsistent
// leaves the identity on its last good configuration (its proxies keep their snapshots) and counts
// an error; other identities are unaffected.
import type { Logger } from 'pino';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import type { StoredResource } from '../core/resource.js';
import type { ChangeEvent, ResourceStore } from '../core/store.js';
import { referencedCertificateFiles } from '../gateway/certificate-sources.js';
import type { CertificateFile } from '../gateway/gateway-input.js';
import { identityOfSelection, selectGateway } from '../gateway/select-gateway.js';
import type { StatusInput } from '../gateway/status.js';
import type { Snapshot, SnapshotType, VersionedResource } from '../xds/cache/snapshot.js';
import type { SnapshotCache } from '../xds/cache/snapshot-cache.js';
import { issueRequestFor, issuerOf, meshCaFilesOf, RenewalTimer, tlsReadyServices } from './certificate-issuer.js';
import type { EncodeCache } from './encode-cache.js';
import { listenersKey, listenerType, replicaAddress, replicaSnapshot, type SharedConfig } from './gateway-generation.js';
import { InlineGenerator, type GenerationOutcome, type GenerationRequest, type Generator } from './generator.js';
import { dependsOn, ingressNodeId, isConfiguredProxy, isIngressNodeId, isLocalIngress, nodeIdOf, readsOtherMeshes, splitNodeId } from './proxy-kinds.js';
import { statusFacts, type MeshStatusFacts } from './status-facts.js';
import { WorkerGenerator } from './worker-generator.js';
import { requestFingerprint, WorkloadCertificates, type IssueRequest } from './workload-certificates.js';
import type { IdentityState, ProxyState, ServedConfig } from './engine-state.js';
import { GENERATION_KINDS, ResourceMirror } from './resource-mirror.js';

/** Counters the benchmark and status endpoints read. */
export interface GenerationStats {
  generations: number;
  translations: number;
  /** Of `translations`, by proxy type. */
  translationsByKind: { gateway: number; sidecar: number; ingress: number };
  errors: number;
  lastGenerationMs: number;
  /** Replica snapshots set for watched proxies in the last generation. */
  lastSnapshots: number;
}

/** Where a generation's statuses go (runtime/resource-status.ts). */
export interface StatusSink {
  update(mesh: string, facts: MeshStatusFacts): void;
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
  /** Issues proxies' workload certificates (default: a new store on the real clock). */
  readonly certificates?: WorkloadCertificates;
  /**
   * Called when the engine needs another run without a store change: a workload certificate fell
   * due (the run reissues it, docs/mesh-mtls.md §1.6), or new certificates made services TLS ready.
   */
  readonly onRenewalDue?: () => void;
  /**
   * The zone this control plane serves: its own ZoneIngresses get proxies, other zones' are
   * routes to those zones (docs/multizone.md §7, §8). Absent: only ingresses with an empty `zone`.
   */
  readonly zone?: string;
}

/** How many workload certificates are issued at once (each a key generation on the thread pool). */
const ISSUE_CONCURRENCY = 8;

/** Default of `workerThreshold`. */
export const DEFAULT_WORKER_THRESHOLD = 500;

/** Identity of proxies no MeshGateway selects: they get the empty configuration. */
function unselectedIdentity(mesh: string): string {
  return `${mesh}/no-gateway`;
}

/** Turns store state into snapshots, incrementally. */
export class GenerationEngine {
  readonly stats: GenerationStats = { generations: 0, translations: 0, translationsByKind: { gateway: 0, sidecar: 0, ingress: 0 }, errors: 0, lastGenerationMs: 0, lastSnapshots: 0 };
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
  /** The proxies' workload certificates (mTLS meshes). */
  readonly certificates: WorkloadCertificates;
  private readonly renewalTimer = new RenewalTimer();
  /** TLS readiness per PERMISSIVE mesh, computed once per run (generations do not issue). */
  private readonly readyThisRun = new Map<string, string[] | undefined>();
  /** Other zones' advertised ingress names and their IPs, as the runtime last resolved them. */
  private resolvedHosts: ReadonlyArray<readonly [string, string]> = [];
  /** PERMISSIVE meshes: the TLS-ready services the last generations saw, comma-joined. */
  private readonly readiness = new Map<string, string>();

  constructor(private readonly options: GenerationEngineOptions) {
    this.sliceMs = options.sliceMs ?? 10;
    this.certificates = options.certificates ?? new WorkloadCertificates();
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
    this.renewalTimer.cancel();
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

  /**
   * The runtime resolved other zones' advertised ingress names (docs/multizone.md): when the
   * answers moved, every gateway and sidecar regenerates on the next run, as for a remote
   * ZoneIngress change.
   */
  setResolvedHosts(hosts: ReadonlyMap<string, string>): boolean {
    const next = [...hosts].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    if (JSON.stringify(next) === JSON.stringify(this.resolvedHosts)) return false;
    this.resolvedHosts = next;
    for (const identity of this.identities.values()) if (this.readsRemoteZones(identity)) identity.dirty = true;
    return true;
  }

  /**
   * Whether an identity's configuration reads other zones' ingresses: gateways and sidecars of an
   * mTLS mesh (remote endpoints exist only there, as the remote ingress routes by SNI).
   */
  private readsRemoteZones(identity: IdentityState): boolean {
    if (identity.latest?.dependencies?.kind === 'ingress') return false;
    return this.mirror.get('Mesh', identity.mesh, identity.mesh)?.spec.mtls?.enabledBackend !== undefined;
  }

  /** Every certificate file a current generation read, sorted. */
  watchedFiles(): string[] {
    return [...new Set([...this.identities.values()].flatMap((i) => i.files))].sort();
  }

  /** Applies the pending changes and publishes every snapshot they changed. */
  async regenerate(): Promise<void> {
    const started = performance.now();
    if (!this.loaded) await this.load();
    this.readyThisRun.clear();
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
    for (const nodeId of this.certificates.due()) {
      if (this.watched(nodeId)) {
        republish.add(nodeId);
        continue;
      }
      // Disconnected: its held snapshot goes (the next read asks for a new certificate), and its
      // certificate stops waking the runtime until then.
      this.options.cache.invalidate(nodeId);
      this.certificates.park(nodeId);
    }
    await this.issueCertificates([...republish]);
    for (const nodeId of [...republish].sort()) {
      if (this.publish(nodeId)) composed += 1;
      // Every set wakes a stream whose push runs in the microtasks this await lets through, so
      // the slice's clock counts the pushes too, and the loop is yielded to between slices.
      await maybeYield();
    }
    this.updateStatuses();
    // Wakes the runtime when the earliest certificate falls due.
    this.renewalTimer.arm(this.certificates.nextRenewal(), this.certificates.now(), this.options.onRenewalDue);
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
    for (const ingress of this.mirror.listGlobal('ZoneIngress')) this.reselect(ingressNodeId(ingress.name), new Set());
    this.loaded = true;
  }

  /** Applies one change to the mirror and marks what it affects. */
  private applyChange(event: ChangeEvent, reselect: Set<string>): void {
    const previous = this.mirror.apply(event);
    const { kind, mesh, name } = event.key;
    if (kind === 'GlobalSecret') return;
    const current = event.type === 'put' ? event.resource : undefined;
    if (kind === 'ZoneIngress') return this.applyIngressChange(name, previous, current, reselect);
    const meshName = kind === 'Mesh' ? name : mesh;
    this.touchedMeshes.add(meshName);
    if (kind === 'Mesh') {
      // A mesh's own spec (mTLS) reaches every identity in it; a deleted or new mesh re-selects all.
      for (const dp of this.mirror.list('Dataplane', meshName)) reselect.add(nodeIdOf(meshName, dp.name));
      for (const p of this.proxies.values()) if (p.mesh === meshName) reselect.add(nodeIdOf(p.mesh, p.name));
    } else if (kind === 'Dataplane') {
      if (isConfiguredProxy(previous) || isConfiguredProxy(current)) reselect.add(nodeIdOf(mesh, name));
    } else if (kind === 'MeshGateway') {
      // Selection may move any gateway proxy of the mesh (docs/gateway.md §2.2).
      for (const p of this.proxies.values()) if (p.mesh === mesh) reselect.add(nodeIdOf(p.mesh, p.name));
    }
    for (const identity of this.identities.values()) {
      if (identity.dirty) continue;
      const deps = identity.latest?.dependencies;
      // Other meshes matter only to cross-mesh listeners and outbounds.
      if (identity.mesh !== meshName && !readsOtherMeshes(deps)) continue;
      if (!deps || (previous && dependsOn(deps, previous)) || (current && dependsOn(deps, current))) identity.dirty = true;
    }
  }

  /**
   * A ZoneIngress changed. This zone's own is a proxy to (re)select; another zone's is a route
   * there, whose addresses and services reach every cluster of an mTLS mesh (remote endpoints,
   * and the weight of local ones), so every gateway and sidecar of such a mesh regenerates:
   * ingresses change rarely, as the zones rewrite them only when their services change.
   */
  private applyIngressChange(name: string, previous: StoredResource | undefined, current: StoredResource | undefined, reselect: Set<string>): void {
    const local = (r: StoredResource | undefined) => isLocalIngress(r, this.options.zone);
    if (local(previous) || local(current)) reselect.add(ingressNodeId(name));
    const remote = (r: StoredResource | undefined) => r !== undefined && !local(r);
    for (const identity of this.identities.values()) {
      const deps = identity.latest?.dependencies;
      if (deps?.kind === 'ingress') {
        if ((previous && dependsOn(deps, previous)) || (current && dependsOn(deps, current))) identity.dirty = true;
      } else if ((remote(previous) || remote(current)) && this.readsRemoteZones(identity)) identity.dirty = true;
    }
  }

  /** Recomputes a proxy's identity and address; records it for publishing when either moved. */
  private reselect(nodeId: string, republish: Set<string>): void {
    if (isIngressNodeId(nodeId)) return this.reselectIngress(nodeId, republish);
    const old = this.proxies.get(nodeId);
    const [mesh, name] = old ? [old.mesh, old.name] : splitNodeId(nodeId);
    const proxy = this.mirror.get('Dataplane', mesh, name);
    const meshResource = this.mirror.get('Mesh', mesh, mesh);
    if (!proxy || !meshResource || !isConfiguredProxy(proxy)) {
      if (old) this.removeProxy(nodeId, old);
      return;
    }
    const state = this.stateOf(proxy);
    const identityKey = state.identity;
    this.proxies.set(nodeId, state);
    if (old?.identity !== identityKey) {
      if (old) {
        const previous = this.identities.get(old.identity);
        previous?.members.delete(nodeId);
        previous?.proxySnapshots.delete(nodeId);
      }
      this.identityFor(identityKey, mesh).members.add(nodeId);
    }
    if (old?.identity !== identityKey || old.address !== state.address) republish.add(nodeId);
  }

  /** A zone ingress proxy is its own identity while its ZoneIngress is this zone's. */
  private reselectIngress(nodeId: string, republish: Set<string>): void {
    const old = this.proxies.get(nodeId);
    const name = nodeId.slice(1);
    const ingress = this.mirror.get('ZoneIngress', name, name);
    if (!isLocalIngress(ingress, this.options.zone)) {
      if (old) this.removeProxy(nodeId, old);
      return;
    }
    const state: ProxyState = { kind: 'ingress', mesh: '', name, identity: `ingress/${name}`, address: ingress.spec.networking?.address ?? '', gateway: undefined };
    this.proxies.set(nodeId, state);
    if (!old) this.identityFor(state.identity, '').members.add(nodeId);
    if (old?.address !== state.address) republish.add(nodeId);
  }

  /** Where a proxy belongs: a gateway's selection, or a sidecar's own identity. */
  private stateOf(proxy: StoredResource<'Dataplane'>): ProxyState {
    const { mesh, name } = proxy;
    if (proxy.spec.networking.gateway?.type !== 'BUILTIN') {
      return { kind: 'sidecar', mesh, name, identity: `${mesh}/sidecar/${name}`, address: proxy.spec.networking.address, gateway: undefined };
    }
    const gateway = selectGateway(proxy, this.mirror.list('MeshGateway', mesh))?.name;
    const identity = gateway === undefined ? unselectedIdentity(mesh) : identityOfSelection(mesh, gateway, proxy);
    return { kind: 'gateway', mesh, name, identity, address: replicaAddress(proxy), gateway };
  }

  private identityFor(key: string, mesh: string): IdentityState {
    let identity = this.identities.get(key);
    if (!identity) {
      identity = { key, mesh, members: new Set(), dirty: true, files: [], snapshots: new Map(), proxySnapshots: new Map(), listenerTypes: new Map(), listenersKey: '' };
      this.identities.set(key, identity);
    }
    return identity;
  }

  private removeProxy(nodeId: string, state: ProxyState): void {
    this.proxies.delete(nodeId);
    this.certificates.drop(nodeId);
    this.identities.get(state.identity)?.proxySnapshots.delete(nodeId);
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
    identity.files = first.kind === 'ingress' ? [] : [...new Set([...(selected ? referencedCertificateFiles([selected]) : []), ...meshCaFilesOf(this.mirror)])].sort();
    const files = await this.options.readFiles(identity.files);
    const ready = first.kind === 'ingress' ? undefined : this.readyServices(first.mesh);
    if (ready) this.readiness.set(first.mesh, ready.join(','));
    const request: GenerationRequest = {
      kind: first.kind,
      identity: identity.key,
      mesh: first.mesh,
      proxy: first.name,
      address: first.address,
      files: [...files],
      ...(ready ? { tlsReadyServices: ready } : {}),
      ...(this.options.zone !== undefined ? { zone: this.options.zone } : {}),
      ...(this.resolvedHosts.length > 0 ? { resolvedHosts: this.resolvedHosts } : {}),
    };
    this.stats.translations += 1;
    this.stats.translationsByKind[first.kind] += 1;
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
    if (outcome.config?.identitySecret) identity.issuer = issuerOf(this.mirror, first.mesh, files);
  }

  /** TLS-ready services of a PERMISSIVE mesh, computed once per run for its generations. */
  private readyServices(mesh: string): string[] | undefined {
    if (!this.readyThisRun.has(mesh)) this.readyThisRun.set(mesh, tlsReadyServices(this.mirror, mesh, (id) => this.certificates.has(id), this.options.zone));
    return this.readyThisRun.get(mesh);
  }

  /** The issue request of a proxy's certificate, or why it cannot have one; undefined when it needs none. */
  private issueRequest(nodeId: string): { request: IssueRequest } | { error: string } | undefined {
    const served = this.servedConfig(nodeId);
    const secretName = served?.config.identitySecret;
    const proxy = served && this.mirror.get('Dataplane', served.state.mesh, served.state.name);
    return proxy && secretName ? issueRequestFor(proxy, secretName, served.identity.issuer) : undefined;
  }

  /**
   * Issues, a few at a time, the certificates the watched ones among `nodeIds` lack. A proxy whose
   * certificate cannot be issued is not published and keeps what it has (docs/robustness.md §3.5).
   */
  private async issueCertificates(nodeIds: readonly string[]): Promise<void> {
    const wanted = nodeIds.filter(this.watched);
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < wanted.length) await this.ensureCertificate(wanted[next++]!);
    };
    await Promise.all(Array.from({ length: Math.min(ISSUE_CONCURRENCY, wanted.length) }, worker));
    this.refreshReadiness(new Set(wanted.map((id) => this.proxies.get(id)?.mesh).filter((m): m is string => m !== undefined)));
  }

  /**
   * New certificates may make services TLS ready (docs/mesh-mtls.md §4.6): in PERMISSIVE meshes whose
   * readiness moved, every identity regenerates on the next run, which the runtime is asked for.
   */
  private refreshReadiness(meshes: ReadonlySet<string>): void {
    let moved = false;
    for (const mesh of meshes) {
      const ready = tlsReadyServices(this.mirror, mesh, (id) => this.certificates.has(id), this.options.zone)?.join(',');
      if (ready === undefined || ready === this.readiness.get(mesh)) continue;
      this.readiness.set(mesh, ready);
      for (const identity of this.identities.values()) if (identity.mesh === mesh) identity.dirty = true;
      moved = true;
    }
    if (moved) this.options.onRenewalDue?.();
  }

  /** True when the proxy has what its snapshot needs (no certificate needed, or a current one). */
  private async ensureCertificate(nodeId: string): Promise<boolean> {
    const wanted = this.issueRequest(nodeId);
    if (wanted === undefined) return true;
    if ('error' in wanted) {
      this.options.logger.error({ proxy: nodeId, reason: wanted.error }, 'cannot issue a workload certificate; the proxy keeps its last config');
      return false;
    }
    try {
      await this.certificates.ensure(nodeId, wanted.request);
      return true;
    } catch (err) {
      this.options.logger.error({ err, proxy: nodeId }, 'workload certificate issuance failed; the proxy keeps its last config');
      return false;
    }
  }

  /** The proxy's current certificate secret, if it has one. */
  private identitySecretOf(nodeId: string): VersionedResource | undefined {
    const wanted = this.issueRequest(nodeId);
    if (wanted === undefined || 'error' in wanted) return undefined;
    return this.certificates.current(nodeId, requestFingerprint(wanted.request))?.secret;
  }

  /** Whether a stream watches the proxy: only connected proxies' certificates are renewed. */
  private readonly watched = (nodeId: string): boolean => this.options.cache.watcherCount(nodeId) > 0;


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
      identity.proxySnapshots.clear();
      const key = listenersKey(outcome.config);
      // Addresses no replica uses any more are forgotten with the next listener change, or here.
      if (key !== identity.listenersKey || identity.listenerTypes.size > 2 * identity.members.size + 16) identity.listenerTypes = new Map();
      identity.listenersKey = key;
      return;
    }
    this.stats.errors += 1;
    if (outcome.thrown !== undefined) logger.error({ err: outcome.thrown, identity: identity.key }, 'gateway translation failed; proxies keep their last good config');
    else if (outcome.error !== undefined) logger.error({ reason: outcome.error, identity: identity.key }, 'generation failed; proxies keep their last good config');
    // docs/gateway.md §4.6: generation fails and the proxies keep their last accepted config.
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
    const snapshot = this.snapshotOf(nodeId, served);
    if (!snapshot) return false;
    cache.set(nodeId, snapshot);
    return true;
  }

  /**
   * The snapshot a proxy is served: its identity's good configuration at its address, one object
   * per (configuration, address); undefined when it has none.
   */
  snapshotFor(nodeId: string): Snapshot | undefined {
    const served = this.servedConfig(nodeId);
    if (!served) return undefined;
    const snapshot = this.snapshotOf(nodeId, served);
    // A proxy of an mTLS mesh seen before its certificate: issue it, then serve.
    if (!snapshot) void this.issueThenPublish(nodeId);
    return snapshot;
  }

  private async issueThenPublish(nodeId: string): Promise<void> {
    if (await this.ensureCertificate(nodeId)) this.publish(nodeId);
    const mesh = this.proxies.get(nodeId)?.mesh;
    if (mesh !== undefined) this.refreshReadiness(new Set([mesh]));
  }

  /** The snapshot of a served proxy; undefined while it lacks the certificate it needs. */
  private snapshotOf(nodeId: string, served: ServedConfig): Snapshot | undefined {
    if (!served.config.identitySecret) return this.replicaOf(served.identity, served.config, served.address);
    const secret = this.identitySecretOf(nodeId);
    if (!secret) return undefined;
    // Each proxy has its own certificate, so its snapshot is its own; the listeners stay shared.
    // Memoised per proxy and certificate, in the map a new configuration clears.
    const held = served.identity.proxySnapshots.get(nodeId);
    if (held && held.secret === secret && held.address === served.address) return held.snapshot;
    const snapshot = replicaSnapshot(served.config, served.address, this.listenersAt(served.identity, served.config, served.address), secret);
    served.identity.proxySnapshots.set(nodeId, { secret, address: served.address, snapshot });
    return snapshot;
  }

  /** A proxy's identity, the good configuration it is served and its address, if it has one. */
  private servedConfig(nodeId: string): ServedConfig | undefined {
    const state = this.proxies.get(nodeId);
    const identity = state && this.identities.get(state.identity);
    const config = identity?.good;
    return state && identity && config ? { state, identity, config, address: state.address } : undefined;
  }

  /** The replica snapshot of a configuration at an address, memoised per address. */
  private replicaOf(identity: IdentityState, config: SharedConfig, address: string): Snapshot {
    let snapshot = identity.snapshots.get(address);
    if (!snapshot) {
      snapshot = replicaSnapshot(config, address, this.listenersAt(identity, config, address));
      identity.snapshots.set(address, snapshot);
    }
    return snapshot;
  }

  /** The LDS type of a configuration at an address, memoised across generations. */
  private listenersAt(identity: IdentityState, config: SharedConfig, address: string): SnapshotType {
    let listeners = identity.listenerTypes.get(address);
    if (!listeners) {
      listeners = listenerType(config.listeners, address);
      identity.listenerTypes.set(address, listeners);
    }
    return listeners;
  }

  /** Node ids of the proxies the engine configures (of one kind if given), sorted, built or not. */
  nodeIds(kind?: ProxyState['kind']): string[] {
    return [...this.proxies].filter(([, p]) => kind === undefined || p.kind === kind).map(([id]) => id).sort();
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
      const proxies = [...this.proxies].filter((entry): entry is [string, ProxyState & { kind: 'gateway' | 'sidecar' }] => entry[1].mesh === mesh && entry[1].kind !== 'ingress').sort(([a], [b]) => (a < b ? -1 : 1));
      const gatewayProxies = proxies.filter(([, p]) => p.kind === 'gateway');
      sink.update(
        mesh,
        statusFacts(
          this.mirror,
          mesh,
          gatewayProxies.map(([, p]) => ({ name: p.name, gateway: p.gateway, latest: this.identities.get(p.identity)?.latest })),
          proxies.map(([, p]) => ({ name: p.name, kind: p.kind, latest: this.identities.get(p.identity)?.latest })),
        ),
      );
    }
  }
}

