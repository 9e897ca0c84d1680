// Which ProxyTemplate finishes a proxy's configuration (docs/policies.md "ProxyTemplate"). Kuma
// picks one per dataplane: among the templates of its mesh with a selector matching one of the
// dataplane's tag sets, the best selector rank wins (docs/gateway.md §2.2 ranks), then the most
// recently created template, then the smaller name [D10]. A BUILTIN gateway is matched by its
// gateway tags; a sidecar by any inbound's tags (and a DELEGATED gateway by its gateway tags).
import type { Tags } from '../api/tags.js';
import { compareBytes } from '../core/byte-order.js';
import type { StoredResource } from '../core/resource.js';
import { compareRanks, selectorMatches, selectorRank, type SelectorRank } from './selectors.js';

/** The tag sets a dataplane is matched by. */
export function proxyTemplateTagSets(proxy: StoredResource<'Dataplane'>): Tags[] {
  const networking = proxy.spec.networking;
  if (networking.gateway?.type === 'BUILTIN') return [networking.gateway.tags];
  return [...(networking.inbound ?? []).map((i) => i.tags), ...(networking.gateway ? [networking.gateway.tags] : [])];
}

/** The ProxyTemplate of `proxy` among `templates` (any order), or undefined when none selects it. */
export function selectProxyTemplate(
  proxy: StoredResource<'Dataplane'>,
  templates: readonly StoredResource<'ProxyTemplate'>[],
): StoredResource<'ProxyTemplate'> | undefined {
  const tagSets = proxyTemplateTagSets(proxy);
  let best: { template: StoredResource<'ProxyTemplate'>; rank: SelectorRank } | undefined;
  for (const template of templates) {
    if (template.mesh !== proxy.mesh) continue;
    const rank = bestRank(template, tagSets);
    if (rank === undefined) continue;
    if (best === undefined || beats(template, rank, best.template, best.rank)) best = { template, rank };
  }
  return best?.template;
}

/** True when a change of `template` (old or new version) may concern a proxy with these tag sets. */
export function proxyTemplateMayConcern(template: StoredResource<'ProxyTemplate'>, tagSets: readonly Tags[]): boolean {
  return bestRank(template, tagSets) !== undefined;
}

function bestRank(template: StoredResource<'ProxyTemplate'>, tagSets: readonly Tags[]): SelectorRank | undefined {
  let best: SelectorRank | undefined;
  for (const selector of template.spec.selectors) {
    if (!tagSets.some((tags) => selectorMatches(selector.match, tags))) continue;
    const rank = selectorRank(selector.match);
    if (best === undefined || compareRanks(rank, best) > 0) best = rank;
  }
  return best;
}

function beats(a: StoredResource<'ProxyTemplate'>, aRank: SelectorRank, b: StoredResource<'ProxyTemplate'>, bRank: SelectorRank): boolean {
  const byRank = compareRanks(aRank, bRank);
  if (byRank !== 0) return byRank > 0;
  const ta = Date.parse(a.creationTime);
  const tb = Date.parse(b.creationTime);
  const byTime = Number.isNaN(ta) || Number.isNaN(tb) ? compareBytes(a.creationTime, b.creationTime) : ta - tb;
  if (byTime !== 0) return byTime > 0;
  return compareBytes(a.name, b.name) < 0;
}
