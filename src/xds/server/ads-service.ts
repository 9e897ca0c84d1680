// The ADS gRPC service definition, loaded with @grpc/proto-loader from the pinned Envoy protos,
// and the plain-object shapes of the four discovery messages as proto-loader produces and
// consumes them (proto field names, repeated fields always arrays, maps as objects).
import type * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { PROTO_INCLUDE_DIRS } from '../envoy/protos.js';
import type { AnyMessage } from '../cache/snapshot.js';
import { serializeDeltaDiscoveryResponse, serializeDiscoveryResponse } from './response-encoding.js';

/** Fully qualified name of the ADS service. */
export const ADS_SERVICE_NAME = 'envoy.service.discovery.v3.AggregatedDiscoveryService';

/** Options for proto-loader: like CONVERSION_OPTIONS, plus arrays/objects so lists are never undefined. */
export const ADS_LOADER_OPTIONS: protoLoader.Options = {
  keepCase: true,
  longs: String,
  enums: String,
  defaults: false,
  arrays: true,
  objects: true,
  oneofs: false,
  includeDirs: [...PROTO_INCLUDE_DIRS],
};

let cached: protoLoader.PackageDefinition | undefined;

/** The package definition of ads.proto (cached; also used by test clients). */
export function adsPackageDefinition(): protoLoader.PackageDefinition {
  cached ??= protoLoader.loadSync('envoy/service/discovery/v3/ads.proto', ADS_LOADER_OPTIONS);
  return cached;
}

/**
 * The ADS service definition to pass to `grpc.Server.addService`. Responses are written by
 * response-encoding.ts, which copies each resource's encoding once per response instead of
 * re-encoding it per stream, and lends grpc-js the bytes from its output buffer (grpc-js copies
 * them into the framed message at once); requests are decoded by proto-loader.
 */
export function adsServiceDefinition(): grpc.ServiceDefinition {
  const def = adsPackageDefinition()[ADS_SERVICE_NAME] as unknown as grpc.ServiceDefinition | undefined;
  if (!def) throw new Error(`service ${ADS_SERVICE_NAME} missing from ads.proto`);
  const sotw = def['StreamAggregatedResources'];
  const delta = def['DeltaAggregatedResources'];
  if (!sotw || !delta) throw new Error(`service ${ADS_SERVICE_NAME} lacks its methods`);
  return {
    ...def,
    StreamAggregatedResources: { ...sotw, responseSerialize: (value: DiscoveryResponse) => serializeDiscoveryResponse(value) },
    DeltaAggregatedResources: { ...delta, responseSerialize: (value: DeltaDiscoveryResponse) => serializeDeltaDiscoveryResponse(value) },
  } as grpc.ServiceDefinition;
}

/** `envoy.config.core.v3.Node`, fields Portico reads. */
export interface NodeMessage {
  readonly id?: string;
  readonly cluster?: string;
  readonly metadata?: unknown;
  readonly user_agent_name?: string;
  readonly client_features?: readonly string[];
}

/** `google.rpc.Status` as carried in `error_detail`. */
export interface RpcStatusMessage {
  readonly code?: number;
  readonly message?: string;
}

/** SotW `DiscoveryRequest`. */
export interface DiscoveryRequest {
  readonly version_info?: string;
  readonly node?: NodeMessage | null;
  readonly resource_names?: readonly string[];
  readonly type_url?: string;
  readonly response_nonce?: string;
  readonly error_detail?: RpcStatusMessage | null;
}

/** SotW `DiscoveryResponse`. */
export interface DiscoveryResponse {
  readonly version_info: string;
  readonly resources: readonly AnyMessage[];
  readonly type_url: string;
  readonly nonce: string;
  readonly control_plane?: { readonly identifier: string };
}

/** `DeltaDiscoveryRequest`. */
export interface DeltaDiscoveryRequest {
  readonly node?: NodeMessage | null;
  readonly type_url?: string;
  readonly resource_names_subscribe?: readonly string[];
  readonly resource_names_unsubscribe?: readonly string[];
  readonly initial_resource_versions?: Readonly<Record<string, string>>;
  readonly response_nonce?: string;
  readonly error_detail?: RpcStatusMessage | null;
}

/** `Resource` wrapper of a delta response. */
export interface DeltaResource {
  readonly name: string;
  readonly version: string;
  readonly resource: AnyMessage;
}

/** `DeltaDiscoveryResponse`. */
export interface DeltaDiscoveryResponse {
  readonly system_version_info: string;
  readonly resources: readonly DeltaResource[];
  readonly type_url: string;
  readonly removed_resources: readonly string[];
  readonly nonce: string;
  readonly control_plane?: { readonly identifier: string };
}
