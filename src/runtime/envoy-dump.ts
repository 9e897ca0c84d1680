// Printable forms of a proxy's Envoy resources: grouped by type for `portico translate`, and in
// Envoy's config_dump shape for GET /meshes/{mesh}/dataplanes/{name}/xds. Every resource is
// decoded from its encoded bytes, so what is printed is exactly what Envoy receives (fields the
// encoding drops are gone, Any is unpacked with `@type`), and keys are sorted so the same
// resources always print the same bytes. Private keys are replaced by `[redacted]`: a dump is
// pasted into tickets and chats, and a key must never leave the control plane that way.
import type { Snapshot } from '../xds/cache/snapshot.js';
import { snapshotType } from '../xds/cache/snapshot.js';
import { canonicalise, decodeResource, encodeResource } from '../xds/envoy/encode.js';
import { TYPE_URL } from '../xds/envoy/type-urls.js';
import { RESOURCE_TYPE_URLS, type EnvoyResources } from '../xds/translator/translate.js';

/** What replaces secret material in every dump. */
export const REDACTED = '[redacted]';

/** Resource groups of a dump, in the order they are printed. */
export const DUMP_GROUPS = ['clusters', 'endpoints', 'listeners', 'routes', 'runtimes', 'secrets'] as const;

/** One decoded Envoy resource (proto field names, sorted keys). */
export type DumpedResource = Readonly<Record<string, unknown>>;

/** A proxy's resources by type, in DUMP_GROUPS order, each list in name order. */
export type EnvoyDump = { readonly [G in (typeof DUMP_GROUPS)[number]]: readonly DumpedResource[] };

/** Options of envoyDump. */
export interface DumpOptions {
  /** Print private keys as they are; off by default (and never offered by the REST endpoint). */
  readonly showSecrets?: boolean;
}

/** The resources grouped by type, decoded from their encoding, private keys redacted unless asked. */
export function envoyDump(resources: EnvoyResources, options: DumpOptions = {}): EnvoyDump {
  const dump: Record<string, DumpedResource[]> = {};
  for (const group of DUMP_GROUPS) {
    const typeUrl = RESOURCE_TYPE_URLS[group];
    dump[group] = resources[group].map((r) => printable(decodeResource(typeUrl, encodeResource(typeUrl, r.resource)), options));
  }
  return dump as unknown as EnvoyDump;
}

/** Envoy's `/config_dump` (with `?include_eds`) of a served snapshot; secrets always redacted. */
export interface ConfigDump {
  readonly configs: readonly DumpedResource[];
}

/** The admin type and field names of one section of Envoy's config dump. */
interface DumpSection {
  readonly typeUrl: string;
  readonly dumpType: string;
  /** The list field of dynamically received resources. */
  readonly listField: string;
  /** How one resource sits in that list. */
  readonly entry: (name: string, version: string, resource: DumpedResource) => DumpedResource;
}

const ADMIN = 'type.googleapis.com/envoy.admin.v3.';

/**
 * Sections in Envoy's config_dump order (config_dump.proto): clusters, endpoints, listeners,
 * routes, secrets. Envoy has no section for RTDS runtimes, so neither has this dump.
 */
const SECTIONS: readonly DumpSection[] = [
  {
    typeUrl: TYPE_URL.cluster,
    dumpType: 'ClustersConfigDump',
    listField: 'dynamic_active_clusters',
    entry: (_name, version, cluster) => ({ version_info: version, cluster }),
  },
  {
    typeUrl: TYPE_URL.clusterLoadAssignment,
    dumpType: 'EndpointsConfigDump',
    listField: 'dynamic_endpoint_configs',
    entry: (_name, version, endpoint_config) => ({ version_info: version, endpoint_config }),
  },
  {
    typeUrl: TYPE_URL.listener,
    dumpType: 'ListenersConfigDump',
    listField: 'dynamic_listeners',
    entry: (name, version, listener) => ({ name, active_state: { version_info: version, listener } }),
  },
  {
    typeUrl: TYPE_URL.routeConfiguration,
    dumpType: 'RoutesConfigDump',
    listField: 'dynamic_route_configs',
    entry: (_name, version, route_config) => ({ version_info: version, route_config }),
  },
  {
    typeUrl: TYPE_URL.secret,
    dumpType: 'SecretsConfigDump',
    listField: 'dynamic_active_secrets',
    entry: (name, version, secret) => ({ name, version_info: version, secret }),
  },
];

/**
 * The snapshot in the shape of Envoy's config dump. `version_info` is the snapshot's version of
 * the resource's type: that is the version a state-of-the-world response carrying it has.
 * Clusters and listeners also carry it at the top of their section, as Envoy reports them.
 */
export function configDump(snapshot: Snapshot): ConfigDump {
  const configs = SECTIONS.map((section) => {
    const type = snapshotType(snapshot, section.typeUrl);
    const entries = [...type.resources.values()].map((r) =>
      section.entry(r.name, type.version, { '@type': section.typeUrl, ...printable(decodeResource(section.typeUrl, r.bytes), {}) }),
    );
    const topVersion = section.listField === 'dynamic_active_clusters' || section.listField === 'dynamic_listeners';
    return canonicalise({
      '@type': `${ADMIN}${section.dumpType}`,
      ...(topVersion ? { version_info: type.version } : {}),
      // Envoy's JSON leaves out empty repeated fields; so does this dump.
      ...(entries.length > 0 ? { [section.listField]: entries } : {}),
    });
  });
  return { configs };
}

/** A decoded resource with sorted keys, private keys redacted unless `showSecrets`. */
function printable(decoded: Record<string, unknown>, options: DumpOptions): DumpedResource {
  return canonicalise(options.showSecrets ? decoded : (redactPrivateKeys(decoded) as Record<string, unknown>));
}

/** DataSource fields that carry the material itself (a `filename` only says where it is). */
const INLINE_FIELDS = new Set(['inline_bytes', 'inline_string']);

/**
 * A copy of `value` in which every `private_key` field is redacted wherever it sits: its inline
 * material when it is a DataSource, the whole value otherwise. Matching the field name rather
 * than the Secret type also covers a key embedded in a listener or cluster TLS context.
 */
export function redactPrivateKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactPrivateKeys);
  if (!isPlainObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) out[key] = key === 'private_key' ? redactedSource(inner) : redactPrivateKeys(inner);
  return out;
}

/** A private_key value with its material replaced. */
function redactedSource(value: unknown): unknown {
  if (!isPlainObject(value)) return REDACTED;
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) out[key] = INLINE_FIELDS.has(key) ? REDACTED : inner;
  return out;
}

/** A non-null, non-array object. */
function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && !(value instanceof Uint8Array);
}
