// The bytes of DiscoveryResponse and DeltaDiscoveryResponse, written directly. A response is a
// few small per-stream fields (version, nonce, type URL) around resources that every stream of a
// snapshot shares; encoding each response as a message tree copied every resource through the
// generic encoder once per stream. Here each resource's wrapped form (the `Any`, and for delta the
// `Resource` around it) is encoded once per snapshot resource and then only copied into each
// response, so pushing one snapshot to a thousand streams costs a thousand memcpys.
//
// Fields are written in field-number order, as protobufjs does, so the bytes equal what the
// proto-loader serializer gives (response-encoding.test.ts checks it).
import type { AnyMessage } from '../cache/snapshot.js';
import type { DeltaDiscoveryResponse, DiscoveryResponse } from './ads-service.js';

const LENGTH_DELIMITED = 2;

/** The key of a length-delimited field. */
function tagOf(field: number): number {
  return (field << 3) | LENGTH_DELIMITED;
}

function varintSize(n: number): number {
  let size = 1;
  while (n >= 0x80) {
    n = Math.floor(n / 128);
    size += 1;
  }
  return size;
}

/** A varint, a UTF-8 string (with its byte length) or bytes: one piece of a message's encoding. */
type Piece = number | { readonly text: string; readonly length: number } | Uint8Array;

/** A message as a list of pieces and their total size, written out once. */
class Pieces {
  private readonly pieces: Piece[] = [];
  size = 0;

  /** A length-delimited field whose contents are `bytes`. */
  bytesField(field: number, bytes: Uint8Array): void {
    this.header(field, bytes.byteLength);
    this.pieces.push(bytes);
    this.size += bytes.byteLength;
  }

  /**
   * A string field, omitted only when absent: like protobufjs, a present empty string is written
   * (Envoy reads both the same way; the point is equal bytes with the generic serializer).
   */
  stringField(field: number, text: string | undefined): void {
    if (text === undefined || text === null) return;
    const length = Buffer.byteLength(text, 'utf8');
    this.header(field, length);
    this.pieces.push({ text, length });
    this.size += length;
  }

  /** A nested message from its pieces. */
  messageField(field: number, message: Pieces): void {
    this.bytesField(field, message.toBuffer());
  }

  toBuffer(): Buffer {
    const out = Buffer.allocUnsafe(this.size);
    let at = 0;
    for (const piece of this.pieces) {
      if (typeof piece === 'number') {
        at = writeVarint(out, at, piece);
      } else if (piece instanceof Uint8Array) {
        out.set(piece, at);
        at += piece.byteLength;
      } else {
        at += out.write(piece.text, at, piece.length, 'utf8');
      }
    }
    return out;
  }

  private header(field: number, length: number): void {
    this.varint(tagOf(field));
    this.varint(length);
  }

  private varint(n: number): void {
    this.pieces.push(n);
    this.size += varintSize(n);
  }
}

function writeVarint(out: Buffer, at: number, n: number): number {
  while (n >= 0x80) {
    out[at++] = (n % 128) | 0x80;
    n = Math.floor(n / 128);
  }
  out[at++] = n;
  return at;
}

/** `google.protobuf.Any`: type_url = 1, value = 2. One encoding per snapshot resource. */
const encodedAny = new WeakMap<AnyMessage, Buffer>();

function anyBytes(any: AnyMessage): Buffer {
  let bytes = encodedAny.get(any);
  if (!bytes) {
    const p = new Pieces();
    p.stringField(1, any.type_url);
    p.bytesField(2, any.value);
    bytes = p.toBuffer();
    encodedAny.set(any, bytes);
  }
  return bytes;
}

/** Delta `Resource`: version = 1, resource = 2, name = 3. One encoding per snapshot resource. */
const encodedResource = new WeakMap<AnyMessage, { readonly name: string; readonly version: string; readonly bytes: Buffer }>();

function deltaResourceBytes(name: string, version: string, any: AnyMessage): Buffer {
  const cached = encodedResource.get(any);
  if (cached && cached.name === name && cached.version === version) return cached.bytes;
  const p = new Pieces();
  p.stringField(1, version);
  p.bytesField(2, anyBytes(any));
  p.stringField(3, name);
  const bytes = p.toBuffer();
  encodedResource.set(any, { name, version, bytes });
  return bytes;
}

/** `ControlPlane`: identifier = 1. */
function controlPlane(identifier: string): Pieces {
  const p = new Pieces();
  p.stringField(1, identifier);
  return p;
}

/** DiscoveryResponse: version_info 1, resources 2, type_url 4, nonce 5, control_plane 6. */
export function encodeDiscoveryResponse(res: DiscoveryResponse): Buffer {
  const p = new Pieces();
  p.stringField(1, res.version_info);
  for (const any of res.resources) p.bytesField(2, anyBytes(any));
  p.stringField(4, res.type_url);
  p.stringField(5, res.nonce);
  if (res.control_plane) p.messageField(6, controlPlane(res.control_plane.identifier));
  return p.toBuffer();
}

/**
 * DeltaDiscoveryResponse: system_version_info 1, resources 2, type_url 4, nonce 5,
 * removed_resources 6, control_plane 7.
 */
export function encodeDeltaDiscoveryResponse(res: DeltaDiscoveryResponse): Buffer {
  const p = new Pieces();
  p.stringField(1, res.system_version_info);
  for (const r of res.resources) p.bytesField(2, deltaResourceBytes(r.name, r.version, r.resource));
  p.stringField(4, res.type_url);
  p.stringField(5, res.nonce);
  for (const name of res.removed_resources) p.stringField(6, name);
  if (res.control_plane) p.messageField(7, controlPlane(res.control_plane.identifier));
  return p.toBuffer();
}
