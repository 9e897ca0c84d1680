// Semantic checks of a decoded MeshGatewayRoute, with the exact fields and messages of
// docs/gateway.md §4.3, including Kuma's quirks kept on purpose: path violations sit at
// `matches[j].value`, and filter indices skip host-rewrite filters. Regexes Envoy's RE2 would
// refuse are Portico's own check (docs/regex.md) and sit at their real path (`path.value`).

import { fieldPath, indexPath } from './field-path.js';
import type {
  Backend,
  HeaderFilter,
  HttpFilter,
  HttpMatch,
  HttpRule,
  MeshGatewayRouteSpec,
  TcpRule,
} from './mesh-gateway-route.js';
import { PORT_RANGE_MESSAGE } from './port-range.js';
import { validateRegex } from './regex.js';
import { validateSelectors, validateTagSet } from './tag-validation.js';
import type { Violation } from './violation.js';

/** Every violation of a decoded MeshGatewayRoute spec, in document order. */
export function validateMeshGatewayRoute(spec: MeshGatewayRouteSpec): Violation[] {
  const { http, tcp } = spec.conf;
  const out = validateSelectors(spec.selectors, 'selectors');
  if (http === undefined && tcp === undefined) out.push({ field: 'conf', message: 'cannot be empty' });
  if (http !== undefined) out.push(...validateHttpRules(http.rules, 'conf.http.rules'));
  if (tcp !== undefined) out.push(...validateTcpRules(tcp.rules, 'conf.tcp.rules'));
  return out;
}

// TCP rules get only the structural checks (docs/gateway.md §4.3, last bullet).
function validateTcpRules(rules: readonly TcpRule[], path: string): Violation[] {
  if (rules.length === 0) return [{ field: path, message: 'cannot be empty' }];
  return rules.flatMap((r, i) =>
    r.backends.length === 0 ? [{ field: fieldPath(indexPath(path, i), 'backends'), message: 'cannot be empty' }] : [],
  );
}

function validateHttpRules(rules: readonly HttpRule[], path: string): Violation[] {
  if (rules.length === 0) return [{ field: path, message: 'cannot be empty' }];
  return rules.flatMap((r, i) => validateHttpRule(r, indexPath(path, i)));
}

/** Facts about a rule that individual filter checks depend on. */
interface RuleContext {
  readonly hostRewrite: boolean;
  readonly prefixMatch: boolean;
}

function setsHostRewrite(f: HttpFilter): boolean {
  return f.rewrite?.hostToBackendHostname === true;
}

function validateHttpRule(rule: HttpRule, path: string): Violation[] {
  const out: Violation[] = [];
  const matchesPath = fieldPath(path, 'matches');
  if (rule.matches.length === 0) out.push({ field: matchesPath, message: 'cannot be empty' });
  rule.matches.forEach((m, j) => out.push(...validateMatch(m, indexPath(matchesPath, j))));
  const ctx: RuleContext = {
    hostRewrite: rule.filters.some(setsHostRewrite),
    prefixMatch: rule.matches.some((m) => m.path?.match === 'PREFIX'),
  };
  // Kuma leaves host-rewrite filters out of the per-filter checks and numbers the rest densely.
  const checked = rule.filters.filter((f) => !setsHostRewrite(f));
  checked.forEach((f, k) => out.push(...validateFilter(f, indexPath(fieldPath(path, 'filters'), k), ctx)));
  out.push(...validateRuleBackends(rule, path));
  return out;
}

function validateRuleBackends(rule: HttpRule, path: string): Violation[] {
  const redirects = rule.filters.filter((f) => f.redirect !== undefined).length;
  const backendsPath = fieldPath(path, 'backends');
  if (redirects > 0 && rule.filters.length > 1) {
    return [{ field: fieldPath(path, 'filters'), message: 'redirects cannot be used with other filters' }];
  }
  if (redirects > 0) {
    return rule.backends.length > 0 ? [{ field: backendsPath, message: 'must be empty when using redirect filters' }] : [];
  }
  if (rule.backends.length === 0) return [{ field: backendsPath, message: 'cannot be empty' }];
  return rule.backends.flatMap((b, k) => validateBackend(b, indexPath(backendsPath, k)));
}

// Kuma validates a destination at the backend's own path, so its tag violations sit there too.
function validateBackend(backend: Backend, path: string): Violation[] {
  return validateTagSet(backend.destination, path, { values: 'any', nonEmpty: true, requireService: true });
}

function validateMatch(m: HttpMatch, path: string): Violation[] {
  const anyMethod = m.method === undefined || m.method === 'NONE';
  if (m.path === undefined && anyMethod && m.headers.length === 0 && m.queryParameters.length === 0) {
    return [{ field: path, message: 'cannot be empty' }];
  }
  const out: Violation[] = [];
  if (m.path !== undefined) {
    const at = fieldPath(path, 'value');
    if (m.path.match === 'REGEX') {
      if (m.path.value === '') out.push({ field: at, message: 'cannot be empty' });
      out.push(...validateRegex(m.path.value, fieldPath(path, 'path.value')));
    } else if (!m.path.value.startsWith('/')) out.push({ field: at, message: 'must be an absolute path' });
  }
  m.headers.forEach((h, k) => {
    const at = indexPath(fieldPath(path, 'headers'), k);
    if (h.name === '') out.push({ field: fieldPath(at, 'name'), message: 'cannot be empty' });
    const presence = h.match === 'PRESENT' || h.match === 'ABSENT';
    if (presence && h.value !== '') out.push({ field: fieldPath(at, 'value'), message: 'cannot be set' });
    if (!presence && h.value === '') out.push({ field: fieldPath(at, 'value'), message: 'cannot be empty' });
    if (h.match === 'REGEX') out.push(...validateRegex(h.value, fieldPath(at, 'value')));
  });
  m.queryParameters.forEach((q, k) => {
    const at = indexPath(fieldPath(path, 'query_parameters'), k);
    if (q.name === '') out.push({ field: fieldPath(at, 'name'), message: 'cannot be empty' });
    if (q.value === '') out.push({ field: fieldPath(at, 'value'), message: 'cannot be empty' });
    if (q.match === 'REGEX') out.push(...validateRegex(q.value, fieldPath(at, 'value')));
  });
  return out;
}

function validateFilter(f: HttpFilter, path: string, ctx: RuleContext): Violation[] {
  const out: Violation[] = [];
  if (f.requestHeader) out.push(...validateHeaderFilter(f.requestHeader, fieldPath(path, 'request_header'), ctx.hostRewrite));
  if (f.responseHeader) out.push(...validateHeaderFilter(f.responseHeader, fieldPath(path, 'response_header'), false));
  if (f.mirror) out.push(...validateMirror(f.mirror, fieldPath(path, 'mirror')));
  if (f.redirect) out.push(...validateRedirect(f.redirect, fieldPath(path, 'redirect')));
  if (f.rewrite?.replacePrefixMatch !== undefined && !ctx.prefixMatch) {
    out.push({
      field: fieldPath(path, 'rewrite.replacePrefixMatch'),
      message: 'cannot be used without a match on path prefix',
    });
  }
  return out;
}

// Envoy's auto_host_rewrite owns the Host header; a filter touching it would fight it.
const HOST_HEADERS: ReadonlySet<string> = new Set(['Host', 'host', ':authority']);

function validateHeaderFilter(h: HeaderFilter, path: string, hostRewrite: boolean): Violation[] {
  if (h.set.length === 0 && h.add.length === 0 && h.remove.length === 0) return [{ field: path, message: 'cannot be empty' }];
  const out: Violation[] = [];
  for (const list of ['set', 'add'] as const) {
    h[list].forEach((entry, k) => {
      const at = indexPath(fieldPath(path, list), k);
      if (entry.name === '') out.push({ field: fieldPath(at, 'name'), message: 'cannot be empty' });
      if (entry.value === '') out.push({ field: fieldPath(at, 'value'), message: 'cannot be empty' });
      if (hostRewrite && HOST_HEADERS.has(entry.name)) {
        out.push({
          field: at,
          message: `cannot modify '${entry.name}' header, when route has set 'rewrite.host_to_backend_hostname' option`,
        });
      }
    });
  }
  h.remove.forEach((name, k) => {
    if (name === '') out.push({ field: indexPath(fieldPath(path, 'remove'), k), message: 'cannot be empty' });
  });
  return out;
}

function validateMirror(mirror: NonNullable<HttpFilter['mirror']>, path: string): Violation[] {
  const out: Violation[] = [];
  const percentage = fieldPath(path, 'percentage');
  if (mirror.percentage === undefined) out.push({ field: percentage, message: 'cannot be empty' });
  else if (mirror.percentage < 0 || mirror.percentage > 100) {
    out.push({ field: percentage, message: 'has to be in [0.0 - 100.0] range' });
  }
  const backend = fieldPath(path, 'backend');
  if (mirror.backend === undefined) out.push({ field: backend, message: 'cannot be empty' });
  else out.push(...validateBackend(mirror.backend, backend));
  return out;
}

// 300, 304, 305 and 306 are not redirects Envoy can send (docs/gateway.md D9).
const NON_REDIRECT_CODES: ReadonlySet<number> = new Set([300, 304, 305, 306]);

function validateRedirect(redirect: NonNullable<HttpFilter['redirect']>, path: string): Violation[] {
  const out: Violation[] = [];
  const port = redirect.port ?? 0;
  if (port !== 0 && (port < 0 || port > 65_535)) out.push({ field: fieldPath(path, 'port'), message: PORT_RANGE_MESSAGE });
  const status = redirect.statusCode ?? 0;
  const at = fieldPath(path, 'status_code');
  if (status < 300 || status > 308) out.push({ field: at, message: 'must be in the range [300, 308]' });
  else if (NON_REDIRECT_CODES.has(status)) out.push({ field: at, message: 'must be one of 301, 302, 303, 307 or 308' });
  return out;
}
