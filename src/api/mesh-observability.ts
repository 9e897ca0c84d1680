// The Mesh's logging and tracing backends (Kuma's `logging` and `tracing` sections): named
// destinations that TrafficLog and TrafficTrace policies point at. A backend's `conf` depends on
// its `type`, so the schema keeps it as written and the checks below read it per type, with
// Kuma's messages. Kuma reports conf violations under `config`; Portico names the real field,
// `conf` (as for M2: the same messages at the path the user wrote).
import { fieldPath, indexPath } from './field-path.js';
import { double, field, freeform, listOf, object, text, type ObjectSchema } from './schema.js';
import type { Violation } from './violation.js';

/** Kuma's logging backend types. */
export const LOGGING_FILE = 'file';
export const LOGGING_TCP = 'tcp';
/** Kuma's tracing backend types; Portico gives effects to zipkin only (docs/policies.md). */
export const TRACING_ZIPKIN = 'zipkin';
export const TRACING_DATADOG = 'datadog';

/** One logging backend. */
export interface LoggingBackend {
  readonly name: string;
  /** Access log format with Envoy and Kuma placeholders; empty means Kuma's default format. */
  readonly format?: string;
  readonly type: string;
  /** `{path}` for `file`, `{address: HOST:PORT}` for `tcp`. */
  readonly conf?: Readonly<Record<string, unknown>>;
}

/** The Mesh `logging` section. */
export interface MeshLogging {
  readonly defaultBackend?: string;
  readonly backends?: readonly LoggingBackend[];
}

/** One tracing backend. */
export interface TracingBackend {
  readonly name: string;
  /** Percentage of requests traced, 0 to 100; Envoy's default (100) when absent. */
  readonly sampling?: number;
  readonly type: string;
  /** `{url, traceId128bit, apiVersion, sharedSpanContext}` for zipkin; `{address, port, splitService}` for datadog. */
  readonly conf?: Readonly<Record<string, unknown>>;
}

/** The Mesh `tracing` section. */
export interface MeshTracing {
  readonly defaultBackend?: string;
  readonly backends?: readonly TracingBackend[];
}

/** Schema of the `logging` section. */
export const MESH_LOGGING_SCHEMA: ObjectSchema = object('Access log backends of TrafficLog policies.', {
  defaultBackend: field(text(), 'Backend of TrafficLogs that name none.'),
  backends: field(
    listOf(
      object('An access log backend.', {
        name: field(text(), 'Backend name, referenced by TrafficLogs.', { required: true }),
        format: field(text(), "Access log format; Kuma's default when empty."),
        type: field(text(), '"file" or "tcp".', { required: true }),
        conf: field(freeform(), '{path} for file, {address: HOST:PORT} for tcp.'),
      }),
    ),
    'Access log backends.',
  ),
});

/** Schema of the `tracing` section. */
export const MESH_TRACING_SCHEMA: ObjectSchema = object('Tracing backends of TrafficTrace policies.', {
  defaultBackend: field(text(), 'Backend of TrafficTraces that name none.'),
  backends: field(
    listOf(
      object('A tracing backend.', {
        name: field(text(), 'Backend name, referenced by TrafficTraces.', { required: true }),
        sampling: field(double(), 'Percentage of requests traced, 0 to 100.'),
        type: field(text(), '"zipkin" or "datadog".', { required: true }),
        conf: field(freeform(), 'zipkin: {url, traceId128bit, apiVersion, sharedSpanContext}; datadog: {address, port, splitService}.'),
      }),
    ),
    'Tracing backends.',
  ),
});

/** The fields of each backend conf and the JSON type of their values. */
type ConfFields = Readonly<Record<string, 'string' | 'boolean' | 'number'>>;

const FILE_CONF: ConfFields = { path: 'string' };
const TCP_CONF: ConfFields = { address: 'string' };
const ZIPKIN_CONF: ConfFields = { url: 'string', traceId128bit: 'boolean', apiVersion: 'string', sharedSpanContext: 'boolean' };
const DATADOG_CONF: ConfFields = { address: 'string', port: 'number', splitService: 'boolean' };

/** The Zipkin API versions Kuma accepts. */
const ZIPKIN_API_VERSIONS = ['httpJsonV1', 'httpJson', 'httpProto'];

/** Every violation of a Mesh's logging section, at paths below `logging`. */
export function validateLogging(logging: MeshLogging | undefined): Violation[] {
  if (logging === undefined) return [];
  const out: Violation[] = [];
  const names = new Set<string>();
  (logging.backends ?? []).forEach((backend, i) => {
    const path = indexPath('logging.backends', i);
    if (backend.name === '') out.push({ field: fieldPath(path, 'name'), message: 'cannot be empty' });
    const confPath = fieldPath(path, 'conf');
    if (backend.type === LOGGING_FILE) out.push(...fileConf(backend.conf, confPath));
    else if (backend.type === LOGGING_TCP) out.push(...tcpConf(backend.conf, confPath));
    else out.push({ field: fieldPath(path, 'type'), message: `unknown backend type. Available backends: "${LOGGING_TCP}", "${LOGGING_FILE}"` });
    if (names.has(backend.name)) out.push({ field: fieldPath(path, 'name'), message: `${JSON.stringify(backend.name)} name is already used for another backend` });
    names.add(backend.name);
  });
  const defaultBackend = logging.defaultBackend ?? '';
  if (defaultBackend !== '' && !names.has(defaultBackend)) out.push({ field: 'logging.defaultBackend', message: 'has to be set to one of the logging backend in mesh' });
  return out;
}

/** Every violation of a Mesh's tracing section, at paths below `tracing`. */
export function validateTracing(tracing: MeshTracing | undefined): Violation[] {
  if (tracing === undefined) return [];
  const out: Violation[] = [];
  const names = new Set<string>();
  (tracing.backends ?? []).forEach((backend, i) => {
    const path = indexPath('tracing.backends', i);
    if (backend.name === '') out.push({ field: fieldPath(path, 'name'), message: 'cannot be empty' });
    const sampling = backend.sampling ?? 0;
    if (sampling < 0 || sampling > 100) out.push({ field: fieldPath(path, 'sampling'), message: 'has to be in [0.0 - 100.0] range' });
    const confPath = fieldPath(path, 'conf');
    if (backend.type === TRACING_ZIPKIN) out.push(...zipkinConf(backend.conf, confPath));
    else if (backend.type === TRACING_DATADOG) out.push(...datadogConf(backend.conf, confPath));
    else out.push({ field: fieldPath(path, 'type'), message: `unknown backend type. Available backends: "${TRACING_ZIPKIN}", "${TRACING_DATADOG}"` });
    if (names.has(backend.name)) out.push({ field: fieldPath(path, 'name'), message: `${JSON.stringify(backend.name)} name is already used for another backend` });
    names.add(backend.name);
  });
  const defaultBackend = tracing.defaultBackend ?? '';
  if (defaultBackend !== '' && !names.has(defaultBackend)) out.push({ field: 'tracing.defaultBackend', message: 'has to be set to one of the tracing backend in mesh' });
  return out;
}

/**
 * Kuma decodes a backend's conf into its typed message first: an unknown field or a value of the
 * wrong type fails the whole conf with "could not parse config".
 */
function parseProblem(conf: Readonly<Record<string, unknown>> | undefined, fields: ConfFields, path: string): Violation[] {
  for (const [key, value] of Object.entries(conf ?? {})) {
    const expected = fields[key];
    if (expected === undefined) return [{ field: path, message: `could not parse config: unknown field ${JSON.stringify(key)}` }];
    if (value !== null && typeof value !== expected) return [{ field: path, message: `could not parse config: invalid value for ${expected} field ${key}` }];
  }
  return [];
}

/** A string field of a parsed conf; '' when absent. */
function str(conf: Readonly<Record<string, unknown>> | undefined, key: string): string {
  const value = conf?.[key];
  return typeof value === 'string' ? value : '';
}

function fileConf(conf: Readonly<Record<string, unknown>> | undefined, path: string): Violation[] {
  const parse = parseProblem(conf, FILE_CONF, path);
  if (parse.length > 0) return parse;
  return str(conf, 'path') === '' ? [{ field: fieldPath(path, 'path'), message: 'cannot be empty' }] : [];
}

function tcpConf(conf: Readonly<Record<string, unknown>> | undefined, path: string): Violation[] {
  const parse = parseProblem(conf, TCP_CONF, path);
  if (parse.length > 0) return parse;
  const address = str(conf, 'address');
  if (address === '') return [{ field: fieldPath(path, 'address'), message: 'cannot be empty' }];
  return splitHostPort(address) === undefined ? [{ field: fieldPath(path, 'address'), message: 'has to be in format of HOST:PORT' }] : [];
}

function zipkinConf(conf: Readonly<Record<string, unknown>> | undefined, path: string): Violation[] {
  const parse = parseProblem(conf, ZIPKIN_CONF, path);
  if (parse.length > 0) return parse;
  const out: Violation[] = [];
  const apiVersion = str(conf, 'apiVersion');
  if (apiVersion !== '' && !ZIPKIN_API_VERSIONS.includes(apiVersion)) {
    out.push({ field: fieldPath(path, 'apiVersion'), message: `has invalid value. Allowed values: ${ZIPKIN_API_VERSIONS.join(', ')}` });
  }
  const url = str(conf, 'url');
  if (url === '') return [...out, { field: fieldPath(path, 'url'), message: 'cannot be empty' }];
  const parsed = parseCollectorUrl(url);
  if (parsed === undefined) out.push({ field: fieldPath(path, 'url'), message: 'invalid URL' });
  else if (parsed.port === '') out.push({ field: fieldPath(path, 'url'), message: 'port has to be explicitly specified' });
  return out;
}

function datadogConf(conf: Readonly<Record<string, unknown>> | undefined, path: string): Violation[] {
  const parse = parseProblem(conf, DATADOG_CONF, path);
  if (parse.length > 0) return parse;
  const out: Violation[] = [];
  if (str(conf, 'address') === '') out.push({ field: fieldPath(path, 'address'), message: 'cannot be empty' });
  const port = conf?.port;
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65535) out.push({ field: fieldPath(path, 'port'), message: 'port must be in the range [1, 65535]' });
  return out;
}

/** Host and port of `HOST:PORT` (IPv6 hosts in brackets), as Go's net.SplitHostPort; undefined when malformed or either is empty. */
export function splitHostPort(address: string): { host: string; port: string } | undefined {
  let host: string;
  let port: string;
  if (address.startsWith('[')) {
    const end = address.indexOf(']');
    if (end < 0 || address.charAt(end + 1) !== ':') return undefined;
    host = address.slice(1, end);
    port = address.slice(end + 2);
  } else {
    const colon = address.lastIndexOf(':');
    if (colon < 0) return undefined;
    host = address.slice(0, colon);
    port = address.slice(colon + 1);
    if (host.includes(':')) return undefined;
  }
  if (host === '' || port === '') return undefined;
  return { host, port };
}

/** A collector URL's parts (scheme, host, port, path); undefined when it is not an absolute URL. */
export function parseCollectorUrl(url: string): { scheme: string; host: string; port: string; path: string } | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  // WHATWG URL drops a scheme's default port; Kuma asks for the port as written.
  const written = /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\/(\[[^\]]*\]|[^/:?#]*)(?::(\d*))?/.exec(url);
  const host = parsed.hostname.startsWith('[') ? parsed.hostname.slice(1, -1) : parsed.hostname;
  return { scheme: parsed.protocol.replace(/:$/, ''), host, port: written?.[2] ?? '', path: parsed.pathname };
}
