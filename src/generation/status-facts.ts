// The facts the status holder (runtime/resource-status.ts) computes gateway statuses from, for one
// mesh: its MeshGateways, routes and Dataplanes as the engine's mirror holds them, and what each
// gateway proxy's latest generation gave (a translation, or why there is none).
import type { ProxyTranslation, StatusInput } from '../gateway/status.js';
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

/** The status facts of `mesh`, given its gateway proxies in node id order. */
export function statusFacts(mirror: ResourceMirror, mesh: string, proxies: readonly StatusProxy[]): Omit<StatusInput, 'delivery'> {
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
  };
}
