// Semantic checks of a decoded ExternalService with Kuma's fields and messages: the address must
// split as Go's net.SplitHostPort splits it into an IP or DNS host and a port, TLS names and data
// sources must not be empty, and the tags need `kuma.io/service` and a known `kuma.io/protocol`.
// Kuma reports the protocol violations before the other tag checks, and every address problem
// it finds, so one bad address can give four messages.
import { isIP } from 'node:net';
import type { ExternalServiceDataSource, ExternalServiceSpec } from './external-service.js';
import { fieldPath, keyPath } from './field-path.js';
import { isValidPort, PORT_RANGE_MESSAGE } from './port-range.js';
import { validateTagSet } from './tag-validation.js';
import { PROTOCOL_TAG, SERVICE_TAG, type Tags } from './tags.js';
import type { Violation } from './violation.js';

/** Protocols a `kuma.io/protocol` tag may name, in Kuma's message order. */
export const SUPPORTED_PROTOCOLS = ['grpc', 'http', 'http2', 'kafka', 'tcp'] as const;

/** Every violation of a decoded ExternalService spec, in Kuma's order. */
export function validateExternalService(spec: ExternalServiceSpec): Violation[] {
  return [...networkingViolations(spec), ...protocolViolations(spec.tags), ...validateTagSet(spec.tags, 'tags', { values: 'dataplane', requireService: true }), ...serviceNameViolations(spec)];
}

function networkingViolations(spec: ExternalServiceSpec): Violation[] {
  const networking = spec.networking;
  if (networking === undefined) return [{ field: 'networking', message: 'should have networking' }];
  const out = addressViolations(networking.address);
  const tls = networking.tls;
  const tlsPath = 'networking.tls';
  if (tls?.serverName === '') out.push({ field: fieldPath(tlsPath, 'serverName'), message: 'cannot be empty' });
  for (const name of ['caCert', 'clientCert', 'clientKey'] as const) {
    const source = tls?.[name];
    if (source !== undefined && isEmptySource(source)) out.push({ field: fieldPath(tlsPath, name), message: 'data source cannot be empty' });
  }
  return out;
}

function isEmptySource(source: ExternalServiceDataSource): boolean {
  return !source.secret && !source.file && !source.inline && !source.inlineString;
}

/** Kuma's address checks: every one that fails is reported. */
function addressViolations(address: string): Violation[] {
  const at = 'networking.address';
  if (address === '') return [{ field: at, message: "address can't be empty" }];
  const out: Violation[] = [];
  const split = splitHostPort(address);
  if (split === undefined) out.push({ field: at, message: 'unable to parse address' });
  const host = split?.host ?? '';
  if (isIP(host) === 0 && !isDnsName(host)) out.push({ field: at, message: 'address has to be a valid IP address or a domain name' });
  const portText = split?.port ?? '';
  const port = /^[0-9]+$/.test(portText) ? Number(portText) : undefined;
  if (port === undefined || port > 0xffffffff) out.push({ field: at, message: 'unable to parse port in address' });
  if (!isValidPort(port ?? 0)) out.push({ field: at, message: PORT_RANGE_MESSAGE });
  return out;
}

/**
 * `host:port` split as Go's net.SplitHostPort does: the last colon separates the port, a host
 * with a colon must be bracketed (IPv6), brackets elsewhere are errors. Undefined on error.
 */
export function splitHostPort(address: string): { host: string; port: string } | undefined {
  const last = address.lastIndexOf(':');
  if (last < 0) return undefined;
  let host: string;
  if (address.startsWith('[')) {
    const end = address.indexOf(']');
    if (end < 0 || end + 1 !== last) return undefined;
    host = address.slice(1, end);
    if (host.includes('[') || host.includes(']')) return undefined;
  } else {
    host = address.slice(0, last);
    if (host.includes(':') || host.includes('[') || host.includes(']')) return undefined;
  }
  const port = address.slice(last + 1);
  if (port.includes('[') || port.includes(']')) return undefined;
  return { host, port };
}

/**
 * A DNS name as Kuma's validator (govalidator.IsDNSName) accepts it: labels of letters, digits,
 * `_` and `-` (not leading `-`), at most 63 characters, dot-separated, an optional trailing dot,
 * at most 255 characters, and not an IP address.
 */
export function isDnsName(host: string): boolean {
  if (host === '' || host.length > 255 || isIP(host) !== 0) return false;
  return /^([a-zA-Z0-9_][a-zA-Z0-9_-]{0,62})(\.[a-zA-Z0-9_][a-zA-Z0-9_-]{0,62})*[._]?$/.test(host);
}

function protocolViolations(tags: Tags): Violation[] {
  const value = tags[PROTOCOL_TAG];
  if (value === undefined || (SUPPORTED_PROTOCOLS as readonly string[]).includes(value.toLowerCase())) return [];
  return [{ field: keyPath('tags', PROTOCOL_TAG), message: `tag "${PROTOCOL_TAG}" has an invalid value "${value}". Allowed values: ${SUPPORTED_PROTOCOLS.join(', ')}` }];
}

/** The service may not be named like the host it is reached at. */
function serviceNameViolations(spec: ExternalServiceSpec): Violation[] {
  const service = spec.tags[SERVICE_TAG];
  const host = spec.networking && splitHostPort(spec.networking.address)?.host;
  if (!service || host !== service) return [];
  return [{ field: keyPath('tags', SERVICE_TAG), message: 'cannot be the same as networking.address' }];
}
