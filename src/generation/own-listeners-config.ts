// The configuration of a proxy whose listeners bind its own addresses (a sidecar, a zone ingress):
// every type encoded through the content cache, LDS included, then the consistency check. Gateway
// replicas differ: their listeners are templates spliced with each replica's address.
import { checkSnapshotConsistency, type SnapshotProblem } from '../xds/cache/consistency.js';
import { collectReferences } from '../xds/translator/references.js';
import type { EnvoyResources } from '../xds/translator/translate.js';
import { CacheLease, type EncodeCache } from './encode-cache.js';
import { encodedTypes } from './encoded-types.js';
import { replicaSnapshot, type SharedConfig } from './gateway-generation.js';

/**
 * The encoded configuration and the encode-cache lease it holds, or why it is not published (no
 * lease is then held).
 */
export type OwnListenersConfig =
  | { readonly config: SharedConfig; readonly lease: CacheLease }
  | { readonly error: string; readonly problems: readonly SnapshotProblem[] };

/**
 * Encodes `resources` under a new lease and checks that every reference resolves; `identitySecret`
 * names the per-proxy certificate added later, which the check counts as present. The lease is
 * released when the configuration is not published, or when encoding throws.
 */
export function ownListenersConfig(resources: EnvoyResources, cache: EncodeCache, identitySecret?: string): OwnListenersConfig {
  const lease = new CacheLease();
  try {
    const types = encodedTypes({ clusters: resources.clusters, endpoints: resources.endpoints, listeners: resources.listeners, secrets: resources.secrets }, cache, lease);
    const config: SharedConfig = { types, listeners: [], ...(identitySecret ? { identitySecret } : {}) };
    const identity = identitySecret ? { name: identitySecret, bytes: new Uint8Array(0) } : undefined;
    // The address is unused: the LDS type is already part of the configuration.
    const problems = checkSnapshotConsistency(replicaSnapshot(config, '', undefined, identity), collectReferences(resources));
    if (problems.length === 0) return { config, lease };
    cache.release(lease);
    return { error: `inconsistent configuration not published: ${problems.map((p) => p.message).join('; ')}`, problems };
  } catch (err) {
    cache.release(lease);
    throw err;
  }
}
