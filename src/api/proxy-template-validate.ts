// Semantic checks of a decoded ProxyTemplate with Kuma's fields and messages: selectors as for
// every dataplane policy (each needs `kuma.io/service`), known profiles, complete raw resources,
// and per modification the operations its kind allows, the match fields an operation needs or
// forbids, and a `value` that decodes as the Envoy type of its kind (proxy-template-values.ts).
import { fieldPath, indexPath } from './field-path.js';
import { MODIFICATION_KINDS, type ModificationKind, type ProxyTemplateConf, type ProxyTemplateModification, type ProxyTemplateSpec, type ResourceModification } from './proxy-template.js';
import { envoyValue, MODIFICATION_VALUE_TYPE, rawResourceValue } from './proxy-template-values.js';
import { validateSelectors } from './tag-validation.js';
import type { Violation } from './violation.js';

/** Profiles a template may import. Portico generates one configuration per proxy type; see docs/policies.md. */
export const PROXY_TEMPLATE_PROFILES: readonly string[] = ['default-proxy', 'egress-proxy', 'gateway-proxy', 'ingress-proxy'];

/** Operations of clusters, listeners and virtual hosts. */
export const RESOURCE_OPERATIONS: readonly string[] = ['add', 'patch', 'remove'];
/** Operations of network and HTTP filters. */
export const FILTER_OPERATIONS: readonly string[] = ['addFirst', 'addLast', 'addBefore', 'addAfter', 'patch', 'remove'];

/** The operations a modification kind allows. */
export function operationsOf(kind: ModificationKind): readonly string[] {
  return kind === 'networkFilter' || kind === 'httpFilter' ? FILTER_OPERATIONS : RESOURCE_OPERATIONS;
}

/** Every violation of a decoded ProxyTemplate spec, in document order. */
export function validateProxyTemplate(spec: ProxyTemplateSpec): Violation[] {
  return [...validateSelectors(spec.selectors, 'selectors'), ...(spec.conf ? validateConf(spec.conf, 'conf') : [])];
}

function validateConf(conf: ProxyTemplateConf, path: string): Violation[] {
  const out: Violation[] = [];
  conf.imports.forEach((profile, i) => {
    const at = indexPath(fieldPath(path, 'imports'), i);
    if (profile === '') out.push({ field: at, message: 'cannot be empty' });
    else if (!PROXY_TEMPLATE_PROFILES.includes(profile)) out.push({ field: at, message: `profile not found. Available profiles: ${PROXY_TEMPLATE_PROFILES.join(',')}` });
  });
  conf.resources.forEach((resource, i) => {
    const at = indexPath(fieldPath(path, 'resources'), i);
    if (resource.name === '') out.push({ field: fieldPath(at, 'name'), message: 'cannot be empty' });
    if (resource.version === '') out.push({ field: fieldPath(at, 'version'), message: 'cannot be empty' });
    if (resource.resource === '') out.push({ field: fieldPath(at, 'resource'), message: 'cannot be empty' });
    else {
      const decoded = rawResourceValue(resource.resource);
      if (!decoded.ok) out.push({ field: fieldPath(at, 'resource'), message: notValid(decoded.message) });
    }
  });
  conf.modifications.forEach((m, i) => out.push(...validateModification(m, indexPath(fieldPath(path, 'modifications'), i))));
  return out;
}

/** The kind a modification sets and its body, or undefined when it sets none. */
export function modificationBody(m: ProxyTemplateModification): [ModificationKind, ResourceModification<Record<string, unknown>>] | undefined {
  for (const kind of MODIFICATION_KINDS) {
    const body = m[kind];
    if (body) return [kind, body as ResourceModification<Record<string, unknown>>];
  }
  return undefined;
}

function validateModification(m: ProxyTemplateModification, path: string): Violation[] {
  const found = modificationBody(m);
  if (!found) return [];
  const [kind, body] = found;
  const at = fieldPath(path, kind);
  const out: Violation[] = [];
  const operations = operationsOf(kind);
  if (!operations.includes(body.operation)) {
    return [{ field: fieldPath(at, 'operation'), message: `invalid operation. Available operations: ${operations.map((o) => JSON.stringify(o)).join(', ')}` }];
  }
  out.push(...matchViolations(kind, body, at));
  if (body.operation !== 'remove') out.push(...valueViolations(kind, body, at));
  return out;
}

/** Match fields an operation requires or forbids (Kuma's rules). */
function matchViolations(kind: ModificationKind, body: ResourceModification<Record<string, unknown>>, at: string): Violation[] {
  const { operation, match } = body;
  if (operation === 'add' && (kind === 'cluster' || kind === 'listener') && match !== undefined) return [{ field: fieldPath(at, 'match'), message: 'cannot be defined' }];
  if (operation === 'add' && kind === 'virtualHost' && (match?.['name'] ?? '') !== '') return [{ field: fieldPath(at, 'match.name'), message: 'cannot be defined' }];
  if (kind !== 'networkFilter' && kind !== 'httpFilter') return [];
  const named = (match?.['name'] ?? '') !== '';
  if (named) return [];
  if (operation === 'addBefore') return [{ field: fieldPath(at, 'match.name'), message: 'cannot be empty. You need to pick a filter before which this one will be added' }];
  if (operation === 'addAfter') return [{ field: fieldPath(at, 'match.name'), message: 'cannot be empty. You need to pick a filter after which this one will be added' }];
  if (operation === 'patch') return [{ field: fieldPath(at, 'match.name'), message: 'cannot be empty' }];
  return [];
}

/** The value must decode as the kind's Envoy type; what is added must also carry a name. */
function valueViolations(kind: ModificationKind, body: ResourceModification<Record<string, unknown>>, at: string): Violation[] {
  const typeName = MODIFICATION_VALUE_TYPE[kind];
  const decoded = envoyValue(typeName, body.value);
  if (!decoded.ok) return [{ field: fieldPath(at, 'value'), message: notValid(decoded.message) }];
  const adds = body.operation !== 'patch';
  const name = decoded.value['name'];
  if (adds && (typeof name !== 'string' || name === '')) {
    return [{ field: fieldPath(at, 'value'), message: notValid(`invalid ${typeName.slice(typeName.lastIndexOf('.') + 1)}.Name: value length must be at least 1 runes`) }];
  }
  return [];
}

function notValid(reason: string): string {
  return `native Envoy resource is not valid: ${reason}`;
}
