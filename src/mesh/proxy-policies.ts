// What applies to one proxy, place by place: the inverse of policy-status.ts, which says where one
// policy applies over every proxy. Each policy's verdict on this proxy is taken from policyStatus
// itself rather than recomputed, so the proxy's view and the policy's status can never disagree.
// Pure. Cost: one policyStatus per policy of the mesh over this one proxy's places, paid per
// request of an inspect view, never by generation.
import type { Tags } from '../api/tags.js';
import type { StoredResource } from '../core/resource.js';
import { CONNECTION_POLICY_KINDS, type ConnectionPolicies, type ConnectionPolicyKind } from './connection-policies.js';
import { policyStatus, type PlaceType, type ProxyPlaces } from './policy-status.js';

/** A policy as the inspect view names it: Kuma's `{type, mesh, name}` of a resource. */
export interface PolicyRef {
  readonly type: ConnectionPolicyKind;
  readonly mesh: string;
  readonly name: string;
}

/** A policy that matched a place but lost it to `winner` (of the same kind). */
export interface LostPolicyRef extends PolicyRef {
  readonly winner: string;
}

/** One place of a proxy and the connection policies on it. */
export interface PlacePolicies {
  readonly type: PlaceType;
  readonly name: string;
  /** What a cluster or outbound leads to; absent on routes (they may split across several). */
  readonly destination?: Tags;
  /**
   * The policy of each kind that won here, in CONNECTION_POLICY_KINDS order: one per kind, unless
   * sources of the proxy (a sidecar's inbounds) chose differently.
   */
  readonly matchedPolicies: { readonly [K in ConnectionPolicyKind]?: readonly PolicyRef[] };
  /** Policies whose selectors matched here but that another of their kind beat; absent when none. */
  readonly lostPolicies?: { readonly [K in ConnectionPolicyKind]?: readonly LostPolicyRef[] };
}

/**
 * Every place of `proxy` (destinations in recorded order, then routes in route-table order) with
 * the policies applied and lost there. A place nothing applies to is listed too, with no policy:
 * that nothing applies is what a user inspecting it wants to know.
 */
export function proxyPolicies(policies: ConnectionPolicies, proxy: ProxyPlaces): PlacePolicies[] {
  const places = placesOf(proxy);
  const byKey = new Map(places.map((p) => [placeKey(p.type, p.name), { matched: new Map<ConnectionPolicyKind, PolicyRef[]>(), lost: new Map<ConnectionPolicyKind, LostPolicyRef[]>() }]));
  for (const kind of CONNECTION_POLICY_KINDS) {
    for (const policy of (policies[kind] ?? []) as readonly StoredResource[]) {
      const detail = policyStatus(kind, policy, policies, [proxy]).details[0];
      const ref: PolicyRef = { type: kind, mesh: policy.mesh, name: policy.name };
      for (const place of detail?.applied ?? []) push(byKey.get(placeKey(place.type, place.name))?.matched, kind, ref);
      for (const place of detail?.lost ?? []) push(byKey.get(placeKey(place.type, place.name))?.lost, kind, { ...ref, winner: place.winner ?? '' });
    }
  }
  return places.map((place) => {
    const found = byKey.get(placeKey(place.type, place.name))!;
    return {
      ...place,
      matchedPolicies: Object.fromEntries(found.matched),
      ...(found.lost.size > 0 ? { lostPolicies: Object.fromEntries(found.lost) } : {}),
    };
  });
}

/** The proxy's places in the order policyStatus reports them, each once. */
function placesOf(proxy: ProxyPlaces): { type: PlaceType; name: string; destination?: Tags }[] {
  const out: { type: PlaceType; name: string; destination?: Tags }[] = [];
  const seen = new Set<string>();
  const add = (place: { type: PlaceType; name: string; destination?: Tags }) => {
    const key = placeKey(place.type, place.name);
    if (seen.has(key)) return;
    seen.add(key);
    out.push(place);
  };
  for (const d of proxy.places.destinations) add({ type: d.type, name: d.name, destination: d.destination });
  for (const table of proxy.places.routeTables) {
    for (const host of table.hosts) for (const [match] of host.routes) add({ type: 'route', name: `${table.name} ${host.hostname} ${match}` });
  }
  return out;
}

function placeKey(type: PlaceType, name: string): string {
  return `${type}\u0000${name}`;
}

// A place seen from several sources (a sidecar's inbounds) is reported once per source: once here.
function push<T extends PolicyRef>(map: Map<ConnectionPolicyKind, T[]> | undefined, kind: ConnectionPolicyKind, value: T): void {
  if (map === undefined) return;
  const list = map.get(kind) ?? [];
  if (list.some((v) => v.name === value.name)) return;
  list.push(value);
  map.set(kind, list);
}
