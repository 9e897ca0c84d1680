// FaultInjection and RateLimit on a sidecar's HTTP inbounds, as Kuma's classic generator applies
// them: every policy whose destinations select the inbound's tags applies there, most specific
// source first, and the caller is recognised at request time by the `x-kuma-tags` header its own
// proxy sets, matched with a regular expression built from the policy's sources.
import type { Selector, Tags } from '../api/tags.js';
import type { StoredResource } from '../core/resource.js';
import type { InboundPolicies } from '../ir/policies.js';
import type { ConnectionPolicies } from './connection-policies.js';
import { routeFault } from './fault-injection-effects.js';
import { routeRateLimit } from './rate-limit-effects.js';
import { anySelectorMatches, compareRanks, selectorRank, type SelectorRank } from './selectors.js';

/**
 * The `x-kuma-tags` regular expression of one selector, as Kuma writes it: for each key in
 * ascending order `&key=` then, unless the value is `*`, `[^&]*value[,&]` (dots in the value
 * escaped), each followed by `.*`, the whole after a leading `.*`. The value test also accepts a
 * value ending in the selector's (`[^&]*`), as Kuma's does.
 */
export function selectorRegex(match: Tags): string {
  let re = '.*';
  for (const key of Object.keys(match).sort()) {
    const value = match[key] ?? '';
    re += `&${key}=${value === '*' ? '' : `[^&]*${value.replaceAll('.', '\\.')}[,&]`}.*`;
  }
  return re;
}

/** Any of the selectors: one regex alone, several as `(a|b)`. */
export function sourcesRegex(sources: readonly Selector[]): string {
  const parts = sources.map((s) => selectorRegex(s.match));
  return parts.length === 1 ? (parts[0] ?? '') : `(${parts.join('|')})`;
}

interface Sourced {
  readonly name: string;
  readonly creationTime: string;
  readonly spec: { readonly sources: readonly Selector[]; readonly destinations: readonly Selector[] };
}

function bestSourceRank(p: Sourced): SelectorRank {
  let best: SelectorRank = { exact: 0, wildcard: 0 };
  for (const s of p.spec.sources) {
    const rank = selectorRank(s.match);
    if (compareRanks(rank, best) > 0) best = rank;
  }
  return best;
}

/** The policies selecting `tags` as destination: most specific source first, then newer, then by name. */
function selecting<P extends Sourced>(policies: readonly P[] | undefined, tags: Tags): P[] {
  return (policies ?? [])
    .filter((p) => anySelectorMatches(p.spec.destinations, tags))
    .sort((a, b) => compareRanks(bestSourceRank(b), bestSourceRank(a)) || (a.creationTime !== b.creationTime ? (a.creationTime > b.creationTime ? -1 : 1) : a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** The FaultInjection and RateLimit settings of an HTTP inbound with `tags`; undefined when none selects it. */
export function inboundPolicies(policies: ConnectionPolicies, tags: Tags): InboundPolicies | undefined {
  const faults = selecting(policies.FaultInjection, tags).map((p: StoredResource<'FaultInjection'>) => ({ sourceRegex: sourcesRegex(p.spec.sources), fault: routeFault(p.spec) }));
  const rateLimits = selecting(policies.RateLimit, tags).map((p: StoredResource<'RateLimit'>) => {
    const rateLimit = routeRateLimit(p.spec);
    return { sourceRegex: sourcesRegex(p.spec.sources), ...(rateLimit ? { rateLimit } : {}) };
  });
  return faults.length === 0 && rateLimits.length === 0 ? undefined : { faults, rateLimits };
}
