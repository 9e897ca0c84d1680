// The last step of a proxy's translation: its ProxyTemplate (docs/policies.md "ProxyTemplate")
// applied to the final Envoy resources, before they are encoded. Pure and deterministic: the
// template's raw resources are added, then its modifications run one by one in template order,
// each over the resources as the previous one left them, and every list comes out sorted by name.
// Resources carry an origin (inbound, outbound, gateway, ...; `originOf`) that modifications match
// on, as Kuma's do. A modification that cannot be applied (a filter patch whose typed config is of
// another type) fails the whole step: the proxy then keeps its last good configuration.
import type { ProxyTemplatePlan, TemplateMatch, TemplateModification } from '../../ir/proxy-template.js';
import type { Tags } from '../../ir/gateway.js';
import { mergeMessage } from '../envoy/proto-merge.js';
import { RESOURCE_TYPE_NAME } from '../envoy/type-urls.js';
import { HTTP_CONNECTION_MANAGER_FILTER_NAME, HTTP_CONNECTION_MANAGER_TYPE_NAME } from './http-connection-manager.js';
import type { EnvoyResources, NamedResource } from './translate.js';

/** Origin of the resources a modification adds (Kuma's `proxy-template-modifications`). */
export const ORIGIN_MODIFICATIONS = 'proxy-template-modifications';
/** Origin of a template's raw resources (Kuma's `proxy-template-raw`). */
export const ORIGIN_RAW = 'proxy-template-raw';

/** One resource list of EnvoyResources. */
export type ResourceListName = keyof EnvoyResources;

/** The origin of a generated resource. */
export type OriginOf = (list: ResourceListName, name: string) => string;

/** The template applied, or why it cannot be. */
export type TemplateResult = { readonly ok: true; readonly resources: EnvoyResources } | { readonly ok: false; readonly message: string };

type Json = Record<string, unknown>;

/** A resource being modified: a private deep copy, so the generated objects stay untouched. */
interface Entry {
  name: string;
  origin: string;
  resource: Json;
}

type WorkingSet = Record<ResourceListName, Entry[]>;

const LIST_OF_TYPE: Readonly<Record<string, ResourceListName>> = {
  [RESOURCE_TYPE_NAME.cluster]: 'clusters',
  [RESOURCE_TYPE_NAME.clusterLoadAssignment]: 'endpoints',
  [RESOURCE_TYPE_NAME.listener]: 'listeners',
  [RESOURCE_TYPE_NAME.routeConfiguration]: 'routes',
  [RESOURCE_TYPE_NAME.runtime]: 'runtimes',
  [RESOURCE_TYPE_NAME.secret]: 'secrets',
};

const LISTS: readonly ResourceListName[] = ['clusters', 'endpoints', 'listeners', 'routes', 'runtimes', 'secrets'];

class TemplateProblem extends Error {}

/** `resources` finished with `plan`; generated resources get their origin from `originOf`. */
export function applyProxyTemplate(resources: EnvoyResources, plan: ProxyTemplatePlan, originOf: OriginOf): TemplateResult {
  const set = {} as WorkingSet;
  for (const list of LISTS) {
    set[list] = plan.keepsGenerated ? resources[list].map((r) => ({ name: r.name, origin: originOf(list, r.name), resource: structuredClone(r.resource) as Json })) : [];
  }
  for (const raw of plan.resources) upsert(set[LIST_OF_TYPE[raw.typeName]!], { name: raw.name, origin: ORIGIN_RAW, resource: structuredClone(raw.resource) as Json });
  for (const [i, m] of plan.modifications.entries()) {
    try {
      applyModification(set, m);
    } catch (err) {
      if (!(err instanceof TemplateProblem)) throw err;
      return { ok: false, message: `ProxyTemplate ${plan.source}: conf.modifications[${i}].${m.kind} (${m.operation}) cannot be applied: ${err.message}` };
    }
  }
  const out = {} as Record<ResourceListName, NamedResource[]>;
  for (const list of LISTS) out[list] = set[list].map((e) => ({ name: e.name, resource: e.resource })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { ok: true, resources: out };
}

/** Adds `entry`, replacing a resource of the same name (Kuma's ResourceSet.Add). */
function upsert(list: Entry[], entry: Entry): void {
  const at = list.findIndex((e) => e.name === entry.name);
  if (at === -1) list.push(entry);
  else list[at] = entry;
}

function applyModification(set: WorkingSet, m: TemplateModification): void {
  switch (m.kind) {
    case 'cluster':
      return modifyResources(set.clusters, m, RESOURCE_TYPE_NAME.cluster, (e) => namedLike(e, m.match));
    case 'listener':
      return modifyResources(set.listeners, m, RESOURCE_TYPE_NAME.listener, (e) => namedLike(e, m.match) && tagsMatch(m.match.tags, e.resource));
    case 'networkFilter':
      return forListeners(set, m.match, (listener) => forChains(listener, (chain) => modifyFilters(chain, 'filters', m, 'envoy.config.listener.v3.Filter')));
    case 'httpFilter':
      return forListeners(set, m.match, (listener) =>
        forChains(listener, (chain) => forConnectionManagers(chain, (hcm) => modifyFilters(hcm, 'http_filters', m, 'envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter'))),
      );
    case 'virtualHost':
      return modifyVirtualHosts(set, m);
  }
}

/** Name and origin, when the match names them. */
function namedLike(e: Entry, match: TemplateMatch): boolean {
  return (match.name === undefined || match.name === '' || match.name === e.name) && originMatches(match, e);
}

function originMatches(match: TemplateMatch, e: Entry): boolean {
  return match.origin === undefined || match.origin === '' || match.origin === e.origin;
}

/** Cluster and listener add, patch and remove. */
function modifyResources(list: Entry[], m: TemplateModification, typeName: string, matches: (e: Entry) => boolean): void {
  if (m.operation === 'add') {
    const resource = structuredClone(m.value) as Json;
    upsert(list, { name: String(resource['name'] ?? ''), origin: ORIGIN_MODIFICATIONS, resource });
  } else if (m.operation === 'remove') {
    const kept = list.filter((e) => !matches(e));
    list.splice(0, list.length, ...kept);
  } else {
    for (const e of list) {
      if (!matches(e)) continue;
      e.resource = mergeMessage(typeName, e.resource, structuredClone(m.value!));
      // A patch may rename the resource: the xDS name follows the resource's own.
      if (typeof e.resource['name'] === 'string') e.name = e.resource['name'];
    }
  }
}

/** `io.kuma.tags` of a listener's metadata as a tag map. */
function listenerTags(listener: Json): Tags {
  const fields = ((((listener['metadata'] as Json | undefined)?.['filter_metadata'] as Json | undefined)?.['io.kuma.tags'] as Json | undefined)?.['fields'] ?? {}) as Record<string, Json>;
  const tags: Record<string, string> = {};
  for (const [k, v] of Object.entries(fields)) if (typeof v['stringValue'] === 'string') tags[k] = v['stringValue'];
  return tags;
}

/** Every selector tag present with the same value, `*` accepting any (an absent selector matches all). */
function tagsMatch(selector: Tags | undefined, listener: Json): boolean {
  if (selector === undefined || Object.keys(selector).length === 0) return true;
  const tags = listenerTags(listener);
  return Object.entries(selector).every(([k, v]) => tags[k] !== undefined && (v === '*' || tags[k] === v));
}

/** Listeners a filter modification reaches: by listener name, origin and listener tags. */
function forListeners(set: WorkingSet, match: TemplateMatch, apply: (listener: Json) => void): void {
  for (const e of set.listeners) {
    if (match.listenerName !== undefined && match.listenerName !== '' && match.listenerName !== e.name) continue;
    if (!originMatches(match, e)) continue;
    if (!tagsMatch(match.listenerTags, e.resource)) continue;
    apply(e.resource);
  }
}

/** Every filter chain of a listener (Kuma applies filter modifications to all of them). */
function forChains(listener: Json, apply: (chain: Json) => void): void {
  for (const chain of (listener['filter_chains'] as Json[] | undefined) ?? []) apply(chain);
}

/** The HTTP connection managers of a filter chain, by their typed config. */
function forConnectionManagers(chain: Json, apply: (hcm: Json) => void): void {
  for (const filter of (chain['filters'] as Json[] | undefined) ?? []) {
    if (filter['name'] !== HTTP_CONNECTION_MANAGER_FILTER_NAME) continue;
    const config = filter['typed_config'] as Json | undefined;
    if (config?.['@type'] !== `type.googleapis.com/${HTTP_CONNECTION_MANAGER_TYPE_NAME}`) continue;
    apply(config);
  }
}

/** Network filters of a chain or HTTP filters of a connection manager. */
function modifyFilters(holder: Json, key: string, m: TemplateModification, typeName: string): void {
  const filters = ((holder[key] as Json[] | undefined) ?? []).slice();
  const name = m.match.name ?? '';
  const named = (f: Json) => name === '' || f['name'] === name;
  const value = () => structuredClone(m.value) as Json;
  const first = filters.findIndex((f) => f['name'] === name);
  switch (m.operation) {
    case 'addFirst':
      filters.unshift(value());
      break;
    case 'addLast':
      filters.push(value());
      break;
    case 'addBefore':
      if (first !== -1) filters.splice(first, 0, value());
      break;
    case 'addAfter':
      if (first !== -1) filters.splice(first + 1, 0, value());
      break;
    case 'remove':
      holder[key] = filters.filter((f) => !named(f));
      return;
    case 'patch':
      for (const [i, f] of filters.entries()) if (named(f)) filters[i] = patchedFilter(f, m.value!, typeName);
      break;
    default:
      throw new TemplateProblem(`invalid operation ${m.operation}`);
  }
  holder[key] = filters;
}

/**
 * A filter patch merges the typed configs (Kuma's MergeAnys); both must be of one type, since
 * fields of one message type mean nothing in another.
 */
function patchedFilter(filter: Json, patch: Readonly<Json>, typeName: string): Json {
  const config = patch['typed_config'] as Json | undefined;
  if (config === undefined) return filter;
  const current = filter['typed_config'] as Json | undefined;
  if (current !== undefined && current['@type'] !== config['@type']) {
    throw new TemplateProblem(`filter ${String(filter['name'])} has a typed config of type ${String(current['@type'])}, the patch one of ${String(config['@type'])}`);
  }
  return mergeMessage(typeName, filter, { typed_config: structuredClone(config) });
}

/** Virtual hosts of route configurations: RDS resources, and route tables inline in connection managers. */
function modifyVirtualHosts(set: WorkingSet, m: TemplateModification): void {
  const routeName = m.match.routeConfigurationName ?? '';
  const inRoute = (routeConfiguration: Json) => {
    if (routeName !== '' && routeConfiguration['name'] !== routeName) return;
    modifyHosts(routeConfiguration, m);
  };
  for (const e of set.routes) if (originMatches(m.match, e)) inRoute(e.resource);
  for (const e of set.listeners) {
    if (!originMatches(m.match, e)) continue;
    forChains(e.resource, (chain) =>
      forConnectionManagers(chain, (hcm) => {
        const inline = hcm['route_config'] as Json | undefined;
        if (inline) inRoute(inline);
      }),
    );
  }
}

function modifyHosts(routeConfiguration: Json, m: TemplateModification): void {
  const hosts = ((routeConfiguration['virtual_hosts'] as Json[] | undefined) ?? []).slice();
  const name = m.match.name ?? '';
  const named = (h: Json) => name === '' || h['name'] === name;
  if (m.operation === 'add') hosts.push(structuredClone(m.value) as Json);
  else if (m.operation === 'remove') return void (routeConfiguration['virtual_hosts'] = hosts.filter((h) => !named(h)));
  else for (const [i, h] of hosts.entries()) if (named(h)) hosts[i] = mergeMessage('envoy.config.route.v3.VirtualHost', h, structuredClone(m.value!));
  routeConfiguration['virtual_hosts'] = hosts;
}

/**
 * Origins of a BUILTIN gateway's resources: `gateway` for everything the gateway generation
 * builds (Kuma's origin for MeshGateway resources), `secrets` for its SDS secrets.
 */
export const gatewayOrigin: OriginOf = (list) => (list === 'secrets' ? 'secrets' : 'gateway');

/**
 * Origins of a sidecar's resources, as Kuma marks them: inbound listeners and the local clusters
 * they forward to are `inbound`; outbound listeners, their clusters and endpoints `outbound`
 * (a DELEGATED gateway's outbounds included); SDS secrets `secrets`.
 */
export const sidecarOrigin: OriginOf = (list, name) => {
  if (list === 'secrets') return 'secrets';
  if (list === 'listeners') return name.startsWith('inbound:') ? 'inbound' : 'outbound';
  if (list === 'clusters') return name.startsWith('localhost:') ? 'inbound' : 'outbound';
  return 'outbound';
};
