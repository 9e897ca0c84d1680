// One configuration identity of BUILTIN gateway proxies, generated once for all its replicas: the
// pipeline translate (src/gateway) -> Envoy objects (src/xds/translator) -> encode (through the
// content cache) -> snapshot types (src/xds/cache) -> consistency check, plus listener templates
// that any replica's address is spliced into. `portico translate` and the control plane both run
// it, so what the CLI prints is what the control plane serves.
import type { StoredResource } from '../core/resource.js';
import { gatewayDependencies, type GatewayDependencies } from '../gateway/gateway-dependencies.js';
import type { GatewayInput, GatewayTranslation } from '../gateway/gateway-input.js';
import { translateGateway } from '../gateway/translate-gateway.js';
import { checkSnapshotConsistency, type SnapshotProblem } from '../xds/cache/consistency.js';
import { TypeUrl } from '../xds/cache/resource-types.js';
import { buildSnapshotType, composeSnapshot, type Snapshot, type SnapshotType, type VersionedResource } from '../xds/cache/snapshot.js';
import { collectReferences } from '../xds/translator/references.js';
import {
  buildListeners,
  buildSharedResources,
  emptyGatewayResources,
  type EnvoyResources,
} from '../xds/translator/translate.js';
import { CacheLease, type EncodeCache } from './encode-cache.js';
import { encodedTypes } from './encoded-types.js';
import { finishWithProxyTemplate } from './proxy-template-step.js';
import { bindListener, listenerTemplate, type ListenerTemplate } from './listener-address.js';

/** The address-independent configuration of an identity, shared by every replica. */
export interface SharedConfig {
  /** Every type but LDS, built once (EDS with the CDS version mixed in). */
  readonly types: ReadonlyMap<string, SnapshotType>;
  readonly listeners: readonly ListenerTemplate[];
  /**
   * In an mTLS mesh, the name of the proxy's own identity secret: every replica's SDS type is the
   * shared one plus that replica's certificate (workload-certificates.ts).
   */
  readonly identitySecret?: string;
}

/** The outcome of generating one identity. */
export interface IdentityGeneration {
  /** The translation, for statuses; absent when translating threw. */
  readonly translation?: GatewayTranslation;
  /** What it read: changes elsewhere leave it as it is. */
  readonly dependencies: GatewayDependencies;
  /** The configuration to serve; absent when generation failed (proxies keep their last good one). */
  readonly config?: SharedConfig;
  /** The encode-cache entries `config` holds; release it when the configuration is replaced. */
  readonly lease?: CacheLease;
  /** Why there is no config although the translation succeeded (an exception, an inconsistency). */
  readonly error?: string;
  /** The consistency problems behind `error`, when that was the cause. */
  readonly problems?: readonly SnapshotProblem[];
  /** Envoy objects, only when asked for (`portico translate`). */
  readonly resources?: EnvoyResources;
}

/** Options of `generateGatewayIdentity`. */
export interface GenerateOptions {
  /** A representative replica address: the consistency check needs listeners at some address. */
  readonly address: string;
  /** Keep the Envoy objects in the result (the CLI prints them). */
  readonly keepResources?: boolean;
}

/** The LDS type of one replica: every listener template bound to its address. */
export function listenerType(templates: readonly ListenerTemplate[], address: string): SnapshotType {
  return buildSnapshotType(
    TypeUrl.Listener,
    templates.map((t) => ({ name: t.name, bytes: bindListener(t, address) })),
  );
}

/** What makes two configurations' listeners equal at every address: names and body versions. */
export function listenersKey(config: SharedConfig): string {
  return config.listeners.map((t) => `${t.name}\0${t.bodyVersion}`).join('\n');
}

/**
 * The snapshot of one replica of a configuration; `listeners` is its LDS type when already built,
 * `identity` its own certificate secret when the configuration names one.
 */
export function replicaSnapshot(config: SharedConfig, address: string, listeners?: SnapshotType, identity?: VersionedResource): Snapshot {
  const types = new Map(config.types);
  // A sidecar's configuration holds its LDS type already (its listeners bind its own addresses).
  if (!config.types.has(TypeUrl.Listener)) types.set(TypeUrl.Listener, listeners ?? listenerType(config.listeners, address));
  if (identity) types.set(TypeUrl.Secret, withSecret(config.types.get(TypeUrl.Secret), identity));
  return composeSnapshot(types);
}

/** A shared SDS type plus one proxy's own secret. */
function withSecret(shared: SnapshotType | undefined, identity: VersionedResource): SnapshotType {
  const resources: VersionedResource[] = [...(shared?.resources.values() ?? [])].map((r) => ({ name: r.name, bytes: r.bytes, version: r.version }));
  resources.push(identity);
  return buildSnapshotType(TypeUrl.Secret, resources);
}

/** Stands in for a replica's identity secret in the consistency check, which only needs its name. */
function placeholderIdentity(name: string): VersionedResource {
  return { name, bytes: new Uint8Array(0) };
}

/**
 * Generate the configuration of the identity `input.proxy` belongs to. Pure apart from the encode
 * cache. A translation failure (docs/gateway.md §4.6) or an inconsistent result gives no config; a
 * builder or encoder bug throws.
 */
export function generateGatewayIdentity(input: GatewayInput, cache: EncodeCache, options: GenerateOptions): IdentityGeneration {
  const translation = translateGateway(input);
  const dependencies = gatewayDependencies(input, translation);
  if (translation.failed) return { translation, dependencies };
  const gw = translation.gateway;
  const lease = new CacheLease();
  try {
    const generated = gw ? { ...buildSharedResources(gw), listeners: buildListeners(gw, options.address) } : emptyGatewayResources();
    const finished = finishWithProxyTemplate(generated, input.proxy, input.proxyTemplates, 'gateway');
    const unbindable = finished.ok ? unbindableListeners(finished.resources) : undefined;
    if (!finished.ok || unbindable) {
      cache.release(lease);
      return { translation, dependencies, error: finished.ok ? unbindable! : finished.message };
    }
    const { listeners, ...shared } = finished.resources;
    const templates = listeners.map((l) =>
      listenerTemplate(l.resource as Parameters<typeof listenerTemplate>[0], (rest) => cache.encode(TypeUrl.Listener, rest, lease)),
    );
    const identitySecret = gw?.mtls?.identitySecret;
    const config: SharedConfig = { types: encodedTypes(shared, cache, lease), listeners: templates, ...(identitySecret ? { identitySecret } : {}) };
    const all: EnvoyResources = { ...shared, listeners };
    const identity = identitySecret ? placeholderIdentity(identitySecret) : undefined;
    const problems = checkSnapshotConsistency(replicaSnapshot(config, options.address, undefined, identity), collectReferences(all));
    const kept = options.keepResources ? { resources: all } : {};
    if (problems.length > 0) {
      cache.release(lease);
      const error = `inconsistent configuration not published: ${problems.map((p) => p.message).join('; ')}`;
      return { translation, dependencies, error, problems, ...kept };
    }
    return { translation, dependencies, config, lease, ...kept };
  } catch (err) {
    cache.release(lease);
    throw err;
  }
}

/**
 * Gateway listeners are bound to each replica's address, so each needs a socket address; a
 * ProxyTemplate may add or patch one without. Why not, or undefined.
 */
function unbindableListeners(resources: EnvoyResources): string | undefined {
  const names = resources.listeners.filter((l) => typeof (l.resource as { address?: { socket_address?: object } }).address?.socket_address !== 'object').map((l) => l.name);
  return names.length === 0 ? undefined : `listeners without a socket address cannot be bound to a gateway replica's address: ${names.join(', ')}`;
}

/** The address a replica's listeners bind: its advertised address, else its address. */
export function replicaAddress(proxy: StoredResource<'Dataplane'>): string {
  return proxy.spec.networking.advertisedAddress ?? proxy.spec.networking.address;
}
