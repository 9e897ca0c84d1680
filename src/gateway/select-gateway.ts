// Gateway selection (docs/gateway.md §2.2) and the configuration identity derived from it: which
// MeshGateway a gateway dataplane serves decides its whole configuration.
import type { Tags } from '../api/tags.js';
import type { StoredResource } from '../core/resource.js';
import { compareBytes } from '../core/byte-order.js';
import type { GatewayInput } from './gateway-input.js';
import { compareRanks, selectorMatches, selectorRank, type SelectorRank } from '../mesh/selectors.js';

/** The tags of a gateway dataplane: its `networking.gateway.tags` (empty when it has none). */
export function proxyGatewayTags(proxy: StoredResource<'Dataplane'>): Tags {
  return proxy.spec.networking.gateway?.tags ?? {};
}

/**
 * The MeshGateway a BUILTIN gateway dataplane serves, or undefined. A selector is tested against
 * each inbound's tags first and then the gateway tags (docs/gateway.md §1.3).
 */
export function selectGateway(
  proxy: StoredResource<'Dataplane'>,
  gateways: readonly StoredResource<'MeshGateway'>[],
): StoredResource<'MeshGateway'> | undefined {
  const networking = proxy.spec.networking;
  if (networking.gateway?.type !== 'BUILTIN') return undefined;
  const tagSets: Tags[] = [...(networking.inbound ?? []).map((i) => i.tags), networking.gateway.tags];
  return selectGatewayForTags(proxy.mesh, tagSets, gateways);
}

/**
 * The best MeshGateway of `mesh` for an object described by one or more tag sets (a dataplane, or
 * a MeshGatewayInstance on Kubernetes). Highest best-selector rank wins; equal ranks go to the
 * most recently created; equal creation times to the smaller name [D10-style determinism].
 */
export function selectGatewayForTags(
  mesh: string,
  tagSets: readonly Tags[],
  gateways: readonly StoredResource<'MeshGateway'>[],
): StoredResource<'MeshGateway'> | undefined {
  let best: { gateway: StoredResource<'MeshGateway'>; rank: SelectorRank } | undefined;
  for (const gateway of gateways) {
    if (gateway.mesh !== mesh) continue;
    const rank = bestMatchingRank(gateway, tagSets);
    if (rank === undefined) continue;
    if (best === undefined || beats(gateway, rank, best.gateway, best.rank)) best = { gateway, rank };
  }
  return best?.gateway;
}

/** The highest rank among the gateway's selectors that match any of the tag sets. */
function bestMatchingRank(gateway: StoredResource<'MeshGateway'>, tagSets: readonly Tags[]): SelectorRank | undefined {
  let best: SelectorRank | undefined;
  for (const selector of gateway.spec.selectors) {
    if (!tagSets.some((tags) => selectorMatches(selector.match, tags))) continue;
    const rank = selectorRank(selector.match);
    if (best === undefined || compareRanks(rank, best) > 0) best = rank;
  }
  return best;
}

/** True when candidate `a` should replace the current best `b`. */
function beats(
  a: StoredResource<'MeshGateway'>,
  aRank: SelectorRank,
  b: StoredResource<'MeshGateway'>,
  bRank: SelectorRank,
): boolean {
  const byRank = compareRanks(aRank, bRank);
  if (byRank !== 0) return byRank > 0;
  const byTime = compareTimes(a.creationTime, b.creationTime);
  if (byTime !== 0) return byTime > 0;
  return compareBytes(a.name, b.name) < 0;
}

/** Compare RFC 3339 instants; falls back to text order when a value does not parse. */
export function compareTimes(a: string, b: string): number {
  const ta = Date.parse(a);
  const tb = Date.parse(b);
  if (Number.isNaN(ta) || Number.isNaN(tb)) return compareBytes(a, b);
  return ta - tb;
}

/**
 * A stable key of everything the IR depends on besides the shared mesh resources: the mesh, the
 * selected MeshGateway and the proxy's gateway tags (canonical order). Proxies with equal keys get
 * identical IR; the listener address is not part of the IR. Undefined when no gateway is selected.
 */
export function gatewayIdentity(input: GatewayInput): string | undefined {
  const gateway = selectGateway(input.proxy, input.gateways);
  return gateway === undefined ? undefined : identityOfSelection(input.mesh.name, gateway.name, input.proxy);
}

/** The identity key of a proxy whose MeshGateway `gateway` is already selected (see gatewayIdentity). */
export function identityOfSelection(mesh: string, gateway: string, proxy: StoredResource<'Dataplane'>): string {
  const tags = proxyGatewayTags(proxy);
  const canonical = Object.keys(tags)
    .sort(compareBytes)
    .map((k) => [k, tags[k]]);
  return JSON.stringify([mesh, gateway, canonical]);
}
