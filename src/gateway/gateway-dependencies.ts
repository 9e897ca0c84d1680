// What a gateway translation read (issue 9 "dependency-tracked regeneration"): the runtime keeps
// this beside each translation and re-translates only when a change touches it. It mirrors
// translateGateway step by step, so each field names the step that reads it. Erring on the side
// of "affected" only costs a translation; missing a read would leave a proxy on stale config, so
// the predicates below are deliberately broader than the translation's own filters (a route's
// type and hostnames are not checked, only whether its selectors can reach a listener).
import { SERVICE_TAG, type Tags } from '../api/tags.js';
import type { StoredResource } from '../core/resource.js';
import { collapseListeners } from './collapse-listeners.js';
import type { GatewayInput, GatewayTranslation } from './gateway-input.js';
import { proxyGatewayTags, selectGateway } from './select-gateway.js';
import { anySelectorMatches } from '../mesh/selectors.js';
import { meshCaSecretNames } from '../mesh/mesh-ca-source.js';
import { isConnectionPolicyKind } from '../mesh/connection-policies.js';
import { proxyTemplateMayConcern, proxyTemplateTagSets } from '../mesh/proxy-template-selection.js';
import { externalServiceSecrets } from '../mesh/external-services.js';

/** The inputs one gateway translation depends on, as plain data. */
export interface GatewayDependencies {
  readonly kind?: 'gateway';
  readonly mesh: string;
  /** The selected MeshGateway (docs/gateway.md §2.2); undefined when none selects the proxy. */
  readonly gateway?: string;
  /** Merged tags of every listener (docs/gateway.md §2.3): a route whose selectors match one of them may bind (§2.5). */
  readonly listenerTags: readonly Tags[];
  /** Services of every cluster: endpoints come from the Dataplanes serving them (docs/gateway.md §2.15). */
  readonly services: ReadonlySet<string>;
  /**
   * Secrets named by `secret:` certificate sources (docs/gateway.md §2.13), the mesh CA's Secrets (§1.5) and the
   * TLS data sources of the mesh's ExternalServices (docs/gateway.md §2.15).
   */
  readonly secrets: ReadonlySet<string>;
  /**
   * Some ExternalService of the mesh has the service of a cluster: a TrafficPermission may then
   * make it usable or unusable for the gateway (docs/gateway.md §2.16).
   */
  readonly externalServices?: boolean;
  /**
   * Cross-mesh listeners read every mTLS mesh's CA (`mesh_ca:secret:all`, docs/gateway.md §2.17): a Mesh or Secret
   * of any other mesh may change the translation.
   */
  readonly crossMesh?: boolean;
  /** The tag sets ProxyTemplates are matched by (mesh/proxy-template-selection.ts). */
  readonly proxyTags?: readonly Tags[];
}

/** The dependencies of `translation`, which translateGateway(input) returned. */
export function gatewayDependencies(input: GatewayInput, translation: GatewayTranslation): GatewayDependencies {
  const mesh = input.mesh.name;
  const proxyTags = proxyTemplateTagSets(input.proxy);
  const selected = selectGateway(input.proxy, input.gateways);
  if (selected === undefined) return { mesh, listenerTags: [], services: new Set(), secrets: new Set(), proxyTags };
  const crossMesh = (selected.spec.conf?.listeners ?? []).some((l) => l.crossMesh === true);
  const listenerTags = collapseListeners(selected, proxyGatewayTags(input.proxy)).flatMap((port) => port.listeners.map((l) => l.tags));
  const secrets = new Set<string>([...meshCaSecretNames(input.mesh), ...externalServiceSecrets(input.externalServices ?? [])]);
  for (const listener of selected.spec.conf?.listeners ?? []) {
    for (const source of listener.tls?.certificates ?? []) if (source.secret !== undefined) secrets.add(source.secret);
  }
  // A failed generation has no clusters to read services from; any Dataplane may then matter.
  const services = translation.gateway ? new Set(translation.gateway.clusters.map((c) => c.service)) : ALL_SERVICES;
  const externalServices = (input.externalServices ?? []).some((es) => servicesHave(services, es.spec.tags[SERVICE_TAG]));
  return { mesh, gateway: selected.name, listenerTags, services, secrets, proxyTags, ...(crossMesh ? { crossMesh } : {}), ...(externalServices ? { externalServices } : {}) };
}

/** True when `service` is one of `services` (or they stand for every service). */
function servicesHave(services: ReadonlySet<string>, service: string | undefined): boolean {
  return services === ALL_SERVICES || (service !== undefined && services.has(service));
}

/** Stands for "every service" in `services`. */
const ALL_SERVICES: ReadonlySet<string> = new Set(['*']);

/**
 * True when a change of `resource` (its old or its new version: call once for each) may change the
 * translation these dependencies came from. MeshGateways and gateway Dataplanes decide which
 * translation a proxy gets at all; the runtime re-selects for those (select-gateway.ts) and this
 * answers only whether the translation's own inputs moved.
 */
export function gatewayDependsOn(deps: GatewayDependencies, resource: StoredResource): boolean {
  if (resource.mesh !== deps.mesh) return deps.crossMesh === true && (resource.kind === 'Mesh' || resource.kind === 'Secret');
  if (resource.kind === 'Mesh') return true;
  switch (resource.kind) {
    case 'MeshGateway':
      return resource.name === deps.gateway;
    case 'MeshGatewayRoute': {
      const { selectors } = (resource as StoredResource<'MeshGatewayRoute'>).spec;
      return deps.listenerTags.some((tags) => anySelectorMatches(selectors, tags));
    }
    case 'Dataplane':
      return servesAny(resource as StoredResource<'Dataplane'>, deps.services);
    case 'Secret':
      return deps.secrets.has(resource.name);
    case 'ProxyTemplate':
      return proxyTemplateMayConcern(resource as StoredResource<'ProxyTemplate'>, deps.proxyTags ?? []);
    // One of the gateway's destinations may become, or stop being, external (docs/gateway.md §2.15).
    case 'ExternalService':
      return servicesHave(deps.services, (resource as StoredResource<'ExternalService'>).spec.tags[SERVICE_TAG]);
    // Usability of the ExternalServices the gateway's destinations name (docs/gateway.md §2.16).
    case 'TrafficPermission':
      return deps.externalServices === true;
    default:
      // A connection policy may start or stop winning for any listener and destination (docs/gateway.md §2.16),
      // a TrafficTrace for the proxy (docs/gateway.md §2.12).
      return isConnectionPolicyKind(resource.kind) || resource.kind === 'TrafficTrace';
  }
}

/** A sidecar Dataplane with an inbound of one of the services (gateway Dataplanes serve none). */
function servesAny(dataplane: StoredResource<'Dataplane'>, services: ReadonlySet<string>): boolean {
  const networking = dataplane.spec.networking;
  if (networking.gateway !== undefined) return false;
  if (services === ALL_SERVICES) return true;
  return (networking.inbound ?? []).some((inbound) => {
    const service = inbound.tags[SERVICE_TAG];
    return service !== undefined && services.has(service);
  });
}
