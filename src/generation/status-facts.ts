// The facts the status holder (runtime/resource-status.ts) computes gateway statuses from, for one
// mesh: its MeshGateways, routes and Dataplanes as the engine's mirror holds them, and what each
// gateway proxy's latest generation gave (a translation, or why there is none). Policy statuses
// (mesh/policy-status.ts) read the mesh's connection policies and every proxy's policy places.
import type { ProxyTranslation, StatusInput } from '../gateway/status.js';
import { connectionPoliciesOf, type ConnectionPolicies } from '../mesh/connection-policies.js';
import type { ProxyPlaces } from '../mesh/policy-status.js';
import type { GenerationOutcome } from './generator.js';
import type { ResourceMirror } from './resource-mirror.js';

/** A gateway proxy as statuses see it. */
export interface StatusProxy {
  readonly name: string;
  /** The MeshGateway selected for it. */
  readonly gateway: string | undefined;
  /** Its identity's latest generation. */
  readonly latest: GenerationOutcome | undefined;
}

/** Any proxy, as policy statuses see it. */
export interface PolicyProxy {
  readonly name: string;
  readonly kind: 'gateway' | 'sidecar';
  readonly latest: GenerationOutcome | undefined;
}

/** Everything statuses of one mesh are computed from but delivery state. */
export interface MeshStatusFacts extends Omit<StatusInput, 'delivery'> {
  /** The connection policies the generations read. */
  readonly policies?: ConnectionPolicies;
  /** Proxies whose latest generation recorded policy places. */
  readonly policyPlaces?: readonly ProxyPlaces[];
}

/** The status facts of `mesh`, given its gateway proxies and all its proxies, in node id order. */
export function statusFacts(mirror: ResourceMirror, mesh: string, proxies: readonly StatusProxy[], all: readonly PolicyProxy[] = []): MeshStatusFacts {
  const translations: ProxyTranslation[] = proxies.map(({ name, gateway, latest }) => {
    const error = latest?.thrown !== undefined ? `generation failed: ${latest.thrown}` : latest?.error;
    return {
      proxy: name,
      ...(gateway !== undefined ? { gateway } : {}),
      ...(latest?.translation ? { translation: latest.translation } : {}),
      ...(error !== undefined ? { error } : {}),
    };
  });
  return {
    mesh,
    gateways: mirror.list('MeshGateway', mesh),
    routes: mirror.list('MeshGatewayRoute', mesh),
    dataplanes: mirror.list('Dataplane', mesh),
    translations,
    policies: connectionPoliciesOf((kind) => mirror.list(kind, mesh)),
    policyPlaces: all.flatMap(({ name, kind, latest }) => (latest?.policyPlaces ? [{ proxy: name, type: kind, places: latest.policyPlaces }] : [])),
  };
}
