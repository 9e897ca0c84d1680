// Which ExternalServices a proxy may reach and what they become as endpoints
// (docs/gateway.md §2.9, §2.15, §2.16; docs/mesh-mtls.md §9). Shared by gateways and sidecars. Pure: the TLS data sources are read
// from the mesh's Secrets handed in, never from a store or a file.
//
// Usable ExternalServices: every ExternalService of the mesh while the mesh has no
// TrafficPermission. Once it has one, only those whose TrafficPermission (the one policy selected
// for the ExternalService's tags, as for an inbound, docs/mesh-mtls.md §5.2) has a source selector matching
// the proxy (a gateway's dataplane tags, any inbound of a sidecar). This does not depend on mTLS.
// An ExternalService whose TLS data source cannot be loaded is unusable too; the caller reports it.
//
// A destination whose service is the service of a usable ExternalService is external: it gets an
// external cluster over the usable ExternalServices matching its tags. A destination that is not
// (no usable one, or none matching its tags) gets a mesh cluster, whose endpoints are the service's
// sidecars: for a service that only exists outside the mesh, none, so Envoy answers 503 (Kuma: the
// unusable ExternalService "has no endpoints"). Zone egress does not exist in Portico yet, so every
// external service is reached directly.
import { isIP } from 'node:net';
import { decodeBase64 } from '../api/base64.js';
import { splitHostPort } from '../api/external-service-validate.js';
import type { ExternalServiceDataSource } from '../api/external-service.js';
import { EXTERNAL_SERVICE_TAG, PROTOCOL_TAG, SERVICE_TAG, type Tags } from '../api/tags.js';
import { compareBytes } from '../core/byte-order.js';
import type { StoredResource } from '../core/resource.js';
import type { ExternalCluster, ExternalEndpoint, ExternalTls } from '../ir/external-service.js';
import { selectorMatches } from './selectors.js';
import { canonicalTags } from './tag-maps.js';
import { selectTrafficPermission } from './traffic-permission-selection.js';

/** An ExternalService as stored. */
export type ExternalService = StoredResource<'ExternalService'>;

/** A usable ExternalService, its endpoint made. */
interface UsableExternalService {
  readonly tags: Tags;
  readonly endpoint: ExternalEndpoint;
}

/** The usable ExternalServices of one proxy by service, and the ExternalServices that could not be used. */
export interface ExternalServiceIndex {
  readonly byService: ReadonlyMap<string, readonly UsableExternalService[]>;
  /** ExternalServices left out because a TLS data source cannot be loaded, with the reason. */
  readonly unloadable: readonly { readonly name: string; readonly message: string }[];
}

/** What deciding usability reads. */
export interface ExternalServiceSources {
  readonly externalServices: readonly ExternalService[];
  readonly trafficPermissions: readonly StoredResource<'TrafficPermission'>[];
  /** The proxy's tag sets a TrafficPermission source selector is matched against (any may match). */
  readonly proxyTags: readonly Tags[];
  /** The mesh's Secrets, by name. */
  readonly secrets: ReadonlyMap<string, StoredResource<'Secret'>>;
}

/** The usable ExternalServices of a proxy, indexed by service. */
export function indexExternalServices(sources: ExternalServiceSources): ExternalServiceIndex {
  const byService = new Map<string, UsableExternalService[]>();
  const unloadable: { name: string; message: string }[] = [];
  for (const es of sources.externalServices) {
    if (!permitted(es, sources)) continue;
    const endpoint = externalEndpoint(es, sources.secrets);
    if ('error' in endpoint) {
      unloadable.push({ name: es.name, message: endpoint.error });
      continue;
    }
    const service = es.spec.tags[SERVICE_TAG] ?? '';
    const list = byService.get(service) ?? [];
    list.push({ tags: es.spec.tags, endpoint });
    byService.set(service, list);
  }
  return { byService, unloadable };
}

/** The mesh's Secrets by name (Secrets of other meshes ignored). */
export function secretsByName(mesh: string, secrets: readonly StoredResource<'Secret'>[]): Map<string, StoredResource<'Secret'>> {
  return new Map(secrets.filter((s) => s.mesh === mesh).map((s) => [s.name, s] as const));
}

/** Allowed by the mesh's TrafficPermissions, or the mesh has none (docs/gateway.md §2.16). */
function permitted(es: ExternalService, sources: ExternalServiceSources): boolean {
  if (sources.trafficPermissions.length === 0) return true;
  const policy = selectTrafficPermission(sources.trafficPermissions, es.spec.tags);
  if (!policy) return false;
  return policy.spec.sources.some((s) => sources.proxyTags.some((tags) => selectorMatches(s.match, tags)));
}

/**
 * The external cluster of a destination, or undefined when it gets a mesh cluster: its service
 * has no usable ExternalService, or none of them has every destination tag.
 */
export function externalClusterFor(index: ExternalServiceIndex, destination: Tags): ExternalCluster | undefined {
  const service = destination[SERVICE_TAG] ?? '';
  const candidates = index.byService.get(service);
  if (!candidates) return undefined;
  const endpoints = candidates
    .filter((c) => selectorMatches(destination, c.tags))
    .map((c) => c.endpoint)
    .sort((a, b) => compareBytes(a.address, b.address) || a.port - b.port || compareBytes(a.name, b.name));
  if (endpoints.length === 0) return undefined;
  const discovery = endpoints.every((e) => isIP(e.address) !== 0) ? 'STATIC' : 'STRICT_DNS';
  return { discovery, assignmentName: service, endpoints };
}

/** The `kuma.io/protocol` values of an external cluster's ExternalServices, in endpoint order. */
export function externalProtocols(cluster: ExternalCluster): (string | undefined)[] {
  return cluster.endpoints.map((e) => e.tags[PROTOCOL_TAG]);
}

/** True when a service has any usable ExternalService (it is an external service, docs/gateway.md §2.15). */
export function isExternalService(index: ExternalServiceIndex, service: string): boolean {
  return index.byService.has(service);
}

/** Every Secret name an ExternalService's TLS data sources name. */
export function externalServiceSecrets(externalServices: readonly ExternalService[]): Set<string> {
  const names = new Set<string>();
  for (const es of externalServices) {
    const tls = es.spec.networking?.tls;
    for (const source of [tls?.caCert, tls?.clientCert, tls?.clientKey]) if (source?.secret) names.add(source.secret);
  }
  return names;
}

/** One ExternalService as an endpoint, its TLS sources loaded, or why they cannot be. */
function externalEndpoint(es: ExternalService, secrets: ReadonlyMap<string, StoredResource<'Secret'>>): ExternalEndpoint | { error: string } {
  const split = splitHostPort(es.spec.networking?.address ?? '');
  const host = split?.host ?? '';
  const port = Number(split?.port ?? 0);
  const { [SERVICE_TAG]: _service, ...rest } = es.spec.tags;
  const tlsSpec = es.spec.networking?.tls;
  if (!tlsSpec?.enabled) return { name: es.name, address: host, port, tags: canonicalTags(rest) };
  const tls = externalTls(tlsSpec, host, secrets);
  if ('error' in tls) return tls;
  // Kuma tags a TLS endpoint with its ExternalService's name, which its transport socket matches.
  return { name: es.name, address: host, port, tags: canonicalTags({ ...rest, [EXTERNAL_SERVICE_TAG]: es.name }), tls };
}

type TlsSpec = NonNullable<NonNullable<ExternalService['spec']['networking']>['tls']>;

/** The TLS of an endpoint: SNI, verification and client certificate (Kuma's UpstreamTlsContextOutsideMesh). */
function externalTls(spec: TlsSpec, host: string, secrets: ReadonlyMap<string, StoredResource<'Secret'>>): ExternalTls | { error: string } {
  const loaded: Partial<Record<'caCert' | 'clientCert' | 'clientKey', string>> = {};
  for (const name of ['caCert', 'clientCert', 'clientKey'] as const) {
    const source = spec[name];
    if (source === undefined) continue;
    const text = loadSource(source, secrets);
    if (typeof text !== 'string') return { error: `could not load ${name}: ${text.error}` };
    loaded[name] = text;
  }
  // SNI can only be a host name: an IP host without serverName sends none.
  const sni = spec.serverName ?? (isIP(host) === 0 ? host : '');
  return {
    sni,
    allowRenegotiation: spec.allowRenegotiation,
    ...(loaded.caCert !== undefined ? { caPem: loaded.caCert } : {}),
    ...(loaded.caCert !== undefined && !spec.skipHostnameVerification ? { verifyName: sni || host } : {}),
    ...(loaded.clientCert !== undefined && loaded.clientKey !== undefined ? { clientCertificate: { certificateChainPem: loaded.clientCert, privateKeyPem: loaded.clientKey } } : {}),
  };
}

/** The text of a data source; `file` sources are not read for ExternalServices (as in Kuma). */
function loadSource(source: ExternalServiceDataSource, secrets: ReadonlyMap<string, StoredResource<'Secret'>>): string | { error: string } {
  if (source.inlineString !== undefined) return source.inlineString;
  if (source.inline !== undefined) {
    const bytes = decodeBase64(source.inline);
    return bytes ? bytes.toString('utf8') : { error: 'inline data is not base64' };
  }
  if (source.secret !== undefined) {
    const secret = secrets.get(source.secret);
    if (!secret) return { error: `secret ${JSON.stringify(source.secret)} not found` };
    const bytes = decodeBase64(secret.spec.data);
    return bytes ? bytes.toString('utf8') : { error: `secret ${JSON.stringify(source.secret)} does not hold base64 data` };
  }
  return { error: 'unsupported type of the data source (file)' };
}
