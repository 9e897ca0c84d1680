// The ADS gRPC service definition, and the plain-object shapes of the four discovery messages as
// proto-loader produces and consumes them (proto field names, repeated fields always arrays, maps
// as objects). The server's definition decodes with the shared Envoy Root (envoy/protos.ts), which
// the first generation loads anyway; clients in tests load ads.proto with @grpc/proto-loader.
import type * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import type protobuf from 'protobufjs';
import { envoyRoot, PROTO_INCLUDE_DIRS } from '../envoy/protos.js';
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
 * them into the framed message at once). Requests are decoded as proto-loader decodes them, with
 * the same conversion options, but from the shared Root: proto-loader would parse ads.proto and
 * its imports a second time, about 0.2 s before a starting control plane can open its port.
 */
export function adsServiceDefinition(): grpc.ServiceDefinition {
  return {
    StreamAggregatedResources: bidiMethod('StreamAggregatedResources', (value: DiscoveryResponse) => serializeDiscoveryResponse(value)),
    DeltaAggregatedResources: bidiMethod('DeltaAggregatedResources', (value: DeltaDiscoveryResponse) => serializeDeltaDiscoveryResponse(value)),
  } as grpc.ServiceDefinition;
}

/** What proto-loader's `toObject` is given: ADS_LOADER_OPTIONS without the loading options. */
const TO_OBJECT: protobuf.IConversionOptions = { longs: String, enums: String, defaults: false, arrays: true, objects: true, oneofs: false };

/**
 * A bidirectional streaming method as proto-loader describes one, with this response serializer.
 * The message types are looked up at the first message, not here: the Root's first load parses
 * Envoy's protos (about half a second), and the dataplane port should be open before that, so
 * that proxies reconnecting after a restart find it open and wait on their streams rather than
 * back off.
 */
function bidiMethod<Res>(name: string, responseSerialize: (value: Res) => Buffer): grpc.MethodDefinition<object, Res> {
  let types: { request: protobuf.Type; response: protobuf.Type } | undefined;
  const resolved = (): { request: protobuf.Type; response: protobuf.Type } => {
    if (types) return types;
    const method = envoyRoot().lookupService(ADS_SERVICE_NAME).methods[name];
    if (!method) throw new Error(`service ${ADS_SERVICE_NAME} lacks ${name}`);
    method.resolve();
    types = { request: method.resolvedRequestType!, response: method.resolvedResponseType! };
    return types;
  };
  return {
    path: `/${ADS_SERVICE_NAME}/${name}`,
    requestStream: true,
    responseStream: true,
    requestSerialize: (value: object) => {
      const { request } = resolved();
      return Buffer.from(request.encode(request.fromObject(value)).finish());
    },
    requestDeserialize: (bytes: Buffer) => {
      const { request } = resolved();
      return request.toObject(request.decode(bytes), TO_OBJECT);
    },
    responseSerialize,
    responseDeserialize: (bytes: Buffer) => {
      const { response } = resolved();
      return response.toObject(response.decode(bytes), TO_OBJECT) as Res;
    },
    originalName: name.charAt(0).toLowerCase() + name.slice(1),
  };
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
