// RouteMatch of one gateway route (docs/gateway.md §2.9, match table). The IR already holds the
// conditions in Envoy order (`:method`, exact, regex, present, absent; query exact then regex),
// and that order is kept as is.
import type * as ir from '../../ir/gateway.js';

function buildPath(path: ir.PathMatch): object {
  switch (path.kind) {
    case 'exact':
      return { path: path.value };
    case 'prefix':
      return { prefix: path.value };
    case 'regex':
      return { safe_regex: { regex: path.value } };
  }
}

/** One `HeaderMatcher`; an absent header is `present_match: false`, which Envoy reads as "absent". */
export function buildHeaderMatcher(header: ir.HeaderMatch): object {
  switch (header.kind) {
    case 'exact':
      return { name: header.name, string_match: { exact: header.value } };
    case 'regex':
      return { name: header.name, string_match: { safe_regex: { regex: header.value } } };
    case 'present':
      return { name: header.name, present_match: true };
    case 'absent':
      return { name: header.name, present_match: false };
  }
}

/** One `QueryParameterMatcher`. */
export function buildQueryParameterMatcher(query: ir.QueryMatch): object {
  const stringMatch = query.kind === 'exact' ? { exact: query.value } : { safe_regex: { regex: query.value } };
  return { name: query.name, string_match: stringMatch };
}

/** The `match` of a route; empty header and query lists are left out. */
export function buildRouteMatch(match: ir.RouteMatch): object {
  // The path alone, the common case, without spreading it into a second object.
  if (match.headers.length === 0 && match.queryParameters.length === 0) return buildPath(match.path);
  return {
    ...buildPath(match.path),
    ...(match.headers.length > 0 ? { headers: match.headers.map(buildHeaderMatcher) } : {}),
    ...(match.queryParameters.length > 0 ? { query_parameters: match.queryParameters.map(buildQueryParameterMatcher) } : {}),
  };
}
