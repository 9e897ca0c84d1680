// The engine's records (engine.ts): one per configured proxy, one per configuration identity with
// its last good configuration and the snapshots built from it, and what a proxy is served.
import type { Snapshot, SnapshotType, VersionedResource } from '../xds/cache/snapshot.js';
import type { Issuer } from './certificate-issuer.js';
import type { SharedConfig } from './gateway-generation.js';
import type { GenerationOutcome, Generator } from './generator.js';

/** One configured proxy: its type, where it belongs and what it binds. */
export interface ProxyState {
  /** BUILTIN gateways share configurations by identity; sidecars and zone ingresses are each their own. */
  readonly kind: 'gateway' | 'sidecar' | 'ingress';
  readonly mesh: string;
  readonly name: string;
  readonly identity: string;
  readonly address: string;
  /** The MeshGateway selected for it, for statuses. */
  readonly gateway: string | undefined;
}

/** One configuration identity and its proxies. */
export interface IdentityState {
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
  /** mTLS meshes: each proxy's own snapshot of `good` (it holds the proxy's certificate). */
  readonly proxySnapshots: Map<string, { readonly secret: VersionedResource; readonly address: string; readonly snapshot: Snapshot }>;
  /**
   * LDS types by address, kept across generations while the listeners stay equal: a route
   * change then costs each replica a map copy and a hash, not new listener bytes.
   */
  listenerTypes: Map<string, SnapshotType>;
  /** `listenersKey` of the configuration `listenerTypes` belongs to. */
  listenersKey: string;
  /** In an mTLS mesh: what its proxies' certificates are issued from, as of its last generation. */
  issuer?: Issuer;
}

/** What a proxy is served: its state, identity, good configuration and address. */
export interface ServedConfig {
  readonly state: ProxyState;
  readonly identity: IdentityState;
  readonly config: SharedConfig;
  readonly address: string;
}
