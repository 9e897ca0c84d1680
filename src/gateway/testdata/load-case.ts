// Test support for src/gateway: turns resources written in the universal form (`type`, `mesh`,
// `name` at the top, spec fields beside them) into normalised StoredResources and a GatewayInput.
// It fills only the empty defaults the normalised API shapes carry (tags `{}`, lists `[]`,
// hostname `''`, crossMesh false), so test inputs stay short; it validates nothing. The real
// parser (src/api) replaces it once available.
//
// PEM material lives in testdata/pem (see generate.sh there). Wherever a test writes PEM text, it
// may write `{pem: <fixture file>}` (or a list of fixture files, concatenated) instead: as a
// Secret's `data` and as an `inline` certificate source it is base64-encoded, as an
// `inlineString` source and as the `content` of a certificate file it is used as text.
import { connectionPoliciesOf } from '../../mesh/connection-policies.js';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Kind, StoredResource } from '../../core/resource.js';
import { resolveMeshCa, type MeshCa } from '../../mesh/mesh-ca-source.js';
import type { CertificateFile, GatewayInput } from '../gateway-input.js';

/** A resource as written in a test: universal form plus optional `creationTime`. */
export type RawResource = Record<string, unknown> & { readonly type: string; readonly name: string; readonly mesh?: string };

/** A certificate file as a test writes it: PEM text or a fixture reference, or a read error. */
export type RawFile = { readonly content: unknown } | { readonly error: string };

/** A golden input file: the proxy's name, every resource of the mesh, and the certificate files read. */
export interface RawCase {
  readonly proxy: string;
  readonly resources: readonly RawResource[];
  /** Certificate files by path, as the runtime would have read them. */
  readonly files?: Readonly<Record<string, RawFile>>;
  /** PERMISSIVE meshes: the services whose every Dataplane holds a mesh certificate. */
  readonly tlsReadyServices?: readonly string[];
  /** The zone the control plane serves (cross-zone endpoints); absent: none named. */
  readonly localZone?: string;
}

/** Where the PEM fixtures are. */
const PEM_DIR = path.join(import.meta.dirname, 'pem');

/** PEM text: a string as written, or `{pem: name | names}` read from testdata/pem and concatenated. */
export function pemText(value: unknown): unknown {
  const ref = obj(value).pem;
  if (ref === undefined) return value;
  const names = Array.isArray(ref) ? ref : [ref];
  return names.map((n) => readFileSync(path.join(PEM_DIR, String(n)), 'utf8')).join('');
}

/** PEM as base64, the encoding of Secret `data` and `inline` sources; strings are taken as already encoded. */
function pemBase64(value: unknown): unknown {
  return typeof value === 'string' ? value : Buffer.from(String(pemText(value)), 'utf8').toString('base64');
}

/** A certificate source with fixture references resolved. */
function dataSource(source: Obj): Obj {
  const out: Obj = { ...source };
  if (source.inline !== undefined) out.inline = pemBase64(source.inline);
  if (source.inlineString !== undefined) out.inlineString = pemText(source.inlineString);
  return out;
}

/** A MeshGateway listener with its defaults and its certificate sources resolved. */
function gatewayListener(listener: Obj): Obj {
  const tls = listener.tls === undefined ? undefined : obj(listener.tls);
  return {
    hostname: '',
    tags: {},
    crossMesh: false,
    ...listener,
    ...(tls ? { tls: { ...tls, certificates: list(tls.certificates).map(dataSource) } } : {}),
  };
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
        ...(conf ? { conf: { listeners: list(conf.listeners).map(gatewayListener) } } : {}),
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
    case 'Secret':
      return { ...spec, data: pemBase64(spec.data) };
    case 'ExternalService': {
      const networking = obj(spec.networking);
      const tls = networking.tls === undefined ? undefined : obj(networking.tls);
      const sources: Obj = {};
      for (const name of ['caCert', 'clientCert', 'clientKey']) if (tls?.[name] !== undefined) sources[name] = dataSource(obj(tls[name]));
      return {
        tags: {},
        ...spec,
        networking: {
          disableHostDNSEntry: false,
          ...networking,
          ...(tls ? { tls: { enabled: false, allowRenegotiation: false, skipHostnameVerification: false, ...tls, ...sources } } : {}),
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
    // Global-scoped kinds are keyed with mesh = name, as the store keys them.
    mesh: kind === 'Mesh' || kind === 'ZoneIngress' ? name : (mesh ?? 'default'),
    name,
    spec: normaliseSpec(kind, spec),
    version: '1',
    creationTime: time,
    modificationTime: time,
  } as unknown as StoredResource<K>;
}

/** The certificate files of a case, with fixture references resolved. */
function certificateFiles(raw: RawCase): Map<string, CertificateFile> {
  const files = new Map<string, CertificateFile>();
  for (const [file, value] of Object.entries(raw.files ?? {})) {
    files.set(file, 'error' in value ? { error: value.error } : { content: String(pemText(value.content)) });
  }
  return files;
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
  const files = certificateFiles(raw);
  // Every mesh of the case with mTLS on, resolved as the engine does (mesh/mesh-ca-source.ts).
  const meshCas = new Map<string, MeshCa>();
  for (const m of of('Mesh')) {
    const ca = resolveMeshCa(m, of('Secret').filter((s) => s.mesh === m.name), files);
    if (ca) meshCas.set(m.name, ca);
  }
  return {
    mesh,
    proxy,
    gateways: inMesh('MeshGateway'),
    routes: inMesh('MeshGatewayRoute'),
    dataplanes: inMesh('Dataplane'),
    externalServices: inMesh('ExternalService'),
    trafficPermissions: inMesh('TrafficPermission'),
    secrets: inMesh('Secret'),
    files,
    meshCas,
    tlsReadyServices: new Set(raw.tlsReadyServices ?? []),
    policies: connectionPoliciesOf(inMesh),
    trafficTraces: inMesh('TrafficTrace'),
    zoneIngresses: of('ZoneIngress'),
    ...(raw.localZone !== undefined ? { localZone: raw.localZone } : {}),
  };
}
