// Downstream TLS termination of HTTPS and TLS filter chains (docs/gateway.md §2.13, §2.14). Which
// groups terminate TLS is decided here once, for both the listener and the SDS secrets, so that
// every secret a listener references is emitted and no secret is emitted unreferenced.
import type * as ir from '../../ir/gateway.js';
import { anyOf } from '../envoy/type-urls.js';
import { buildAdsConfigSource } from './config-source.js';

/** Name of the TLS transport socket of a filter chain. */
export const TLS_TRANSPORT_SOCKET_NAME = 'envoy.transport_sockets.tls';

/** Proto message of the downstream TLS configuration. */
export const DOWNSTREAM_TLS_CONTEXT_TYPE_NAME = 'envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext';

/** ALPN offered by HTTPS chains; TLS (TCP) chains offer none, since their payload is opaque. */
export const HTTPS_ALPN_PROTOCOLS: readonly string[] = ['h2', 'http/1.1'];

/** Throws when a terminating group has no certificate or two certificates with one secret name. */
function checkCertificates(listener: ir.Listener, group: ir.HostnameGroup, certificates: readonly ir.TlsCertificate[]): void {
  const where = `listener ${listener.name}, hostname group ${group.hostname}`;
  if (certificates.length === 0) throw new Error(`${where}: TLS termination needs at least one certificate`);
  const names = new Set<string>();
  for (const c of certificates) {
    if (names.has(c.secretName)) throw new Error(`${where}: duplicate TLS certificate "${c.secretName}"`);
    names.add(c.secretName);
  }
}

/**
 * The certificates a hostname group terminates TLS with, or undefined when Envoy does not
 * terminate TLS for it (HTTP and TCP ports, whose `tls` is ignored per docs/gateway.md §4.6; TLS passthrough).
 * Throws on IR the gateway layer must never produce: an HTTPS or TLS group without TLS settings,
 * passthrough on HTTPS, or termination without certificates.
 */
export function terminatedCertificates(listener: ir.Listener, group: ir.HostnameGroup): readonly ir.TlsCertificate[] | undefined {
  if (listener.crossMesh || (listener.protocol !== 'HTTPS' && listener.protocol !== 'TLS')) return undefined;
  const where = `listener ${listener.name}, hostname group ${group.hostname}`;
  if (!group.tls) throw new Error(`${where}: ${listener.protocol} hostname groups need TLS settings`);
  if (group.tls.mode === 'PASSTHROUGH') {
    if (listener.protocol === 'HTTPS') throw new Error(`${where}: TLS passthrough is not possible on an HTTPS port`);
    return undefined;
  }
  checkCertificates(listener, group, group.tls.certificates);
  return group.tls.certificates;
}

/**
 * A DownstreamTlsContext serving `certificates` (in the IR's order; Envoy picks among them by key
 * type and SNI) fetched over SDS on the ADS stream. TLS 1.2 is the floor; no cipher list, so
 * Envoy's defaults apply. Client certificates are not requested.
 */
export function buildDownstreamTlsContext(certificates: readonly ir.TlsCertificate[], alpnProtocols: readonly string[]): Record<string, unknown> {
  return {
    common_tls_context: {
      ...(alpnProtocols.length > 0 ? { alpn_protocols: [...alpnProtocols] } : {}),
      tls_params: { tls_minimum_protocol_version: 'TLSv1_2' },
      tls_certificate_sds_secret_configs: certificates.map((c) => ({ name: c.secretName, sds_config: buildAdsConfigSource() })),
    },
    require_client_certificate: { value: false },
  };
}

/** The `transport_socket` of a filter chain terminating TLS with `certificates`. */
export function buildTlsTransportSocket(certificates: readonly ir.TlsCertificate[], alpnProtocols: readonly string[]): object {
  return {
    name: TLS_TRANSPORT_SOCKET_NAME,
    typed_config: anyOf(DOWNSTREAM_TLS_CONTEXT_TYPE_NAME, buildDownstreamTlsContext(certificates, alpnProtocols)),
  };
}
