// One zone ingress's configuration (docs/multizone.md §7.3): translate (src/ingress) -> Envoy objects
// (src/xds/translator) -> encode (through the content cache) -> snapshot types -> consistency
// check. An ingress is its own identity, like a sidecar: its listener binds its own address.
import { ingressDependencies, type IngressDependencies } from '../ingress/ingress-dependencies.js';
import { translateIngress, type IngressInput } from '../ingress/translate-ingress.js';
import type { SnapshotProblem } from '../xds/cache/consistency.js';
import { buildIngressResources } from '../xds/translator/translate-ingress.js';
import type { EnvoyResources } from '../xds/translator/translate.js';
import { ownListenersConfig } from './own-listeners-config.js';
import type { CacheLease, EncodeCache } from './encode-cache.js';
import type { SharedConfig } from './gateway-generation.js';

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
  const kept = options.keepResources ? { resources } : {};
  const encoded = ownListenersConfig(resources, cache);
  if ('error' in encoded) return { dependencies, error: encoded.error, problems: encoded.problems, ...kept };
  return { dependencies, config: encoded.config, lease: encoded.lease, ...kept };
}
