// The sync service's wire: Portico's own proto files under proto/portico/kds/v1 (the services) and
// Envoy's delta discovery messages (what the streams carry). Each synced resource travels as an
// Any of `portico.kds.v1.Resource`: name, mesh, labels and the spec as canonical JSON, so every
// kind goes through one envelope and is decoded and validated by the same code as a REST write
// (docs/multizone.md §3.1).
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import protobuf from 'protobufjs';
import type { SyncResource } from '../multizone/sync-resource.js';
import { ADS_LOADER_OPTIONS, type DeltaDiscoveryResponse } from '../xds/server/ads-service.js';
import { encodeDeltaDiscoveryResponse, serializeDeltaDiscoveryResponse } from '../xds/server/response-encoding.js';

/** Type URL of every Any a sync stream carries. */
export const RESOURCE_TYPE_URL = 'type.googleapis.com/portico.kds.v1.Resource';
/** Fully qualified names of the two services. */
export const SYNC_SERVICE_NAME = 'portico.kds.v1.KdsSync';
export const HEALTH_SERVICE_NAME = 'portico.kds.v1.GlobalKds';

/** The package root: the nearest folder with a package.json (works from src/ and from dist/). */
const PROTO_DIR = (() => {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, 'package.json')) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  return path.join(dir, 'proto');
})();

let definition: protoLoader.PackageDefinition | undefined;

/** The package definition of kds.proto (cached). */
function kdsPackageDefinition(): protoLoader.PackageDefinition {
  definition ??= protoLoader.loadSync('portico/kds/v1/kds.proto', { ...ADS_LOADER_OPTIONS, includeDirs: [PROTO_DIR, ...(ADS_LOADER_OPTIONS.includeDirs ?? [])] });
  return definition;
}

function service(name: string): grpc.ServiceDefinition {
  const def = kdsPackageDefinition()[name] as unknown as grpc.ServiceDefinition | undefined;
  if (!def) throw new Error(`service ${name} missing from kds.proto`);
  return def;
}

/**
 * The sync service for the server (global). Responses of GlobalToZoneSync are written with the
 * ADS server's encoder, which lends grpc-js its output buffer (copied before `write` returns).
 */
export function syncServerDefinition(): grpc.ServiceDefinition {
  const def = service(SYNC_SERVICE_NAME);
  const g2z = def['GlobalToZoneSync'];
  if (!g2z) throw new Error('KdsSync lacks GlobalToZoneSync');
  return { ...def, GlobalToZoneSync: { ...g2z, responseSerialize: (value: DeltaDiscoveryResponse) => serializeDeltaDiscoveryResponse(value) } } as grpc.ServiceDefinition;
}

/**
 * The sync service for the client (zone). The zone's responses on ZoneToGlobalSync are requests
 * of the call, encoded into buffers of their own: a client call may frame them later.
 */
export function syncClientDefinition(): grpc.ServiceDefinition {
  const def = service(SYNC_SERVICE_NAME);
  const z2g = def['ZoneToGlobalSync'];
  if (!z2g) throw new Error('KdsSync lacks ZoneToGlobalSync');
  return { ...def, ZoneToGlobalSync: { ...z2g, requestSerialize: (value: DeltaDiscoveryResponse) => encodeDeltaDiscoveryResponse(value) } } as grpc.ServiceDefinition;
}

/** The health-check service. */
export function healthServiceDefinition(): grpc.ServiceDefinition {
  return service(HEALTH_SERVICE_NAME);
}

/** `ZoneHealthCheckResponse`. */
export interface ZoneHealthCheckResponse {
  readonly interval_ms?: string | number;
}

let resourceType: protobuf.Type | undefined;

function envelope(): protobuf.Type {
  resourceType ??= protobuf.loadSync(path.join(PROTO_DIR, 'portico/kds/v1/resource.proto')).lookupType('portico.kds.v1.Resource');
  return resourceType;
}

/** JSON with object keys sorted at every level: equal specs give equal bytes, so equal versions. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return v;
    const sorted: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) sorted[k] = (v as Record<string, unknown>)[k];
    return sorted;
  });
}

/** The bytes of one resource's envelope; deterministic (labels sorted, spec canonical). */
export function encodeSyncResource(resource: SyncResource): Uint8Array {
  const labels: Record<string, string> = {};
  for (const key of Object.keys(resource.labels ?? {}).sort()) labels[key] = resource.labels![key]!;
  const message = envelope().fromObject({ meta: { name: resource.name, mesh: resource.mesh, labels }, spec: canonicalJson(resource.spec ?? {}) });
  return envelope().encode(message).finish();
}

/** What a received envelope holds, or why it cannot be read. */
export type DecodedEnvelope =
  | { readonly ok: true; readonly name: string; readonly mesh: string; readonly labels: Readonly<Record<string, string>>; readonly spec: unknown }
  | { readonly ok: false; readonly message: string };

/** Reads one received Any; a bad type URL, bad bytes or bad JSON is a reason, never a throw. */
export function decodeSyncResource(any: { readonly type_url?: string; readonly value?: Uint8Array } | null | undefined): DecodedEnvelope {
  if (any?.type_url !== RESOURCE_TYPE_URL) return { ok: false, message: `resource type URL must be ${RESOURCE_TYPE_URL}` };
  try {
    const message = envelope().toObject(envelope().decode(any.value ?? new Uint8Array()), { defaults: true }) as {
      meta?: { name?: string; mesh?: string; labels?: Record<string, string> };
      spec?: string;
    };
    const spec: unknown = JSON.parse(message.spec === '' || message.spec === undefined ? '{}' : message.spec);
    return { ok: true, name: message.meta?.name ?? '', mesh: message.meta?.mesh ?? '', labels: message.meta?.labels ?? {}, spec };
  } catch (err) {
    return { ok: false, message: `unreadable resource: ${(err as Error).message}` };
  }
}

/** Name of a resource on the wire: `<name>.<mesh>`, with an empty mesh outside meshes (`zone-1.`). */
export function wireName(resource: Pick<SyncResource, 'name' | 'mesh'>): string {
  return `${resource.name}.${resource.mesh}`;
}
