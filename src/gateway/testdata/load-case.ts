// Test support for src/gateway: turns resources written in the universal form (`type`, `mesh`,
// `name` at the top, spec fields beside them) into normalised StoredResources and a GatewayInput.
// It fills only the empty defaults the normalised API shapes carry (tags `{}`, lists `[]`,
// hostname `''`, crossMesh false), so test inputs stay short; it validates nothing. The real
// parser (src/api) replaces it once available.
import type { Kind, StoredResource } from '../../core/resource.js';
import type { GatewayInput } from '../gateway-input.js';

/** A resource as written in a test: universal form plus optional `creationTime`. */
export type RawResource = Record<string, unknown> & { readonly type: string; readonly name: string; readonly mesh?: string };

/** A golden input file: the proxy's name and every resource of the mesh, in any order. */
export interface RawCase {
  readonly proxy: string;
  readonly resources: readonly RawResource[];
}

/** Creation time when a test does not care. */
const DEFAULT_TIME = '2024-01-01T00:00:00.000Z';

type Obj = Record<string, unknown>;

function obj(v: unknown): Obj {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {};
}

function list(v: unknown): Obj[] {
  return Array.isArray(v) ? (v as Obj[]) : [];
}

/** Fill the defaults of one HTTP rule: matches' conditions, filters' header lists, backends. */
function httpRule(rule: Obj): Obj {
  const headerFilter = (h: unknown) => (h === undefined ? undefined : { set: [], add: [], remove: [], ...obj(h) });
  return {
    ...rule,
    matches: list(rule.matches).map((m) => ({ headers: [], queryParameters: [], ...m })),
    filters: list(rule.filters).map((f) => {
      const out: Obj = { ...f };
      if (f.requestHeader !== undefined) out.requestHeader = headerFilter(f.requestHeader);
      if (f.responseHeader !== undefined) out.responseHeader = headerFilter(f.responseHeader);
      return out;
    }),
    backends: list(rule.backends),
  };
}

/** The normalised spec of one kind. */
function normaliseSpec(kind: Kind, spec: Obj): Obj {
  switch (kind) {
    case 'MeshGateway': {
      const conf = spec.conf === undefined ? undefined : obj(spec.conf);
      return {
        tags: {},
        ...spec,
        ...(conf
          ? { conf: { listeners: list(conf.listeners).map((l) => ({ hostname: '', tags: {}, crossMesh: false, ...l })) } }
          : {}),
      };
    }
    case 'MeshGatewayRoute': {
      const conf = obj(spec.conf);
      const http = conf.http === undefined ? undefined : obj(conf.http);
      return {
        ...spec,
        conf: {
          ...conf,
          ...(http ? { http: { hostnames: [], ...http, rules: list(http.rules).map(httpRule) } } : {}),
        },
      };
    }
    case 'Dataplane': {
      const networking = obj(spec.networking);
      const gateway = networking.gateway === undefined ? undefined : { tags: {}, ...obj(networking.gateway) };
      return {
        ...spec,
        networking: {
          ...networking,
          ...(gateway ? { gateway } : {}),
          ...(networking.inbound !== undefined
            ? { inbound: list(networking.inbound).map((i) => ({ tags: {}, ...i })) }
            : {}),
        },
      };
    }
    default:
      return spec;
  }
}

/** One raw resource as a StoredResource in normalised form. */
export function storedResource<K extends Kind>(raw: RawResource): StoredResource<K> {
  const { type, name, mesh, creationTime, ...spec } = raw;
  const kind = type as Kind;
  const time = typeof creationTime === 'string' ? creationTime : DEFAULT_TIME;
  return {
    kind,
    mesh: kind === 'Mesh' ? name : (mesh ?? 'default'),
    name,
    spec: normaliseSpec(kind, spec),
    version: '1',
    creationTime: time,
    modificationTime: time,
  } as unknown as StoredResource<K>;
}

/** The GatewayInput of a case: the proxy, its Mesh and every resource of the mesh, in file order. */
export function gatewayInput(raw: RawCase): GatewayInput {
  const all = raw.resources.map((r) => storedResource(r));
  const of = <K extends Kind>(kind: K) => all.filter((r) => r.kind === kind) as StoredResource<K>[];
  const proxy = of('Dataplane').find((d) => d.name === raw.proxy);
  if (proxy === undefined) throw new Error(`case has no Dataplane named ${raw.proxy}`);
  const mesh = of('Mesh').find((m) => m.name === proxy.mesh);
  if (mesh === undefined) throw new Error(`case has no Mesh named ${proxy.mesh}`);
  const inMesh = <K extends Kind>(kind: K) => of(kind).filter((r) => r.mesh === mesh.name);
  return {
    mesh,
    proxy,
    gateways: inMesh('MeshGateway'),
    routes: inMesh('MeshGatewayRoute'),
    dataplanes: inMesh('Dataplane'),
  };
}
