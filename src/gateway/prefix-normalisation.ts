// Path-segment prefixes (docs/gateway.md §2.7 step 4). Envoy compares prefixes byte by byte, so
// `/api` would also match `/apix`; each prefix entry becomes `E/` plus, where needed, an exact
// copy on E, so that PREFIX means "whole path segments".
import type { ForwardAction, PathRewrite, RedirectAction } from '../ir/gateway.js';
import type { GatewayRoute } from './bind-routes.js';
import type { Entry } from './route-entries.js';

/** The EXACT paths users wrote in any rule of the host's routes (entries made here never count, D10). */
export function userExactPaths(routes: readonly GatewayRoute[]): Set<string> {
  const paths = new Set<string>();
  for (const route of routes) addUserExactPaths(route, paths);
  return paths;
}

/**
 * userExactPaths of one route, added to `paths`: a host reads them right after generating the
 * route's entries, while the route's rules are still in the processor's cache.
 */
export function addUserExactPaths(route: GatewayRoute, paths: Set<string>): void {
  for (const rule of route.spec.conf.http?.rules ?? []) {
    for (const m of rule.matches) if (m.path?.match === 'EXACT') paths.add(m.path.value);
  }
}

/** P without its trailing `/` characters. */
function trimTrailingSlashes(p: string): string {
  let end = p.length;
  while (end > 0 && p.charCodeAt(end - 1) === 0x2f) end--;
  return p.slice(0, end);
}

/**
 * Normalise every prefix entry, keeping generation order: each exact copy directly follows the
 * entry it was copied from. With E = prefix without trailing `/`: the entry's prefix becomes `E/`
 * and a prefix rewrite R (forward or redirect) becomes `R'/`; unless the user has an exact match
 * on E, an exact copy on E (`/` when E is empty) is added whose prefix rewrite becomes a full
 * rewrite to R' (`/` when empty), everything else kept, Host rewriting included [D5]. For the root
 * prefix the copy is made only when there is a prefix rewrite: a plain `/` prefix matches `/`.
 */
export function normalisePrefixes(entries: readonly Entry[], userExact: ReadonlySet<string>): Entry[] {
  const out: Entry[] = [];
  for (const entry of entries) {
    if (entry.path.kind !== 'prefix') {
      out.push(entry);
      continue;
    }
    const e = trimTrailingSlashes(entry.path.value);
    const prefixRewrite = entry.action.rewritePath?.kind === 'prefix' ? entry.action.rewritePath.value : undefined;
    const rTrimmed = prefixRewrite === undefined ? undefined : trimTrailingSlashes(prefixRewrite);
    out.push({
      ...entry,
      path: { kind: 'prefix', value: `${e}/` },
      action: rTrimmed === undefined ? entry.action : withRewrite(entry.action, { kind: 'prefix', value: `${rTrimmed}/` }),
    });
    const wantsCopy = e === '' ? rTrimmed !== undefined : !userExact.has(e);
    if (!wantsCopy) continue;
    out.push({
      ...entry,
      path: { kind: 'exact', value: e === '' ? '/' : e },
      action: rTrimmed === undefined ? entry.action : withRewrite(entry.action, { kind: 'full', value: rTrimmed === '' ? '/' : rTrimmed }),
    });
  }
  return out;
}

/** The action with its path rewrite replaced; every other field (Host rewriting too) kept. */
function withRewrite<A extends ForwardAction | RedirectAction>(action: A, rewritePath: PathRewrite): A {
  return { ...action, rewritePath };
}
