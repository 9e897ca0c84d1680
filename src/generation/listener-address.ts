// Listeners are the only resources that depend on a replica's address (its bind address in
// `address.socket_address.address`). Encoding them once per replica made one change cost a full
// listener encode per address; instead a listener is encoded once without its address, and each
// replica's bytes are that encoding with the replica's `address` field inserted.
//
// Why the splice gives the exact bytes of a full encode: the encoder writes a message's fields in
// field-number order, and Listener's `name` is field 1 and `address` field 2. So a full encoding
// is [name field][address field][everything else], and the encoding without the address is
// [name field][everything else]. listener-address.test.ts checks the equality
// against full encodes; a template whose bytes do not start with its name field (which would mean
// that order changed) is rejected when the template is made, never spliced wrongly.
import { encodeResource } from '../xds/envoy/encode.js';
import { TYPE_URL } from '../xds/envoy/type-urls.js';

/** One listener, encoded once, ready to be bound to any address. */
export interface ListenerTemplate {
  readonly name: string;
  /** The encoded `name` field: the first bytes of every encoding of this listener. */
  readonly head: Uint8Array;
  /** The encoded listener without `address`, `head` included. */
  readonly body: Uint8Array;
  /** Content version of `body`: equal templates bind to equal bytes at every address. */
  readonly bodyVersion: string;
  /** The listener's `address` with the bind address left out (port and the rest). */
  readonly address: { readonly socket_address: Readonly<Record<string, unknown>> };
}

/** The Listener built by a builder: a name and a socket address, among other fields. */
interface BuiltListener {
  readonly name: string;
  readonly address: { readonly socket_address: Readonly<Record<string, unknown>> };
}

/**
 * A template of a built listener. `encodeBody` encodes the listener without its address (the
 * caller's cache may serve it). Throws when the encoding does not start with the name field.
 */
export function listenerTemplate(
  listener: BuiltListener,
  encodeBody: (withoutAddress: object) => { readonly bytes: Uint8Array; readonly version: string },
): ListenerTemplate {
  const { address, ...rest } = listener;
  const { bytes: body, version: bodyVersion } = encodeBody(rest);
  const head = encodeResource(TYPE_URL.listener, { name: listener.name });
  if (body.byteLength < head.byteLength || !startsWith(body, head)) {
    throw new Error(`listener ${listener.name}: its encoding does not start with its name; cannot bind it to addresses`);
  }
  const { address: _bind, ...socket } = address.socket_address;
  return { name: listener.name, head, body, bodyVersion, address: { socket_address: socket } };
}

/** The bytes of the template's listener bound to `address`: equal to encoding it whole. */
export function bindListener(template: ListenerTemplate, address: string): Uint8Array {
  const addressField = encodeResource(TYPE_URL.listener, { address: { socket_address: { ...template.address.socket_address, address } } });
  const out = new Uint8Array(template.body.byteLength + addressField.byteLength);
  out.set(template.head, 0);
  out.set(addressField, template.head.byteLength);
  out.set(template.body.subarray(template.head.byteLength), template.head.byteLength + addressField.byteLength);
  return out;
}

function startsWith(bytes: Uint8Array, prefix: Uint8Array): boolean {
  for (let i = 0; i < prefix.byteLength; i++) if (bytes[i] !== prefix[i]) return false;
  return true;
}
