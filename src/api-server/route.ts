// A REST route as data: method, path pattern and who may call it. The router builds its whole
// table from these (resource routes, its own, and the runtime's extra routes) and checks the
// access level before any handler runs, so a route cannot exist without one (docs/api-auth.md).
import type { ApiResponse } from './problem.js';
import type { ApiRequest } from './resources.js';

/**
 * Who may call a route:
 * - `public`: anyone, without credentials (the index and readiness only);
 * - `authenticated`: any authenticated user (group `mesh-system:authenticated`);
 * - `admin`: members of `mesh-system:admin` (writes, secret data, private config, tokens).
 */
export type Access = 'public' | 'authenticated' | 'admin';

/** Every access level, weakest first. */
export const ACCESS_LEVELS: readonly Access[] = ['public', 'authenticated', 'admin'];

/** A route of the REST API. */
export interface Route {
  readonly method: string;
  /** Path pattern: literal segments and `{param}` segments, each matching one non-empty segment. */
  readonly path: string;
  readonly access: Access;
  /** A write of the resource API: refused in read-only (Kubernetes) mode. */
  readonly resourceWrite?: boolean;
  /** Handles a request whose access was already checked; `params` holds the decoded `{param}`s. */
  readonly handler: (request: ApiRequest, params: Readonly<Record<string, string>>) => Promise<ApiResponse>;
}

/** What the route table shows of a route (for tests, docs and audits). */
export interface RouteSummary {
  readonly method: string;
  readonly path: string;
  readonly access: Access;
}

/** The decoded `{param}` values when `segments` (decoded) match `pattern`, else undefined. */
export function matchPattern(pattern: string, segments: readonly string[]): Record<string, string> | undefined {
  const want = patternSegments(pattern);
  if (want.length !== segments.length) return undefined;
  const params: Record<string, string> = {};
  for (const [i, w] of want.entries()) {
    const got = segments[i] ?? '';
    const param = /^\{(\w+)\}$/.exec(w)?.[1];
    if (param !== undefined) {
      if (got === '') return undefined;
      params[param] = got;
    } else if (w !== got) return undefined;
  }
  return params;
}

/** The non-empty segments of a pattern (`/` has none). */
function patternSegments(pattern: string): string[] {
  return pattern.split('/').filter((s) => s !== '');
}
