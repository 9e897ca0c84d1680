// Every Envoy resource name Portico makes, in one place. The gateway layer needs them (cluster
// dedup and several orderings are defined on names, docs/gateway.md §2.9, §2.15), and the xDS
// translator needs the same strings, so they live in `ir`, which both may import. The schemes are
// Kuma's wire-level names and must be reproduced exactly (docs/gateway.md "How to read").
import { createHash } from 'node:crypto';

/** Service of a destination the gateway API converter could not resolve: no cluster, Envoy answers 500. */
export const UNRESOLVED_BACKEND = 'kuma.io/unresolved-backend';

/** The RTDS Runtime resource carrying per-listener connection limits (docs/gateway.md §2.1, §2.11). */
export const GATEWAY_RUNTIME_NAME = 'gateway.listeners';

/** SDS secret holding the CAs of every mTLS mesh, used by cross-mesh listeners (docs/gateway.md §1.5). */
export const ALL_MESHES_CA_SECRET_NAME = 'mesh_ca:secret:all';

/** The tag whose value names a service; repeated here because `ir` may not import `api`. */
const SERVICE_TAG = 'kuma.io/service';

/** `<gateway>:<PROTOCOL>:<port>`, e.g. `edge:HTTPS:443` (docs/gateway.md §2.4). */
export function listenerName(gateway: string, protocol: string, port: number): string {
  return `${gateway}:${protocol}:${port}`;
}

/** `<listener>:<hostname>`: `<listener>:*` for HTTP ports, one per SNI group on HTTPS (docs/gateway.md §2.10). */
export function routeTableName(listener: string, hostname: string): string {
  return `${listener}:${hostname}`;
}

/** RTDS layer key of a listener's connection limit (docs/gateway.md §2.11). */
export function connectionLimitRuntimeKey(listener: string): string {
  return `envoy.resource_limits.listener.${listener}.connection_limit`;
}

/** Where a certificate came from, as the scope part of its secret name (docs/gateway.md §2.13). */
export type CertificateScope = 'secret' | 'file' | 'inline' | 'inlineString';

/** `cert.<rsa|ecdsa>:<scope>:<id>`, e.g. `cert.rsa:secret:example-com-tls` (docs/gateway.md §2.13). */
export function certificateSecretName(keyType: 'rsa' | 'ecdsa', scope: CertificateScope, id: string): string {
  return `cert.${keyType}:${scope}:${id}`;
}

/** The gateway's own mesh identity certificate: `identity_cert:secret:<mesh>` (docs/gateway.md §1.5). */
export function identityCertSecretName(mesh: string): string {
  return `identity_cert:secret:${mesh}`;
}

/** The CA of one mesh: `mesh_ca:secret:<mesh>` (docs/gateway.md §1.5). */
export function meshCaSecretName(mesh: string): string {
  return `mesh_ca:secret:${mesh}`;
}

/** The SPIFFE ID of a service, `spiffe://<mesh>/<service>`: what an upstream must present (docs/mesh-mtls.md §2.3). */
export function serviceSpiffeId(mesh: string, service: string): string {
  return `spiffe://${mesh}/${service}`;
}

/**
 * Cluster name of a destination seen from one listener (docs/gateway.md §2.15): `<service>-<h>`, h being
 * the first 8 bytes (hex) of SHA-256 over `key+value` of the destination tags, then of the
 * listener's merged tags, each in ascending key order, without separators. The bare service only
 * when the destination is service-only and the merged tags are empty.
 */
export function clusterName(
  destination: Readonly<Record<string, string>>,
  listenerTags: Readonly<Record<string, string>>,
): string {
  const service = destination[SERVICE_TAG] ?? '';
  const destinationKeys = sortedKeys(destination);
  const listenerKeys = sortedKeys(listenerTags);
  if (listenerKeys.length === 0 && destinationKeys.every((k) => k === SERVICE_TAG)) return service;
  // One update with the whole text instead of one per tag (each a call into native code): the
  // hash of the concatenation is that of successive updates, and its UTF-8 bytes are the parts'
  // bytes, as every part starts with a tag name, which validation keeps ASCII (a lone surrogate
  // can never pair up across two parts).
  let text = '';
  for (const k of destinationKeys) text += k + destination[k];
  for (const k of listenerKeys) text += k + listenerTags[k];
  return `${service}-${createHash('sha256').update(text).digest('hex').slice(0, 16)}`;
}

/**
 * SNI of an mTLS mesh cluster (docs/gateway.md §2.15): `<service>{k1=v1,...,mesh=<mesh>}` with every
 * destination tag but the service plus `mesh`, sorted by key.
 */
export function meshClusterSni(destination: Readonly<Record<string, string>>, mesh: string): string {
  const tags: Record<string, string> = { mesh };
  for (const [k, v] of Object.entries(destination)) if (k !== SERVICE_TAG) tags[k] = v;
  const pairs = sortedKeys(tags).map((k) => `${k}=${tags[k]}`);
  return `${destination[SERVICE_TAG] ?? ''}{${pairs.join(',')}}`;
}

/** Keys in ascending byte order (UTF-16 order equals byte order for the ASCII tag alphabet). */
function sortedKeys(tags: Readonly<Record<string, string>>): string[] {
  return Object.keys(tags).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}
