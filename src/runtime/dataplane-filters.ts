// Kuma's filters of the dataplane overview list (`kumactl inspect dataplanes --gateway --tag k=v`
// sends them as query parameters): `gateway` (true, false, builtin, delegated), `tag` (repeatable,
// `key:value`, the value matched as a substring of the Dataplane's inbound or gateway tag, as Kuma
// matches it) and `name` (a substring of the Dataplane's name). Every filter given must match.
import type { Violation } from '../api/violation.js';
import type { StoredResource } from '../core/resource.js';

/** A parsed filter, or the violations of the query. */
export type DataplaneFilter = { readonly ok: true; readonly matches: (dp: StoredResource<'Dataplane'>) => boolean } | { readonly ok: false; readonly violations: readonly Violation[] };

const GATEWAY_VALUES = ['true', 'false', 'builtin', 'delegated'] as const;

/** Reads `gateway`, `tag` and `name` from the query; absent parameters match everything. */
export function parseDataplaneFilter(query: URLSearchParams): DataplaneFilter {
  const violations: Violation[] = [];
  const tests: ((dp: StoredResource<'Dataplane'>) => boolean)[] = [];
  const gateway = query.get('gateway');
  if (gateway !== null) {
    if (!(GATEWAY_VALUES as readonly string[]).includes(gateway)) violations.push({ field: 'gateway', message: `must be one of ${GATEWAY_VALUES.join(', ')}` });
    else tests.push((dp) => gatewayMatches(dp, gateway as (typeof GATEWAY_VALUES)[number]));
  }
  for (const [i, tag] of query.getAll('tag').entries()) {
    const colon = tag.indexOf(':');
    if (colon <= 0) {
      violations.push({ field: `tag[${i}]`, message: 'must be key:value' });
      continue;
    }
    const [key, value] = [tag.slice(0, colon), tag.slice(colon + 1)];
    tests.push((dp) => tagSets(dp).some((tags) => tags[key]?.includes(value) === true));
  }
  const name = query.get('name');
  if (name !== null) tests.push((dp) => dp.name.includes(name));
  return violations.length > 0 ? { ok: false, violations } : { ok: true, matches: (dp) => tests.every((t) => t(dp)) };
}

function gatewayMatches(dp: StoredResource<'Dataplane'>, wanted: (typeof GATEWAY_VALUES)[number]): boolean {
  const gateway = dp.spec.networking.gateway;
  if (wanted === 'false') return gateway === undefined;
  if (wanted === 'true') return gateway !== undefined;
  if (wanted === 'builtin') return gateway?.type === 'BUILTIN';
  return gateway !== undefined && gateway.type !== 'BUILTIN';
}

/** The tag maps a filter looks in: every inbound's and the gateway's. */
function tagSets(dp: StoredResource<'Dataplane'>): readonly Readonly<Record<string, string>>[] {
  const { inbound = [], gateway } = dp.spec.networking;
  return [...inbound.map((i) => i.tags ?? {}), ...(gateway ? [gateway.tags ?? {}] : [])];
}
