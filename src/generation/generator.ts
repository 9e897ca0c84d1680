// Where an identity's generation runs. The engine decides what to generate; a Generator runs it,
// either inline on the event loop (small meshes: no hand-off cost) or in a worker thread (large
// meshes: a 10,000-route gateway must not stall ADS and REST). Both run the same pure pipeline
// (gateway-generation.ts) on a mirror of the store, and keep the encode-cache lease of each
// identity's current configuration, so unchanged resources are never encoded again.
import { connectionPoliciesOf } from '../mesh/connection-policies.js';
import type { PolicyPlaces } from '../mesh/policy-status.js';
import type { ChangeEvent } from '../core/store.js';
import type { GatewayDependencies } from '../gateway/gateway-dependencies.js';
import type { CertificateFile, GatewayInput, TranslationProblem } from '../gateway/gateway-input.js';
import type { SnapshotProblem } from '../xds/cache/consistency.js';
import { CacheLease, EncodeCache } from './encode-cache.js';
import { generateGatewayIdentity, type SharedConfig } from './gateway-generation.js';
import type { GenerationKind, ResourceMirror } from './resource-mirror.js';
import type { SidecarDependencies } from '../sidecar/sidecar-dependencies.js';
import type { SidecarInput } from '../sidecar/sidecar-input.js';
import { generateSidecar, type SidecarGeneration } from './sidecar-generation.js';
import { generateIngress, type IngressGeneration } from './ingress-generation.js';
import type { IngressDependencies } from '../ingress/ingress-dependencies.js';
import type { IngressInput } from '../ingress/translate-ingress.js';
import { crossMeshEndpoints } from '../gateway/cross-mesh-endpoints.js';
import { resolveMeshCa, type MeshCa, type SourceFile } from '../mesh/mesh-ca-source.js';

/** One identity to generate, named by one of its proxies (they all translate alike). */
export interface GenerationRequest {
  /** The proxy type: a BUILTIN gateway, a sidecar (inbounds, or a DELEGATED gateway), or a zone ingress. */
  readonly kind: 'gateway' | 'sidecar' | 'ingress';
  readonly identity: string;
  readonly mesh: string;
  readonly proxy: string;
  /** A replica address, for the consistency check's listeners. */
  readonly address: string;
  readonly files: ReadonlyArray<readonly [string, CertificateFile]>;
  /** PERMISSIVE meshes: services every Dataplane of which holds a certificate. */
  readonly tlsReadyServices?: readonly string[];
  /** The zone this control plane serves (cross-zone endpoints, the ingress's answer). */
  readonly zone?: string;
  /** Other zones' advertised ingress names this zone resolved, with their IP addresses. */
  readonly resolvedHosts?: ReadonlyArray<readonly [string, string]>;
}

/** The translation facts statuses need (gateway/status.ts reads only these). */
export interface TranslationSummary {
  readonly failed?: boolean;
  readonly problems: readonly TranslationProblem[];
}

/** What generating one identity gave. */
export interface GenerationOutcome {
  /** Absent when generation threw. */
  readonly translation?: TranslationSummary;
  readonly dependencies?: GatewayDependencies | SidecarDependencies | IngressDependencies;
  /** Absent when generation failed: the identity keeps its last good configuration. */
  readonly config?: SharedConfig;
  /** Why there is no config although the translation succeeded. */
  readonly error?: string;
  readonly problems?: readonly SnapshotProblem[];
  /** The message of an exception (a bug, never a user mistake). */
  readonly thrown?: string;
  /** Where connection policies can land on the identity's proxies, for policy statuses. */
  readonly policyPlaces?: PolicyPlaces;
}

/** Runs generations; see the file header. */
export interface Generator {
  /** Store changes the engine applied to its own mirror, in commit order. */
  sync(events: readonly ChangeEvent[]): void;
  generate(request: GenerationRequest): Promise<GenerationOutcome>;
  /** The identity is gone: release what its configuration held. */
  drop(identity: string): void;
  close(): Promise<void>;
}

/** The SidecarInput of a request, read from a mirror. */
export function sidecarInputFromMirror(mirror: ResourceMirror, request: GenerationRequest): SidecarInput | undefined {
  const mesh = mirror.get('Mesh', request.mesh, request.mesh);
  const proxy = mirror.get('Dataplane', request.mesh, request.proxy);
  if (!mesh || !proxy) return undefined;
  const meshes = new Map(mirror.meshNames().map((m) => [m, mirror.get('Mesh', m, m)!] as const));
  const others = new Set((proxy.spec.networking.outbound ?? []).map((o) => o.tags?.['kuma.io/mesh']).filter((m): m is string => m !== undefined && m !== request.mesh));
  const crossMeshEndpointsByMesh = new Map([...others].map((m) => [m, crossMeshEndpoints(mirror.list('MeshGateway', m), mirror.list('Dataplane', m))] as const));
  return {
    crossMeshEndpoints: crossMeshEndpointsByMesh,
    mesh,
    proxy,
    dataplanes: mirror.list('Dataplane', request.mesh),
    trafficPermissions: mirror.list('TrafficPermission', request.mesh),
    policies: connectionPoliciesOf((kind) => mirror.list(kind, request.mesh)),
    proxyTemplates: mirror.list('ProxyTemplate', request.mesh),
    externalServices: mirror.list('ExternalService', request.mesh),
    secrets: mirror.list('Secret', request.mesh),
    trafficTraces: mirror.list('TrafficTrace', request.mesh),
    meshCas: meshCasOf(mirror, new Map(request.files)),
    meshes,
    zoneIngresses: mirror.listGlobal('ZoneIngress'),
    ...(request.zone !== undefined ? { localZone: request.zone } : {}),
    ...(request.resolvedHosts ? { resolvedHosts: new Map(request.resolvedHosts) } : {}),
    ...(request.tlsReadyServices ? { tlsReadyServices: new Set(request.tlsReadyServices) } : {}),
  };
}

/** The GatewayInput of a request, read from a mirror. */
export function inputFromMirror(mirror: ResourceMirror, request: GenerationRequest): GatewayInput | undefined {
  const mesh = mirror.get('Mesh', request.mesh, request.mesh);
  const proxy = mirror.get('Dataplane', request.mesh, request.proxy);
  if (!mesh || !proxy) return undefined;
  const list = <K extends GenerationKind>(kind: K) => mirror.list(kind, request.mesh);
  const files = new Map(request.files);
  return {
    mesh,
    proxy,
    gateways: list('MeshGateway'),
    routes: list('MeshGatewayRoute'),
    dataplanes: list('Dataplane'),
    externalServices: list('ExternalService'),
    trafficPermissions: list('TrafficPermission'),
    secrets: list('Secret'),
    policies: connectionPoliciesOf(list),
    proxyTemplates: list('ProxyTemplate'),
    trafficTraces: list('TrafficTrace'),
    files,
    meshCas: meshCasOf(mirror, files),
    zoneIngresses: mirror.listGlobal('ZoneIngress'),
    ...(request.zone !== undefined ? { localZone: request.zone } : {}),
    ...(request.resolvedHosts ? { resolvedHosts: new Map(request.resolvedHosts) } : {}),
    ...(request.tlsReadyServices ? { tlsReadyServices: new Set(request.tlsReadyServices) } : {}),
  };
}

/** The IngressInput of a request, read from a mirror. */
export function ingressInputFromMirror(mirror: ResourceMirror, request: GenerationRequest): IngressInput | undefined {
  const ingress = mirror.get('ZoneIngress', request.proxy, request.proxy);
  if (!ingress) return undefined;
  const meshes = new Map(mirror.meshNames().map((m) => [m, { dataplanes: mirror.list('Dataplane', m), routes: mirror.list('MeshGatewayRoute', m), gateways: mirror.list('MeshGateway', m) }] as const));
  return { ingress, zone: request.zone ?? '', meshes };
}

/** The CA of every mesh of the mirror with mTLS on (its own for the proxy, the others for cross-mesh). */
export function meshCasOf(mirror: ResourceMirror, files: ReadonlyMap<string, SourceFile>): Map<string, MeshCa> {
  const cas = new Map<string, MeshCa>();
  for (const name of mirror.meshNames()) {
    const ca = resolveMeshCa(mirror.get('Mesh', name, name)!, mirror.list('Secret', name), files);
    if (ca) cas.set(name, ca);
  }
  return cas;
}

/**
 * Generates from a mirror with an encode cache, keeping each identity's lease: the shared core of
 * the inline generator and the worker thread.
 */
export class LeasedGeneration {
  readonly cache = new EncodeCache();
  private readonly leases = new Map<string, CacheLease>();

  constructor(private readonly mirror: ResourceMirror) {}

  run(request: GenerationRequest): GenerationOutcome {
    if (request.kind === 'ingress') return this.runIngress(request);
    return request.kind === 'sidecar' ? this.runSidecar(request) : this.runGateway(request);
  }

  private keep(identity: string, lease: CacheLease | undefined): void {
    if (!lease) return;
    const previous = this.leases.get(identity);
    this.leases.set(identity, lease);
    if (previous) this.cache.release(previous);
  }

  private runSidecar(request: GenerationRequest): GenerationOutcome {
    const input = sidecarInputFromMirror(this.mirror, request);
    if (!input) return { thrown: `proxy ${request.mesh}/${request.proxy} is not in the mirror` };
    return this.runOwn(request, () => generateSidecar(input, this.cache));
  }

  private runIngress(request: GenerationRequest): GenerationOutcome {
    const input = ingressInputFromMirror(this.mirror, request);
    if (!input) return { thrown: `zone ingress ${request.proxy} is not in the mirror` };
    return this.runOwn(request, () => generateIngress(input, this.cache));
  }

  /** A sidecar's or an ingress's generation (their listeners bind their own addresses) as an outcome. */
  private runOwn(request: GenerationRequest, generate: () => SidecarGeneration | IngressGeneration): GenerationOutcome {
    try {
      const generation = generate();
      this.keep(request.identity, generation.lease);
      return {
        dependencies: generation.dependencies,
        ...(generation.config ? { config: generation.config } : {}),
        ...(generation.error !== undefined ? { error: generation.error, problems: generation.problems ?? [] } : {}),
        ...('policyPlaces' in generation && generation.policyPlaces ? { policyPlaces: generation.policyPlaces } : {}),
      };
    } catch (err) {
      return { thrown: (err as Error).message };
    }
  }

  private runGateway(request: GenerationRequest): GenerationOutcome {
    const input = inputFromMirror(this.mirror, request);
    if (!input) return { thrown: `proxy ${request.mesh}/${request.proxy} is not in the mirror` };
    try {
      const generation = generateGatewayIdentity(input, this.cache, { address: request.address });
      this.keep(request.identity, generation.lease);
      const translation = generation.translation!;
      return {
        translation: { ...(translation.failed ? { failed: true } : {}), problems: translation.problems },
        dependencies: generation.dependencies,
        ...(generation.config ? { config: generation.config } : {}),
        ...(generation.error !== undefined ? { error: generation.error, problems: generation.problems ?? [] } : {}),
        ...(translation.policyPlaces ? { policyPlaces: translation.policyPlaces } : {}),
      };
    } catch (err) {
      return { thrown: (err as Error).message };
    }
  }

  drop(identity: string): void {
    const lease = this.leases.get(identity);
    this.leases.delete(identity);
    if (lease) this.cache.release(lease);
  }
}

/** Runs generations on the event loop, reading the engine's own mirror. */
export class InlineGenerator implements Generator {
  private readonly generation: LeasedGeneration;

  constructor(mirror: ResourceMirror) {
    this.generation = new LeasedGeneration(mirror);
  }

  /** The encode cache, for tests and benchmarks. */
  get cache(): EncodeCache {
    return this.generation.cache;
  }

  sync(): void {
    // The engine's mirror is this generator's mirror: nothing to forward.
  }

  async generate(request: GenerationRequest): Promise<GenerationOutcome> {
    return this.generation.run(request);
  }

  drop(identity: string): void {
    this.generation.drop(identity);
  }

  async close(): Promise<void> {}
}
