// The encoding encodeResource used before message-encoder.ts: canonicalise (sorted keys), then
// protobufjs fromObject and encode. Kept only as the reference the new encoder must match byte
// for byte (encode-identity tests, the encode benchmark); nothing in src/ uses it.
import { canonicalise, typeOfUrl } from '../../src/xds/envoy/encode.js';

/** Protobuf bytes of `object` (fromObject form) the way protobufjs writes them after canonicalise. */
export function encodeResourceReference(typeUrl: string, object: object): Uint8Array {
  const type = typeOfUrl(typeUrl);
  return type.encode(type.fromObject(canonicalise(object) as Record<string, unknown>)).finish();
}
