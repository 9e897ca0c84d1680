// The bytes of DiscoveryResponse and DeltaDiscoveryResponse, written directly. A response is a
// few small per-stream fields (version, nonce, type URL) around resources that every stream of a
// snapshot shares; encoding each response as a message tree copied every resource through the
// generic encoder once per stream. Here each resource's wrapped form (the `Any`, and for delta the
// `Resource` around it) is encoded once per snapshot resource and then only copied into each
// response, so pushing one snapshot to a thousand streams costs a thousand memcpys. The wire
// primitives are the resource encoder's (xds/envoy/wire-writer.ts).
//
// Fields are written in field-number order and a present empty string is written, as protobufjs
// does, so the bytes equal what the proto-loader serializer gives (response-encoding.test.ts).
import type { AnyMessage } from '../cache/snapshot.js';
import { borrowOutput, finishLength, reserveLength, startOutput, takeOutput, writeBytes, writeString, writeVarint32 } from '../envoy/wire-writer.js';
import type { DeltaDiscoveryResponse, DiscoveryResponse } from './ads-service.js';

/** The key of a length-delimited field. */
function tag(field: number): void {
  writeVarint32((field << 3) | 2);
}

/** A string field, omitted only when absent. */
function stringField(field: number, text: string | undefined): void {
  if (text === undefined || text === null) return;
  tag(field);
  writeString(text);
}

function bytesField(field: number, bytes: Uint8Array): void {
  tag(field);
  writeBytes(bytes);
}

/** `ControlPlane`: identifier = 1. */
function controlPlaneField(field: number, identifier: string): void {
  tag(field);
  const start = reserveLength();
  stringField(1, identifier);
  finishLength(start);
}

/** `google.protobuf.Any`: type_url = 1, value = 2. One encoding per snapshot resource. */
const encodedAny = new WeakMap<AnyMessage, Buffer>();

function anyBytes(any: AnyMessage): Buffer {
  let bytes = encodedAny.get(any);
  if (!bytes) {
    startOutput();
    stringField(1, any.type_url);
    bytesField(2, any.value);
    bytes = takeOutput();
    encodedAny.set(any, bytes);
  }
  return bytes;
}

/** Delta `Resource`: version = 1, resource = 2, name = 3. One encoding per snapshot resource. */
const encodedResource = new WeakMap<AnyMessage, { readonly name: string; readonly version: string; readonly bytes: Buffer }>();

function deltaResourceBytes(name: string, version: string, any: AnyMessage): Buffer {
  const cached = encodedResource.get(any);
  if (cached && cached.name === name && cached.version === version) return cached.bytes;
  const wrapped = anyBytes(any);
  startOutput();
  stringField(1, version);
  bytesField(2, wrapped);
  stringField(3, name);
  const bytes = takeOutput();
  encodedResource.set(any, { name, version, bytes });
  return bytes;
}

/** DiscoveryResponse: version_info 1, resources 2, type_url 4, nonce 5, control_plane 6. */
function writeDiscoveryResponse(res: DiscoveryResponse): void {
  // The shared pieces first: each is encoded through the same output buffer.
  const resources = res.resources.map(anyBytes);
  startOutput();
  stringField(1, res.version_info);
  for (const bytes of resources) bytesField(2, bytes);
  stringField(4, res.type_url);
  stringField(5, res.nonce);
  if (res.control_plane) controlPlaneField(6, res.control_plane.identifier);
}

/**
 * DeltaDiscoveryResponse: system_version_info 1, resources 2, type_url 4, nonce 5,
 * removed_resources 6, control_plane 7.
 */
function writeDeltaDiscoveryResponse(res: DeltaDiscoveryResponse): void {
  const resources = res.resources.map((r) => deltaResourceBytes(r.name, r.version, r.resource));
  startOutput();
  stringField(1, res.system_version_info);
  for (const bytes of resources) bytesField(2, bytes);
  stringField(4, res.type_url);
  stringField(5, res.nonce);
  for (const name of res.removed_resources) stringField(6, name);
  if (res.control_plane) controlPlaneField(7, res.control_plane.identifier);
}

/** The bytes of a DiscoveryResponse, in a Buffer of their own. */
export function encodeDiscoveryResponse(res: DiscoveryResponse): Buffer {
  writeDiscoveryResponse(res);
  return takeOutput();
}

/** The bytes of a DeltaDiscoveryResponse, in a Buffer of their own. */
export function encodeDeltaDiscoveryResponse(res: DeltaDiscoveryResponse): Buffer {
  writeDeltaDiscoveryResponse(res);
  return takeOutput();
}

/**
 * The ADS service's response serializers: the same bytes as the encoders above, borrowed from the
 * shared output buffer (`borrowOutput`) instead of copied out, because grpc-js copies what a
 * serializer returns into its framed message before `write()` returns, and nothing else calls them.
 * A caller that keeps the result must use the encoders.
 */
export function serializeDiscoveryResponse(res: DiscoveryResponse): Buffer {
  writeDiscoveryResponse(res);
  return borrowOutput();
}

/** Like `serializeDiscoveryResponse`, for delta responses. */
export function serializeDeltaDiscoveryResponse(res: DeltaDiscoveryResponse): Buffer {
  writeDeltaDiscoveryResponse(res);
  return borrowOutput();
}
