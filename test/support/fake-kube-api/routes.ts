// URL → what is being addressed. Paths follow the real layout:
//   /api/v1/<plural>[/<name>[/<sub>]]                         cluster-scoped, or all namespaces
//   /api/v1/namespaces/<ns>/<plural>[/<name>[/<sub>]]         namespaced
//   /apis/<group>/<version>/... the same shapes
// plus the Namespace object itself at /api/v1/namespaces/<name>[/status].
import type { Obj } from './json.js';
import type { ResourceRegistry, ResourceType } from './resource-types.js';
import type { Verb } from './faults.js';
import { methodNotAllowed, unknownResource } from './status-errors.js';

/** A request for objects of one resource type. */
export interface ResourceRoute {
  readonly kind: 'resource';
  readonly type: ResourceType;
  /** The namespace from the path; undefined for cluster-scoped types and all-namespace lists. */
  readonly namespace: string | undefined;
  readonly name: string | undefined;
  readonly subresource: 'status' | undefined;
}

/** A discovery document or health endpoint answered as-is. */
export interface StaticRoute {
  readonly kind: 'static';
  readonly body: Obj | string;
}

/** Parses the path; throws 404 for anything the fake does not serve. */
export function parseRoute(registry: ResourceRegistry, pathname: string, serverAddress: string): ResourceRoute | StaticRoute {
  const segments = pathname.split('/').filter((s) => s.length > 0).map(decodeURIComponent);
  const [root, a, b, ...rest] = segments;
  if (segments.length === 1 && (root === 'healthz' || root === 'livez' || root === 'readyz')) return { kind: 'static', body: 'ok' };
  if (segments.length === 1 && root === 'version') return { kind: 'static', body: { major: '1', minor: '30', gitVersion: 'v1.30.0-portico-fake', platform: 'linux/amd64' } };
  if (root === 'api') {
    if (a === undefined) return { kind: 'static', body: registry.apiVersions(serverAddress) };
    if (a !== 'v1') throw unknownResource();
    if (b === undefined) return { kind: 'static', body: registry.apiResourceList('', 'v1') };
    return resourceRoute(registry, '', 'v1', [b, ...rest]);
  }
  if (root === 'apis') {
    if (a === undefined) return { kind: 'static', body: registry.apiGroupList() };
    if (b === undefined) {
      const group = registry.apiGroup(a);
      if ((group['versions'] as unknown[]).length === 0) throw unknownResource();
      return { kind: 'static', body: group };
    }
    if (!registry.servesGroupVersion(a, b)) throw unknownResource();
    if (rest.length === 0) return { kind: 'static', body: registry.apiResourceList(a, b) };
    return resourceRoute(registry, a, b, rest);
  }
  throw unknownResource();
}

function resourceRoute(registry: ResourceRegistry, group: string, version: string, rest: readonly string[]): ResourceRoute {
  const namespaceItself = group === '' && rest[0] === 'namespaces' && (rest.length <= 2 || (rest.length === 3 && rest[2] === 'status'));
  const namespaced = rest[0] === 'namespaces' && !namespaceItself;
  const [namespace, plural, name, subresource, ...extra] = namespaced ? rest.slice(1) : [undefined, ...rest];
  const type = plural === undefined ? undefined : registry.byPlural(group, version, plural);
  if (!type || extra.length > 0 || (namespaced && !type.namespaced)) throw unknownResource();
  if (type.namespaced && !namespaced && name !== undefined) throw unknownResource();
  if (subresource !== undefined && !(subresource === 'status' && type.statusSubresource)) throw unknownResource();
  return { kind: 'resource', type, namespace, name, subresource: subresource === 'status' ? 'status' : undefined };
}

const isWatch = (query: URLSearchParams): boolean => query.get('watch') === 'true' || query.get('watch') === '1';

/** The Kubernetes verb for a method on a route; 405 for combinations the real server rejects. */
export function verbOf(method: string, route: ResourceRoute | StaticRoute, query: URLSearchParams): Verb {
  if (route.kind === 'static') return method === 'GET' ? 'discovery' : 'other';
  const named = route.name !== undefined;
  const verb: Verb | undefined = {
    GET: isWatch(query) ? 'watch' : named ? 'get' : 'list',
    POST: named ? undefined : 'create',
    PUT: named ? 'update' : undefined,
    PATCH: named ? 'patch' : undefined,
    DELETE: named ? 'delete' : 'deletecollection',
  }[method] as Verb | undefined;
  const allowed = verb !== undefined && (route.type.verbs.includes(verb) || (verb === 'watch' && named));
  const statusVerb = route.subresource === undefined || verb === 'get' || verb === 'update' || verb === 'patch';
  const allNamespacesWrite = route.type.namespaced && route.namespace === undefined && verb !== 'list' && verb !== 'watch';
  if (!allowed || !statusVerb || allNamespacesWrite) throw methodNotAllowed();
  return verb;
}
