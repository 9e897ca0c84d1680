// A mesh's insight: Kuma 2.x's MeshInsight (what `kumactl inspect meshes` reads), computed on
// request from the store and the xDS server's delivery state instead of kept by a resyncer. Pure:
// the route (mesh-insight-route.ts) gathers the inputs.
//
// A Dataplane is `online` when its proxy has an ADS stream open to this control plane and every
// inbound that reports health is ready; `partiallyDegraded` when connected with some inbounds not
// ready; `offline` when not connected, or when every one of its inbounds is not ready (Kuma's
// three states; each Dataplane is counted in exactly one).
import { RESOURCE_KINDS } from '../api/resource-kinds.js';
import { SERVICE_TAG } from '../api/tags.js';
import type { Kind, StoredResource } from '../core/resource.js';

/** Dataplane counts by state (Kuma's DataplaneStat). */
export interface DataplaneStat {
  readonly total: number;
  readonly online: number;
  readonly offline: number;
  readonly partiallyDegraded: number;
}

/** One Dataplane's state. */
export type DataplaneState = 'online' | 'offline' | 'partiallyDegraded';

/** The body of `GET /mesh-insights/{mesh}`. */
export interface MeshInsight {
  readonly type: 'MeshInsight';
  readonly name: string;
  readonly creationTime: string;
  readonly modificationTime: string;
  readonly dataplanes: DataplaneStat;
  readonly dataplanesByType: { readonly standard: DataplaneStat; readonly gateway: DataplaneStat; readonly gatewayBuiltin: DataplaneStat; readonly gatewayDelegated: DataplaneStat };
  /** Every policy kind of a mesh, zero counts included, so a client never probes for a key. */
  readonly policies: Readonly<Record<string, { readonly total: number }>>;
  /** Distinct `kuma.io/service` values of inbounds and gateways (internal), ExternalServices (external). */
  readonly services: { readonly total: number; readonly internal: number; readonly external: number };
  /** The Mesh's enabled CA backend, and the Dataplanes holding a certificate by the backend that issued it. */
  readonly mTLS: { readonly enabledBackend?: string; readonly issuedBackends: Readonly<Record<string, DataplaneStat>> };
}

/**
 * The kinds counted as policies: every mesh-scoped kind but Dataplanes (counted by state),
 * ExternalServices (counted as services) and confidential kinds (secrets are not policies).
 */
export const MESH_POLICY_KINDS: readonly Kind[] = RESOURCE_KINDS.filter(
  (d) => d.scope === 'mesh' && !d.confidential && d.kind !== 'Dataplane' && d.kind !== 'ExternalService',
).map((d) => d.kind);

/** What one mesh's insight is computed from. */
export interface MeshInsightInput {
  readonly mesh: StoredResource<'Mesh'>;
  readonly dataplanes: readonly StoredResource<'Dataplane'>[];
  /** Resources of the mesh per policy kind; a kind missing has none. */
  readonly policyCounts: Readonly<Partial<Record<Kind, number>>>;
  readonly externalServices: number;
  /** True when the Dataplane's proxy has an ADS stream open now. */
  readonly connected: (dataplane: StoredResource<'Dataplane'>) => boolean;
  /** The CA backend that issued the proxy's current certificate, if it holds one. */
  readonly issuedBackend: (dataplane: StoredResource<'Dataplane'>) => string | undefined;
}

/** The insight of one mesh. */
export function meshInsight(input: MeshInsightInput): MeshInsight {
  const states = input.dataplanes.map((dp) => ({ dp, state: dataplaneState(dp, input.connected(dp)) }));
  const statOf = (pick: (dp: StoredResource<'Dataplane'>) => boolean) => countStates(states.filter((s) => pick(s.dp)).map((s) => s.state));
  const gatewayType = (dp: StoredResource<'Dataplane'>) => dp.spec.networking.gateway?.type;
  const issued = new Map<string, DataplaneState[]>();
  for (const { dp, state } of states) {
    const backend = input.issuedBackend(dp);
    if (backend === undefined) continue;
    const list = issued.get(backend);
    if (list === undefined) issued.set(backend, [state]);
    else list.push(state);
  }
  const internal = internalServices(input.dataplanes);
  const enabledBackend = input.mesh.spec.mtls?.enabledBackend;
  return {
    type: 'MeshInsight',
    name: input.mesh.name,
    creationTime: input.mesh.creationTime,
    modificationTime: input.mesh.modificationTime,
    dataplanes: countStates(states.map((s) => s.state)),
    dataplanesByType: {
      standard: statOf((dp) => gatewayType(dp) === undefined),
      gateway: statOf((dp) => gatewayType(dp) !== undefined),
      gatewayBuiltin: statOf((dp) => gatewayType(dp) === 'BUILTIN'),
      gatewayDelegated: statOf((dp) => gatewayType(dp) !== undefined && gatewayType(dp) !== 'BUILTIN'),
    },
    policies: Object.fromEntries(MESH_POLICY_KINDS.map((kind) => [kind, { total: input.policyCounts[kind] ?? 0 }])),
    services: { total: internal + input.externalServices, internal, external: input.externalServices },
    mTLS: {
      ...(enabledBackend ? { enabledBackend } : {}),
      issuedBackends: Object.fromEntries([...issued].sort(([a], [b]) => (a < b ? -1 : 1)).map(([backend, list]) => [backend, countStates(list)])),
    },
  };
}

/** A Dataplane's state given whether its proxy is connected (see the head of this file). */
export function dataplaneState(dataplane: StoredResource<'Dataplane'>, connected: boolean): DataplaneState {
  if (!connected) return 'offline';
  const inbounds = dataplane.spec.networking.inbound ?? [];
  const notReady = inbounds.filter((i) => i.health?.ready === false).length;
  if (notReady === 0) return 'online';
  return notReady === inbounds.length ? 'offline' : 'partiallyDegraded';
}

function countStates(states: readonly DataplaneState[]): DataplaneStat {
  const n = (s: DataplaneState) => states.filter((x) => x === s).length;
  return { total: states.length, online: n('online'), offline: n('offline'), partiallyDegraded: n('partiallyDegraded') };
}

/** Distinct services the Dataplanes of a mesh serve: inbound tags and gateway tags. */
function internalServices(dataplanes: readonly StoredResource<'Dataplane'>[]): number {
  const services = new Set<string>();
  for (const dp of dataplanes) {
    for (const inbound of dp.spec.networking.inbound ?? []) {
      const service = inbound.tags[SERVICE_TAG];
      if (service) services.add(service);
    }
    const gatewayService = dp.spec.networking.gateway?.tags[SERVICE_TAG];
    if (gatewayService) services.add(gatewayService);
  }
  return services.size;
}

