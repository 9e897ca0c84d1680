// The resource types the fake serves, declared as data: every behaviour that differs between
// types in the real API server (scope, status subresource, generation rules, what DELETE
// returns, which field selectors work) is a field here rather than a branch in the handlers.
import type { Obj } from './json.js';
import { isObj, str, child } from './json.js';
import type { GroupResource } from './status-errors.js';

/** When `metadata.generation` is bumped on an update (per the type's registry strategy). */
export type GenerationRule = 'none' | 'spec' | 'spec-and-annotations' | 'all-but-metadata';

/** How the fake treats one resource type. */
export interface ResourceType extends GroupResource {
  readonly version: string;
  readonly singular: string;
  readonly namespaced: boolean;
  readonly statusSubresource: boolean;
  /** Custom resources: no strategic merge patch, update needs a resourceVersion, list items keep kind. */
  readonly custom: boolean;
  readonly generation: GenerationRule;
  /** Pods, Services and ServiceAccounts answer DELETE with the object; others with a Success Status. */
  readonly deleteReturnsObject: boolean;
  /** Field selector labels beyond metadata.name and metadata.namespace. */
  readonly fieldLabels: readonly string[];
  readonly verbs: readonly string[];
  readonly shortNames: readonly string[];
  readonly categories: readonly string[];
  /** openAPIV3Schema of a custom resource, used for pruning, defaulting and basic validation. */
  readonly schema?: Obj;
  /** Create-only review types (TokenReview) that are answered but never stored. */
  readonly review?: boolean;
}

/** A CRD-like description, or a real apiextensions.k8s.io/v1 CustomResourceDefinition object. */
export interface CustomResourceDescription {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  readonly plural: string;
  readonly singular?: string;
  readonly scope: 'Namespaced' | 'Cluster';
  readonly subresources?: { readonly status?: object | boolean };
  readonly shortNames?: readonly string[];
  readonly categories?: readonly string[];
  readonly schema?: Obj;
}

const ALL_VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

function builtin(group: string, version: string, kind: string, plural: string, extra: Partial<ResourceType> = {}): ResourceType {
  return {
    group, version, kind, plural, singular: kind.toLowerCase(), namespaced: true, statusSubresource: false, custom: false,
    generation: 'none', deleteReturnsObject: false, fieldLabels: [], verbs: ALL_VERBS, shortNames: [], categories: [], ...extra,
  };
}

/** The built-in types, with the per-type facts of the real registry strategies. */
export const BUILTIN_TYPES: readonly ResourceType[] = [
  builtin('', 'v1', 'Namespace', 'namespaces', { namespaced: false, statusSubresource: true, shortNames: ['ns'], fieldLabels: ['status.phase'] }),
  builtin('', 'v1', 'Pod', 'pods', { statusSubresource: true, deleteReturnsObject: true, shortNames: ['po'], fieldLabels: ['spec.nodeName', 'spec.serviceAccountName', 'status.phase', 'status.podIP'] }),
  builtin('', 'v1', 'Service', 'services', { statusSubresource: true, deleteReturnsObject: true, shortNames: ['svc'] }),
  builtin('', 'v1', 'Secret', 'secrets', { fieldLabels: ['type'] }),
  builtin('', 'v1', 'ConfigMap', 'configmaps', { shortNames: ['cm'] }),
  builtin('', 'v1', 'ServiceAccount', 'serviceaccounts', { deleteReturnsObject: true, shortNames: ['sa'] }),
  builtin('', 'v1', 'Event', 'events', {
    shortNames: ['ev'],
    fieldLabels: ['involvedObject.kind', 'involvedObject.namespace', 'involvedObject.name', 'involvedObject.uid', 'involvedObject.apiVersion', 'involvedObject.resourceVersion', 'involvedObject.fieldPath', 'reason', 'reportingComponent', 'source', 'type'],
  }),
  builtin('apps', 'v1', 'Deployment', 'deployments', { statusSubresource: true, generation: 'spec-and-annotations', shortNames: ['deploy'], categories: ['all'] }),
  builtin('coordination.k8s.io', 'v1', 'Lease', 'leases'),
  builtin('authentication.k8s.io', 'v1', 'TokenReview', 'tokenreviews', { namespaced: false, verbs: ['create'], review: true }),
];

/** Converts a description or a real CRD object into a resource type. */
export function customResourceType(input: CustomResourceDescription | Obj): ResourceType {
  const d = isObj(input) && isObj(input['spec']) ? fromCrdObject(input) : (input as CustomResourceDescription);
  return {
    group: d.group, version: d.version, kind: d.kind, plural: d.plural, singular: d.singular ?? d.kind.toLowerCase(),
    namespaced: d.scope === 'Namespaced', statusSubresource: Boolean(d.subresources?.status), custom: true,
    generation: 'all-but-metadata', deleteReturnsObject: false, fieldLabels: [], verbs: ALL_VERBS,
    shortNames: d.shortNames ?? [], categories: d.categories ?? [], ...(d.schema ? { schema: d.schema } : {}),
  };
}

function fromCrdObject(crd: Obj): CustomResourceDescription {
  const spec = child(crd, 'spec') ?? {};
  const names = child(spec, 'names') ?? {};
  const versions = Array.isArray(spec['versions']) ? spec['versions'].filter(isObj) : [];
  const version = versions.find((v) => v['storage'] === true) ?? versions[0] ?? {};
  const schema = child(child(version, 'schema'), 'openAPIV3Schema');
  const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((s): s is string => typeof s === 'string') : []);
  return {
    group: str(spec, 'group'), version: str(version, 'name'), kind: str(names, 'kind'), plural: str(names, 'plural'),
    singular: str(names, 'singular') || str(names, 'kind').toLowerCase(), scope: str(spec, 'scope') === 'Cluster' ? 'Cluster' : 'Namespaced',
    subresources: { status: isObj(child(version, 'subresources')?.['status']) }, shortNames: strings(names['shortNames']),
    categories: strings(names['categories']), ...(schema ? { schema } : {}),
  };
}

/** `apps/v1`, or `v1` for the core group. */
export function apiVersionOf(type: ResourceType): string {
  return type.group ? `${type.group}/${type.version}` : type.version;
}

/** The set of types one server serves, with lookups and the discovery documents. */
export class ResourceRegistry {
  private readonly types: ResourceType[] = [...BUILTIN_TYPES];

  /** Adds (or replaces) a type; returns it. */
  register(type: ResourceType): ResourceType {
    const index = this.types.findIndex((t) => t.group === type.group && t.plural === type.plural);
    if (index >= 0) this.types.splice(index, 1, type);
    else this.types.push(type);
    return type;
  }

  /** The type served at `/<prefix>/<group>/<version>/<plural>`. */
  byPlural(group: string, version: string, plural: string): ResourceType | undefined {
    return this.types.find((t) => t.group === group && t.version === version && t.plural === plural);
  }

  /** The type with this apiVersion and kind (as objects name themselves). */
  byKind(apiVersion: string, kind: string): ResourceType | undefined {
    return this.types.find((t) => apiVersionOf(t) === apiVersion && t.kind === kind);
  }

  /** True when some type is served under this group and version. */
  servesGroupVersion(group: string, version: string): boolean {
    return this.types.some((t) => t.group === group && t.version === version);
  }

  /** `GET /api`. */
  apiVersions(serverAddress: string): Obj {
    return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }] };
  }

  /** `GET /apis`: every non-core group with its (single) version. */
  apiGroupList(): Obj {
    const groups = [...new Set(this.types.filter((t) => t.group).map((t) => t.group))].sort();
    return { kind: 'APIGroupList', apiVersion: 'v1', groups: groups.map((g) => this.apiGroup(g)) };
  }

  /** `GET /apis/<group>`. */
  apiGroup(group: string): Obj {
    const versions = [...new Set(this.types.filter((t) => t.group === group).map((t) => t.version))];
    const entries = versions.map((version) => ({ groupVersion: `${group}/${version}`, version }));
    return { kind: 'APIGroup', apiVersion: 'v1', name: group, versions: entries, preferredVersion: entries[0] };
  }

  /** `GET /api/v1` or `/apis/<group>/<version>`, with `<plural>/status` entries for the status subresource. */
  apiResourceList(group: string, version: string): Obj {
    const resources: Obj[] = [];
    for (const t of this.types.filter((x) => x.group === group && x.version === version)) {
      const entry: Obj = { name: t.plural, singularName: t.singular, namespaced: t.namespaced, kind: t.kind, verbs: t.verbs };
      if (t.shortNames.length > 0) entry['shortNames'] = t.shortNames;
      if (t.categories.length > 0) entry['categories'] = t.categories;
      resources.push(entry);
      if (t.statusSubresource) resources.push({ name: `${t.plural}/status`, singularName: '', namespaced: t.namespaced, kind: t.kind, verbs: ['get', 'patch', 'update'] });
    }
    return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: group ? `${group}/${version}` : version, resources };
  }
}
