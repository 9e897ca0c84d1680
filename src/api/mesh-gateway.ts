import { SELECTORS_SCHEMA, TAGS_SCHEMA } from './common-schemas.js';
import {
  bool,
  bytes,
  enumeration,
  field,
  listOf,
  MAX_STRING_LENGTH,
  object,
  oneOf,
  port,
  text,
  uint32,
  type ObjectSchema,
} from './schema.js';
import type { Selector, Tags } from './tags.js';

/** Listener protocol; NONE is rejected by validation (value 2, formerly UDP, is reserved). */
export type ListenerProtocol = 'NONE' | 'TCP' | 'TLS' | 'HTTP' | 'HTTPS';

/** TLS mode of a listener. */
export type TlsMode = 'NONE' | 'TERMINATE' | 'PASSTHROUGH';

/** A certificate data source: exactly one of the four fields is set. */
export interface DataSource {
  readonly secret?: string;
  readonly file?: string;
  /** Base64 of the PEM bytes (Kuma's `inline`), normalised to standard padded base64. */
  readonly inline?: string;
  readonly inlineString?: string;
}

/** TLS settings of a listener (docs/gateway.md §1.1). */
export interface ListenerTls {
  readonly mode: TlsMode;
  readonly certificates: readonly DataSource[];
  readonly options?: Readonly<Record<string, never>>;
}

/** One listener of a MeshGateway. */
export interface MeshGatewayListener {
  readonly port: number;
  readonly protocol: ListenerProtocol;
  /** As written; empty means any name. The effective hostname is `hostname || '*'`. */
  readonly hostname: string;
  readonly tls?: ListenerTls;
  readonly tags: Tags;
  readonly crossMesh: boolean;
  readonly resources?: { readonly connectionLimit?: number };
}

/** Spec of a MeshGateway resource. */
export interface MeshGatewaySpec {
  readonly selectors: readonly Selector[];
  readonly tags: Tags;
  /** Absent when the user wrote no `conf` (validation reports it). */
  readonly conf?: { readonly listeners: readonly MeshGatewayListener[] };
}

/** Most listeners one MeshGateway may declare (docs/robustness.md §4.1 row 21). */
export const MAX_LISTENERS = 500;

/** Protocol numbers as in Kuma's proto; 2 (formerly UDP) is reserved. */
export const LISTENER_PROTOCOL_SCHEMA = enumeration({ NONE: 0, TCP: 1, TLS: 3, HTTP: 4, HTTPS: 5 });
/** TLS mode numbers as in Kuma's proto. */
export const TLS_MODE_SCHEMA = enumeration({ NONE: 0, TERMINATE: 1, PASSTHROUGH: 2 });

/** A certificate source: exactly one of secret, file, inline, inlineString. */
export const DATA_SOURCE_SCHEMA: ObjectSchema = object(
  'Where a PEM bundle (private key, then server certificate and chain) comes from.',
  {
    secret: field(text(), 'Name of a mesh Secret holding the PEM bundle.'),
    file: field(text(), 'Path of a file holding the PEM bundle, read by the control plane.'),
    // At most as many PEM bytes as inlineString allows characters, however the bundle is written.
    inline: field(bytes(MAX_STRING_LENGTH), 'The PEM bundle, base64-encoded.'),
    inlineString: field(text(), 'The PEM bundle as plain text.'),
  },
  { oneOf: [oneOf(['secret', 'file', 'inline', 'inlineString'], true)] },
);

/** Listener TLS settings. */
export const LISTENER_TLS_SCHEMA: ObjectSchema = object('TLS settings of a listener.', {
  mode: field(TLS_MODE_SCHEMA, 'TERMINATE or PASSTHROUGH; NONE only on cross-mesh listeners.', { default: 'NONE' }),
  certificates: field(listOf(DATA_SOURCE_SCHEMA), 'One or two certificate sources (one RSA, one ECDSA).', {
    default: [],
  }),
  options: field(object('Kept for compatibility; has no fields.', {}), 'Empty; accepted for compatibility.'),
});

/** One MeshGateway listener. */
export const LISTENER_SCHEMA: ObjectSchema = object('A port, protocol and hostname the gateway serves.', {
  port: field(port(), 'Port to listen on, 1-65535.', { default: 0 }),
  protocol: field(LISTENER_PROTOCOL_SCHEMA, 'TCP, TLS, HTTP or HTTPS.', { default: 'NONE' }),
  hostname: field(text(), 'Host or SNI name served; empty or "*" means any.', { default: '' }),
  tls: field(LISTENER_TLS_SCHEMA, 'TLS settings; required for HTTPS.'),
  tags: field(TAGS_SCHEMA, 'Listener tags, merged with gateway and dataplane tags.', { default: {} }),
  crossMesh: field(bool(), 'Accept only mTLS traffic from other meshes (HTTP listeners only).', { default: false }),
  resources: field(
    object('Listener resource limits.', {
      connectionLimit: field(uint32(), 'Maximum concurrent downstream connections; 0 means unlimited.'),
    }),
    'Resource limits of the listener.',
  ),
});

/** Spec schema of a MeshGateway. */
export const MESH_GATEWAY_SPEC_SCHEMA: ObjectSchema = object('A gateway: which dataplanes serve it and its listeners.', {
  selectors: field(SELECTORS_SCHEMA, 'Selects the BUILTIN gateway dataplanes serving this gateway.', { default: [] }),
  tags: field(TAGS_SCHEMA, 'Tags common to all listeners.', { default: {} }),
  conf: field(
    object('Gateway configuration.', {
      listeners: field(listOf(LISTENER_SCHEMA, MAX_LISTENERS), 'Listeners; at least one.', { default: [] }),
    }),
    'Gateway configuration.',
  ),
});
