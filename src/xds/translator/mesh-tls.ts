// Mesh mTLS in Envoy terms (docs/gateway.md §2.15, §2.17; docs/mesh-mtls.md §2.3, §3): the UpstreamTlsContext of
// a mesh cluster, the DownstreamTlsContext of a cross-mesh chain, and the SDS secrets carrying a
// proxy's identity and the CA bundles. ALPN `kuma` marks mesh mTLS on the wire.
import type * as ir from '../../ir/gateway.js';
import { anyOf } from '../envoy/type-urls.js';
import { buildAdsConfigSource } from './config-source.js';
import { TLS_TRANSPORT_SOCKET_NAME, DOWNSTREAM_TLS_CONTEXT_TYPE_NAME } from './tls-context.js';

/** ALPN of mesh mTLS connections. */
export const MESH_ALPN = 'kuma';

/** Proto message of the upstream TLS configuration. */
export const UPSTREAM_TLS_CONTEXT_TYPE_NAME = 'envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext';

function sdsSecret(name: string): object {
  return { name, sds_config: buildAdsConfigSource() };
}

/** The `transport_socket` of a mesh cluster: present the identity, pin the upstream's SPIFFE ID. */
export function buildUpstreamMeshTls(tls: ir.UpstreamTls): object {
  return {
    name: TLS_TRANSPORT_SOCKET_NAME,
    typed_config: anyOf(UPSTREAM_TLS_CONTEXT_TYPE_NAME, {
      sni: tls.sni,
      common_tls_context: {
        alpn_protocols: [MESH_ALPN],
        tls_certificate_sds_secret_configs: [sdsSecret(tls.identitySecret)],
        combined_validation_context: {
          default_validation_context: { match_typed_subject_alt_names: [{ san_type: 'URI', matcher: { exact: tls.san } }] },
          validation_context_sds_secret_config: sdsSecret(tls.caSecret),
        },
      },
    }),
  };
}

/**
 * The `transport_socket` of a cross-mesh chain (docs/gateway.md §2.17): a client certificate from any
 * mTLS mesh's CA is required, with no SAN check.
 */
export function buildCrossMeshDownstreamTls(identitySecret: string, caSecret: string): object {
  return {
    name: TLS_TRANSPORT_SOCKET_NAME,
    typed_config: anyOf(DOWNSTREAM_TLS_CONTEXT_TYPE_NAME, {
      common_tls_context: {
        tls_certificate_sds_secret_configs: [sdsSecret(identitySecret)],
        combined_validation_context: { default_validation_context: {}, validation_context_sds_secret_config: sdsSecret(caSecret) },
      },
      require_client_certificate: { value: true },
    }),
  };
}

/** The SDS secret of a CA bundle: a validation context trusting its certificates. */
export function buildCaBundleSecret(bundle: ir.CaBundle): object {
  return { name: bundle.secretName, validation_context: { trusted_ca: { inline_string: bundle.pem } } };
}

/** The SDS secret of a proxy's own certificate and key (one per proxy, built at generation). */
export function buildIdentitySecret(name: string, certificatePem: string, privateKeyPem: string): object {
  return { name, tls_certificate: { certificate_chain: { inline_string: certificatePem }, private_key: { inline_string: privateKeyPem } } };
}
