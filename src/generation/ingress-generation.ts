// One zone ingress's configuration (multizone.md §7.3): translate (src/ingress) -> Envoy objects
// (src/xds/translator) -> encode (through the content cache) -> snapshot types -> consistency
// check. An ingress is its own identity, like a sidecar: its listener binds its own address.
import { ingressDependencies, type IngressDependencies } from '../ingress/ingress-dependencies.js';
import { translateIngress, type IngressInput } from '../ingress/translate-ingress.js';
import { checkSnapshotConsistency, type SnapshotProblem } from '../xds/cache/consistency.js';
import { collectReferences } from '../xds/translator/references.js';
import { buildIngressResources } from '../xds/translator/translate-ingress.js';
import type { EnvoyResources } from '../xds/translator/translate.js';
import { CacheLease, type EncodeCache } from './encode-cache.js';
import { encodedTypes } from './encoded-types.js';
import { replicaSnapshot, type SharedConfig } from './gateway-generation.js';

/** The outcome of generating one ingress. */
export interface IngressGeneration {
  readonly dependencies: IngressDependencies;
  readonly config?: SharedConfig;
  readonly lease?: CacheLease;
  readonly error?: string;
  readonly problems?: readonly SnapshotProblem[];
  readonly resources?: EnvoyResources;
}

/** Generate one ingress's configuration; pure apart from the encode cache. */
export function generateIngress(input: IngressInput, cache: EncodeCache, options: { readonly keepResources?: boolean } = {}): IngressGeneration {
  const dependencies = ingressDependencies(input.ingress);
  const resources = buildIngressResources(translateIngress(input));
  const lease = new CacheLease();
  try {
    const config: SharedConfig = { types: encodedTypes({ clusters: resources.clusters, endpoints: resources.endpoints, listeners: resources.listeners, secrets: resources.secrets }, cache, lease), listeners: [] };
    const problems = checkSnapshotConsistency(replicaSnapshot(config, input.ingress.spec.networking?.address ?? '', undefined, undefined), collectReferences(resources));
    const kept = options.keepResources ? { resources } : {};
    if (problems.length > 0) {
      cache.release(lease);
      return { dependencies, error: `inconsistent configuration not published: ${problems.map((p) => p.message).join('; ')}`, problems, ...kept };
    }
    return { dependencies, config, lease, ...kept };
  } catch (err) {
    cache.release(lease);
    throw err;
  }
}
