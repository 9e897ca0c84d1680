// What a TrafficLog sets where it lands (docs/gateway.md §2.12, §2.14, §2.16; docs/mesh-mtls.md §4.9): an access
// log in Kuma's default format (or the backend's own), with Kuma's placeholders replaced, written
// to the backend's file or sent to its TCP collector. For every proxy type.
import type { LoggingBackend, MeshLogging } from '../api/mesh-observability.js';
import { LOGGING_FILE, LOGGING_TCP } from '../api/mesh-observability.js';
import type { TrafficLogSpec } from '../api/traffic-log.js';
import type { AccessLog } from '../ir/policies.js';

/** Kuma's default access log format of HTTP traffic. */
export const DEFAULT_HTTP_ACCESS_LOG_FORMAT =
  '[%START_TIME%] %KUMA_MESH% "%REQ(:METHOD)% %REQ(X-ENVOY-ORIGINAL-PATH?:PATH)% %PROTOCOL%" %RESPONSE_CODE% %RESPONSE_FLAGS% %BYTES_RECEIVED% %BYTES_SENT% %DURATION% %RESP(X-ENVOY-UPSTREAM-SERVICE-TIME)% "%REQ(X-FORWARDED-FOR)%" "%REQ(USER-AGENT)%" "%REQ(X-B3-TRACEID?X-DATADOG-TRACEID)%" "%REQ(X-REQUEST-ID)%" "%REQ(:AUTHORITY)%" "%KUMA_SOURCE_SERVICE%" "%KUMA_DESTINATION_SERVICE%" "%KUMA_SOURCE_ADDRESS_WITHOUT_PORT%" "%UPSTREAM_HOST%"';

/** Kuma's default access log format of TCP traffic. */
export const DEFAULT_TCP_ACCESS_LOG_FORMAT =
  '[%START_TIME%] %RESPONSE_FLAGS% %KUMA_MESH% %KUMA_SOURCE_ADDRESS_WITHOUT_PORT%(%KUMA_SOURCE_SERVICE%)->%UPSTREAM_HOST%(%KUMA_DESTINATION_SERVICE%) took %DURATION%ms, sent %BYTES_SENT% bytes, received: %BYTES_RECEIVED% bytes';

/**
 * The source address of a gateway's log lines. Kuma writes the dataplane's address into the
 * format; replicas of one gateway share their configuration (docs/generation.md), so Portico lets
 * Envoy write the address the connection arrived on, which is the replica's listener address.
 */
export const GATEWAY_SOURCE_ADDRESS = '%DOWNSTREAM_LOCAL_ADDRESS_WITHOUT_PORT%';

/** What Kuma's placeholders stand for in one access log. */
export interface AccessLogContext {
  readonly mesh: string;
  readonly sourceService: string;
  readonly destinationService: string;
  /** The proxy's address, or an Envoy command that writes it. */
  readonly sourceAddress: string;
  readonly direction: 'INBOUND' | 'OUTBOUND';
  /** HTTP connection managers and TCP proxies have different default formats. */
  readonly protocol: 'http' | 'tcp';
}

/** The backend a policy names, or the mesh's default; undefined when the mesh declares neither. */
export function loggingBackendOf(logging: MeshLogging | undefined, name: string | undefined): LoggingBackend | undefined {
  const wanted = name !== undefined && name !== '' ? name : logging?.defaultBackend;
  if (wanted === undefined || wanted === '') return undefined;
  return logging?.backends?.find((b) => b.name === wanted);
}

/**
 * The access log of the winning TrafficLog, or undefined when it names a backend the mesh does
 * not have (Kuma then logs nothing for it).
 */
export function accessLogOf(spec: TrafficLogSpec, logging: MeshLogging | undefined, ctx: AccessLogContext): AccessLog | undefined {
  const backend = loggingBackendOf(logging, spec.conf?.backend);
  if (backend === undefined) return undefined;
  const written = backend.format !== undefined && backend.format !== '' ? backend.format : ctx.protocol === 'http' ? DEFAULT_HTTP_ACCESS_LOG_FORMAT : DEFAULT_TCP_ACCESS_LOG_FORMAT;
  const format = `${interpolate(written, ctx)}\n`;
  if (backend.type === LOGGING_FILE) return { format, sink: { kind: 'file', path: stringConf(backend, 'path') } };
  if (backend.type === LOGGING_TCP) return { format, sink: { kind: 'tcp', address: stringConf(backend, 'address') } };
  return undefined;
}

/** Kuma's placeholders, replaced as Kuma does (the deprecated address form with port 0). */
function interpolate(format: string, ctx: AccessLogContext): string {
  return format
    .replaceAll('%KUMA_SOURCE_ADDRESS%', `${ctx.sourceAddress}:0`)
    .replaceAll('%KUMA_SOURCE_ADDRESS_WITHOUT_PORT%', ctx.sourceAddress)
    .replaceAll('%KUMA_SOURCE_SERVICE%', ctx.sourceService)
    .replaceAll('%KUMA_DESTINATION_SERVICE%', ctx.destinationService)
    .replaceAll('%KUMA_MESH%', ctx.mesh)
    .replaceAll('%KUMA_TRAFFIC_DIRECTION%', ctx.direction);
}

function stringConf(backend: LoggingBackend, key: string): string {
  const value = backend.conf?.[key];
  return typeof value === 'string' ? value : '';
}
