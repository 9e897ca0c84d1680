// One sidecar's configuration (docs/mesh-mtls.md §4): translate (src/sidecar) -> Envoy objects
// (src/xds/translator) -> encode (through the content cache) -> snapshot types -> consistency
// check. A sidecar is its own identity: its listeners bind its own addresses, so the LDS type is
// part of the configuration and nothing is spliced per replica. Its certificate is added per
// proxy, as for gateways.
import { sidecarDependencies, type SidecarDependencies } from '../sidecar/sidecar-dependencies.js';
import type { SidecarInput } from '../sidecar/sidecar-input.js';
import type { PolicyPlaces } from '../mesh/policy-status.js';
import { translateSidecar } from '../sidecar/translate-sidecar.js';
import type { SnapshotProblem } from '../xds/cache/consistency.js';
import { buildSidecarResources } from '../xds/translator/translate-sidecar.js';
import type { EnvoyResources } from '../xds/translator/translate.js';
import { ownListenersConfig } from './own-listeners-config.js';
import type { CacheLease, EncodeCache } from './encode-cache.js';
import { finishWithProxyTemplate } from './proxy-template-step.js';
import type { SharedConfig } from './gateway-generation.js';

/** The outcome of generating one sidecar. */
export interface SidecarGeneration {
  readonly dependencies: SidecarDependencies;
  readonly config?: SharedConfig;
  readonly lease?: CacheLease;
  /** Why there is no config: the translation's error or an inconsistency. */
  readonly error?: string;
  readonly problems?: readonly SnapshotProblem[];
  readonly resources?: EnvoyResources;
  /** Where connection policies can land, for their statuses. */
  readonly policyPlaces?: PolicyPlaces;
}

/** Generate one sidecar's configuration; pure apart from the encode cache. */
export function generateSidecar(input: SidecarInput, cache: EncodeCache, options: { readonly keepResources?: boolean } = {}): SidecarGeneration {
  const dependencies = sidecarDependencies(input);
  const translation = translateSidecar(input);
  if (!translation.sidecar) return { dependencies, error: translation.error ?? 'sidecar translation failed' };
  const finished = finishWithProxyTemplate(buildSidecarResources(translation.sidecar), input.proxy, input.proxyTemplates, 'sidecar');
  if (!finished.ok) return { dependencies, error: finished.message };
  const resources = finished.resources;
  const kept = { ...(options.keepResources ? { resources } : {}), ...(translation.policyPlaces ? { policyPlaces: translation.policyPlaces } : {}) };
  const encoded = ownListenersConfig(resources, cache, translation.sidecar.mtls?.identitySecret);
  if ('error' in encoded) return { dependencies, error: encoded.error, problems: encoded.problems, ...kept };
  return { dependencies, config: encoded.config, lease: encoded.lease, ...kept };
}
