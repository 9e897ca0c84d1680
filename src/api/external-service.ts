// ExternalService (Kuma 2.x, docs/gateway.md §2.15, docs/mesh-mtls.md §9): a service outside the mesh, reached at
// `networking.address` by the proxies that name its `kuma.io/service` (gateway route backends,
// sidecar outbounds), optionally over TLS that the proxy originates. Certificates are Kuma
// DataSources, read from the mesh's Secrets when configuration is generated.
import { TAGS_SCHEMA } from './common-schemas.js';
import { bool, bytes, field, MAX_STRING_LENGTH, object, oneOf, text, type ObjectSchema } from './schema.js';
import type { Tags } from './tags.js';

/** Bytes from a mesh Secret, inline (base64) or an inline string; at most one field is set. */
export interface ExternalServiceDataSource {
  readonly secret?: string;
  /** Kuma's DataSource has it; the control plane reads no file for an ExternalService (see docs). */
  readonly file?: string;
  /** Base64 of the bytes, normalised to standard padded base64. */
  readonly inline?: string;
  readonly inlineString?: string;
}

/** TLS the proxy originates towards the external service. */
export interface ExternalServiceTls {
  readonly enabled: boolean;
  readonly allowRenegotiation: boolean;
  /** Accept any certificate name the CA signed (Kuma 2.x `skipHostnameVerification`). */
  readonly skipHostnameVerification: boolean;
  /** SNI and the name verified; absent: the address's host when it is a DNS name. */
  readonly serverName?: string;
  readonly caCert?: ExternalServiceDataSource;
  readonly clientCert?: ExternalServiceDataSource;
  readonly clientKey?: ExternalServiceDataSource;
}

/** Where the external service is. */
export interface ExternalServiceNetworking {
  /** `host:port`, host a DNS name or an IP address (IPv6 in brackets). */
  readonly address: string;
  /** Kept for Kuma compatibility: Portico has no DNS proxy, so it changes nothing. */
  readonly disableHostDNSEntry: boolean;
  readonly tls?: ExternalServiceTls;
}

/** Spec of an ExternalService. */
export interface ExternalServiceSpec {
  /** Absent when the user wrote none (validation reports it). */
  readonly networking?: ExternalServiceNetworking;
  /** Must carry `kuma.io/service`; `kuma.io/protocol` chooses the upstream protocol. */
  readonly tags: Tags;
}

/** A DataSource of bytes: no field is required by the schema, Kuma reports an empty one itself. */
export const EXTERNAL_SERVICE_DATA_SOURCE_SCHEMA: ObjectSchema = object(
  'Where PEM bytes come from: a mesh Secret, inline base64 bytes or an inline string.',
  {
    secret: field(text(), 'Name of a Secret of the mesh.'),
    file: field(text(), 'A file path (accepted as Kuma does; not read for ExternalServices).'),
    inline: field(bytes(MAX_STRING_LENGTH), 'The bytes, base64-encoded.'),
    inlineString: field(text(), 'The bytes as text.'),
  },
  { oneOf: [oneOf(['secret', 'file', 'inline', 'inlineString'], false)] },
);

/** TLS of an ExternalService. */
export const EXTERNAL_SERVICE_TLS_SCHEMA: ObjectSchema = object('TLS the proxy originates to the external service.', {
  enabled: field(bool(), 'Originate TLS.', { default: false }),
  allowRenegotiation: field(bool(), 'Allow TLS renegotiation (not recommended).', { default: false }),
  skipHostnameVerification: field(bool(), 'With caCert, do not verify the certificate names.', { default: false }),
  serverName: field(text(), 'SNI and verified name; by default the host of the address when it is a DNS name.'),
  caCert: field(EXTERNAL_SERVICE_DATA_SOURCE_SCHEMA, 'CA certificates the server certificate is verified against.'),
  clientCert: field(EXTERNAL_SERVICE_DATA_SOURCE_SCHEMA, 'Client certificate presented to the server (with clientKey).'),
  clientKey: field(EXTERNAL_SERVICE_DATA_SOURCE_SCHEMA, 'Private key of clientCert.'),
});

/** Spec schema of an ExternalService. */
export const EXTERNAL_SERVICE_SPEC_SCHEMA: ObjectSchema = object('A service outside the mesh, reachable by its kuma.io/service.', {
  networking: field(
    object('Where the external service is.', {
      address: field(text(), 'host:port of the service.', { default: '' }),
      disableHostDNSEntry: field(bool(), 'Kept for compatibility; no effect.', { default: false }),
      tls: field(EXTERNAL_SERVICE_TLS_SCHEMA, 'TLS origination.'),
    }),
    'Address and TLS of the service.',
  ),
  tags: field(TAGS_SCHEMA, 'Tags of the service; kuma.io/service is required.', { default: {} }),
});
