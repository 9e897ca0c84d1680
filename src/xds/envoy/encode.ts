// Deterministic encoding of xDS resources. Bytes are written straight from the fromObject-form
// object by message-encoder.ts (no protobufjs message objects in between): fields in
// field-number order, map entries (Struct fields, typed_per_filter_config,
// typed_extension_protocol_options, filter_metadata, ...) in sorted key order, so the bytes are a
// function of the content alone, whatever order a builder happened to insert keys in. They are
// byte-identical to protobufjs `encode(fromObject(canonicalise(object)))`, the encoding this
// module used before (test/support/encode-reference.ts keeps it for the tests that prove it).
import type protobuf from 'protobufjs';
import { EncodeProblem, encodeMessage } from './message-encoder.js';
import { CONVERSION_OPTIONS, messageType } from './protos.js';
import { typeNameOf } from './type-urls.js';

/** toObject options for reading encoded resources back: proto names, enum names, Any unpacked. */
export const DECODE_OPTIONS: protobuf.IConversionOptions = {
  longs: CONVERSION_OPTIONS.longs,
  enums: CONVERSION_OPTIONS.enums,
  bytes: String,
  defaults: false,
  arrays: false,
  objects: false,
  oneofs: false,
  json: true,
};

/**
 * A copy of `value` in which every plain object has its keys in ascending code-unit order. Arrays
 * keep their order (repeated fields are ordered data); byte arrays are shared, not copied. Note
 * that JavaScript always enumerates integer-like keys first in numeric order; that order is fixed
 * by the language, so the result is still deterministic. Used to print decoded resources with a
 * stable key order; encodeResource writes map entries in this same order without copying.
 */
export function canonicalise<T>(value: T): T {
  if (Array.isArray(value)) return value.map((v: unknown) => canonicalise(v)) as T;
  if (value === null || typeof value !== 'object' || value instanceof Uint8Array) return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) out[key] = canonicalise((value as Record<string, unknown>)[key]);
  return out as T;
}

const typesByUrl = new Map<string, protobuf.Type>();

/** The protobufjs type of a type URL (`type.googleapis.com/<full name>`) or bare full name. */
export function typeOfUrl(typeUrl: string): protobuf.Type {
  let type = typesByUrl.get(typeUrl);
  if (!type) {
    type = messageType(typeNameOf(typeUrl));
    typesByUrl.set(typeUrl, type);
  }
  return type;
}

/**
 * Encode one resource (fromObject form) to protobuf bytes. Same content, same bytes. Never mutates
 * `object`. Throws with the type URL and the field path as context when a value cannot be encoded
 * faithfully (unknown field or enum name, wrong kind of value, unknown `@type`, oneof conflict).
 */
export function encodeResource(typeUrl: string, object: object): Uint8Array {
  try {
    return encodeMessage(typeOfUrl(typeUrl), object);
  } catch (cause) {
    if (!(cause instanceof EncodeProblem)) throw new Error(`encode ${typeUrl}`, { cause });
    const at = cause.path === '' ? '' : ` at ${cause.path}`;
    throw new Error(`encode ${typeUrl}${at}: ${cause.message}`, { cause });
  }
}

/**
 * Decode protobuf bytes into a plain object (proto field names, enum names, int64 as strings,
 * Any unpacked with `@type`). For tests and config dumps; the server never decodes its own output.
 */
export function decodeResource(typeUrl: string, bytes: Uint8Array): Record<string, unknown> {
  const type = typeOfUrl(typeUrl);
  return type.toObject(type.decode(bytes), DECODE_OPTIONS);
}
