// The action of one gateway route (docs/gateway.md §2.9): forward to weighted clusters, redirect, or
// answer directly. Each builder returns the fields to spread into the Route, because Envoy puts
// the three actions in one oneof (`route`, `redirect`, `direct_response`).
import type * as ir from '../../ir/gateway.js';
import type { RoutePolicies } from '../../ir/policies.js';
import { durationOf, durationOfMillis } from '../envoy/duration.js';
import { buildRetryPolicy } from './retry-policy.js';

/** Request header carrying the gateway dataplane's tags to mesh upstreams. */
export const KUMA_TAGS_HEADER = 'x-kuma-tags';

/**
 * Route idle timeout; fixed, never from a policy (docs/gateway.md §2.16). One frozen object shared by every route:
 * built resources are never mutated, and a table of 20,000 routes need not build 20,000 copies.
 */
const ROUTE_IDLE_TIMEOUT = Object.freeze(durationOf(5));

/** A missing cluster (`kuma.io/unresolved-backend`) answers 500 rather than Envoy's 503. */
const CLUSTER_NOT_FOUND_RESPONSE_CODE = 'INTERNAL_SERVER_ERROR';

/** Regex that matches a whole path, so that a substitution replaces all of it. */
const WHOLE_PATH_REGEX = '.*';

const REDIRECT_RESPONSE_CODE: Readonly<Record<ir.RedirectAction['statusCode'], string>> = {
  301: 'MOVED_PERMANENTLY',
  302: 'FOUND',
  303: 'SEE_OTHER',
  307: 'TEMPORARY_REDIRECT',
  308: 'PERMANENT_REDIRECT',
};

/**
 * The `x-kuma-tags` value: keys in ascending order, each written as `&key=value&`, concatenated
 * (`&kuma.io/service=edge&&kuma.io/zone=east&`). Mesh sidecars parse exactly this format. A value
 * holding several comma-joined values has them sorted, as Kuma does for multi-valued tags.
 */
export function serialiseKumaTags(tags: ir.Tags): string {
  return Object.keys(tags)
    .sort()
    .map((key) => `&${key}=${(tags[key] ?? '').split(',').sort().join(',')}&`)
    .join('');
}

/**
 * A percentage as a FractionalPercent with the coarsest exact denominator: whole numbers per
 * hundred, hundredths per ten thousand, anything finer rounded per million (12.5 gives 1250 per
 * ten thousand, 0.001 gives 10 per million). Same floating-point tests as Kuma, so the same output.
 */
export function fractionOf(percentage: number): { numerator: number; denominator: string } {
  if (Number.isInteger(percentage)) return { numerator: percentage, denominator: 'HUNDRED' };
  const perTenThousand = percentage * 100;
  if (Number.isInteger(perTenThousand)) return { numerator: perTenThousand, denominator: 'TEN_THOUSAND' };
  return { numerator: Math.round(percentage * 10000), denominator: 'MILLION' };
}

/** A path rewrite: a full rewrite substitutes the whole path, a prefix rewrite the matched prefix. */
function buildPathRewrite(rewrite: ir.PathRewrite | undefined): object {
  if (!rewrite) return {};
  if (rewrite.kind === 'prefix') return { prefix_rewrite: rewrite.value };
  return { regex_rewrite: { pattern: { regex: WHOLE_PATH_REGEX }, substitution: rewrite.value } };
}

function buildClusterWeight(forward: ir.Forward, kumaTagsHeaders: readonly object[]): object {
  const weight = { value: forward.weight };
  return forward.meshCluster ? { name: forward.cluster, weight, request_headers_to_add: kumaTagsHeaders } : { name: forward.cluster, weight };
}

/**
 * The `request_headers_to_add` of a mesh cluster item: `x-kuma-tags` with the serialised proxy
 * tags. It is the same for every route of a table, so a table builds it once and its routes share
 * it (frozen: built resources are never mutated), instead of sorting the tags once per route.
 */
export function buildKumaTagsHeaders(proxyTags: ir.Tags): readonly object[] {
  const header = Object.freeze({ key: KUMA_TAGS_HEADER, value: serialiseKumaTags(proxyTags) });
  return Object.freeze([Object.freeze({ header })]);
}

/**
 * Host rewriting. Envoy has one oneof for it; when the IR asks for both, the rewrite filter's
 * `hostToBackendHostname` wins over a Host `set`, as in Kuma, where it is configured last.
 */
function buildHostRewrite(action: ir.ForwardAction): object {
  if (action.autoHostRewrite) return { auto_host_rewrite: { value: true } };
  if (action.hostRewriteLiteral !== undefined) return { host_rewrite_literal: action.hostRewriteLiteral };
  return {};
}

function buildMirror(mirror: ir.ForwardAction['mirror']): object {
  if (!mirror || mirror.percentage <= 0) return {};
  return {
    request_mirror_policies: [{ cluster: mirror.cluster, runtime_fraction: { default_value: fractionOf(mirror.percentage) } }],
  };
}

/**
 * Route fields of the route-level policies (docs/gateway.md §2.16): `timeout` from a Timeout's request
 * timeout and `retry_policy` from a Retry, each left out when none applies.
 */
export function buildRoutePolicies(policies: RoutePolicies | undefined): object {
  if (!policies) return {};
  return {
    ...(policies.timeoutMs !== undefined ? { timeout: durationOfMillis(policies.timeoutMs) } : {}),
    ...(policies.retry ? { retry_policy: buildRetryPolicy(policies.retry) } : {}),
  };
}

/** No path rewrite, no host rewrite, no mirror and no policies: the optional builders add nothing. */
function isPlainForward(action: ir.ForwardAction): boolean {
  return (
    !action.policies &&
    !action.rewritePath &&
    !action.autoHostRewrite &&
    action.hostRewriteLiteral === undefined &&
    (!action.mirror || action.mirror.percentage <= 0)
  );
}

/**
 * `route`: weighted clusters (always, even for one) plus rewrites, mirror and fixed timeouts.
 * `kumaTagsHeaders` comes from buildKumaTagsHeaders, once per route table rather than per route.
 */
export function buildForwardAction(action: ir.ForwardAction, kumaTagsHeaders: readonly object[]): { route: object } {
  const weightedClusters = { clusters: action.forwards.map((f) => buildClusterWeight(f, kumaTagsHeaders)) };
  // A plain forward, the common case, without the spreads of the optional parts below, which cost
  // more than the rest of the route; same fields in the same order.
  if (isPlainForward(action)) {
    return {
      route: {
        weighted_clusters: weightedClusters,
        cluster_not_found_response_code: CLUSTER_NOT_FOUND_RESPONSE_CODE,
        idle_timeout: ROUTE_IDLE_TIMEOUT,
      },
    };
  }
  return {
    route: {
      weighted_clusters: weightedClusters,
      cluster_not_found_response_code: CLUSTER_NOT_FOUND_RESPONSE_CODE,
      ...buildPathRewrite(action.rewritePath),
      ...buildHostRewrite(action),
      ...buildRoutePolicies(action.policies),
      idle_timeout: ROUTE_IDLE_TIMEOUT,
      ...buildMirror(action.mirror),
    },
  };
}

/** `redirect`: always strips the query; `port_redirect` only when a port is given [D2]. */
export function buildRedirectAction(action: ir.RedirectAction): { redirect: object } {
  return {
    redirect: {
      ...(action.scheme !== undefined ? { scheme_redirect: action.scheme } : {}),
      ...(action.hostname !== undefined ? { host_redirect: action.hostname } : {}),
      ...(action.port !== undefined ? { port_redirect: action.port } : {}),
      ...buildPathRewrite(action.rewritePath),
      response_code: REDIRECT_RESPONSE_CODE[action.statusCode],
      strip_query: true,
    },
  };
}

/** `direct_response` with an inline body (the 404 of an empty virtual host). */
export function buildDirectResponseAction(action: ir.DirectResponseAction): { direct_response: object } {
  return {
    direct_response: {
      status: action.status,
      ...(action.body !== '' ? { body: { inline_string: action.body } } : {}),
    },
  };
}

/** The action fields of a route, by kind; `kumaTagsHeaders` as for buildForwardAction. */
export function buildRouteAction(action: ir.Route['action'], kumaTagsHeaders: readonly object[]): object {
  switch (action.kind) {
    case 'forward':
      return buildForwardAction(action, kumaTagsHeaders);
    case 'redirect':
      return buildRedirectAction(action);
    case 'direct':
      return buildDirectResponseAction(action);
  }
}
