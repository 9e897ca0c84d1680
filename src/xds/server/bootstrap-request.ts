// The JSON body of `POST /bootstrap` (Kuma's BootstrapRequest, docs/xds-server.md §16) and its
// validation. Every problem is a 422 for the agent (it does not retry), so this collects all of
// them in one message. Unknown fields are ignored: newer agents may send more.
import { parseUntrustedYaml } from '../../decode/untrusted-yaml.js';

/** `version` of the request: agent and Envoy build info, passed through to node metadata. */
export interface BootstrapVersion {
  readonly kumaDp?: Readonly<Record<string, string>>;
  readonly envoy?: Readonly<Record<string, unknown>>;
}

/** `proxyType` of a zone ingress (Kuma's `ingress`): no mesh, node id `.<name>` (proxy-id.ts). */
export const INGRESS_PROXY_TYPE = 'ingress';

/** A validated bootstrap request. */
export interface BootstrapRequest {
  /** The proxy's mesh; empty for a zone ingress. */
  readonly mesh: string;
  readonly name: string;
  readonly proxyType: string;
  readonly dataplaneToken?: string;
  /** Inline Dataplane, or ZoneIngress for proxy type `ingress` (universal), as sent (YAML or JSON). */
  readonly dataplaneResource?: string;
  /** The inline resource parsed, when given. */
  readonly dataplane?: Readonly<Record<string, unknown>>;
  readonly version?: BootstrapVersion;
  readonly caCert?: string;
  readonly dynamicMetadata?: Readonly<Record<string, string>>;
  readonly dnsPort?: number;
  readonly readinessPort?: number;
  readonly appProbeProxyDisabled?: boolean;
  readonly operatingSystem?: string;
  readonly features?: readonly string[];
  readonly resources?: { readonly maxHeapSizeBytes?: number };
  readonly workdir?: string;
  readonly metricsResources?: { readonly certPath?: string; readonly keyPath?: string };
  readonly systemCaPath?: string;
  /** Envoy admin port; else the Dataplane's `networking.admin.port`; else 9901. */
  readonly adminPort?: number;
  /** Portico extension: `sotw` selects `api_type: GRPC`; default delta (`DELTA_GRPC`). */
  readonly xdsTransport?: 'sotw' | 'delta';
}

/** Validation result: the request or every problem found. */
export type ParsedBootstrapRequest = { readonly ok: true; readonly request: BootstrapRequest } | { readonly ok: false; readonly message: string };

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Validates a parsed JSON body. Name and mesh may come from the inline Dataplane. A zone ingress
 * (proxy type `ingress`) has a name and no mesh; an egress is not served.
 */
export function parseBootstrapRequest(body: unknown): ParsedBootstrapRequest {
  if (!isObject(body)) return { ok: false, message: 'request body must be a JSON object' };
  const problems: string[] = [];
  const str = (key: string): string | undefined => optional(body, key, 'string', problems) as string | undefined;
  const num = (key: string): number | undefined => {
    const v = optional(body, key, 'number', problems) as number | undefined;
    if (v !== undefined && (!Number.isInteger(v) || v < 0)) problems.push(`${key}: must be a non-negative integer`);
    return v;
  };

  const dataplaneResource = str('dataplaneResource');
  let dataplane: Json | undefined;
  if (dataplaneResource !== undefined && dataplaneResource.trim() !== '') {
    const parsed = parseUntrustedYaml(dataplaneResource);
    if (!parsed.ok) problems.push(`dataplaneResource: cannot be parsed: ${parsed.message}`);
    else if (isObject(parsed.value)) dataplane = parsed.value;
    else problems.push('dataplaneResource: must be a Dataplane object');
  }
  const proxyType = str('proxyType') || 'dataplane';
  const ingress = proxyType === INGRESS_PROXY_TYPE;
  if (proxyType === 'egress') problems.push('proxyType: zone egress proxies are not served');
  const mesh = ingress ? str('mesh') : str('mesh') || stringField(dataplane, 'mesh');
  const name = str('name') || stringField(dataplane, 'name');
  if (ingress && mesh) problems.push('mesh: must be empty for a zone ingress (it serves every mesh)');
  else if (!ingress && !mesh) problems.push('mesh: cannot be empty');
  else if (mesh?.includes('.')) problems.push('mesh: must not contain "."');
  if (!name) problems.push('name: cannot be empty');
  if (!ingress && dataplane && mesh && stringField(dataplane, 'mesh') && stringField(dataplane, 'mesh') !== mesh) {
    problems.push('dataplaneResource: mesh differs from the request');
  }
  if (dataplane && name && stringField(dataplane, 'name') && stringField(dataplane, 'name') !== name) {
    problems.push('dataplaneResource: name differs from the request');
  }
  const xdsTransport = str('xdsTransport');
  if (xdsTransport !== undefined && xdsTransport !== 'sotw' && xdsTransport !== 'delta') problems.push('xdsTransport: must be "sotw" or "delta"');
  const features = optional(body, 'features', 'array', problems) as unknown[] | undefined;
  if (features?.some((f) => typeof f !== 'string')) problems.push('features: must be a list of strings');
  const dynamicMetadata = optional(body, 'dynamicMetadata', 'object', problems) as Json | undefined;
  if (dynamicMetadata && Object.values(dynamicMetadata).some((v) => typeof v !== 'string')) problems.push('dynamicMetadata: values must be strings');
  const resources = optional(body, 'resources', 'object', problems) as Json | undefined;
  const maxHeapSizeBytes = resources ? optional(resources, 'maxHeapSizeBytes', 'number', problems, 'resources.') : undefined;
  const version = optional(body, 'version', 'object', problems) as BootstrapVersion | undefined;
  const metricsResources = optional(body, 'metricsResources', 'object', problems) as BootstrapRequest['metricsResources'];

  const request: BootstrapRequest = {
    mesh: mesh ?? '',
    name: name ?? '',
    proxyType,
    dataplaneToken: str('dataplaneToken'),
    dataplaneResource,
    dataplane,
    version,
    caCert: str('caCert'),
    dynamicMetadata: dynamicMetadata as Record<string, string> | undefined,
    dnsPort: num('dnsPort'),
    readinessPort: num('readinessPort'),
    appProbeProxyDisabled: optional(body, 'appProbeProxyDisabled', 'boolean', problems) as boolean | undefined,
    operatingSystem: str('operatingSystem'),
    features: features as string[] | undefined,
    resources: maxHeapSizeBytes === undefined ? undefined : { maxHeapSizeBytes: maxHeapSizeBytes as number },
    workdir: str('workdir'),
    metricsResources,
    systemCaPath: str('systemCaPath'),
    adminPort: num('adminPort') ?? adminPortOf(dataplane),
    xdsTransport: xdsTransport as BootstrapRequest['xdsTransport'],
  };
  return problems.length > 0 ? { ok: false, message: problems.join('; ') } : { ok: true, request };
}

function optional(obj: Json, key: string, kind: 'string' | 'number' | 'boolean' | 'object' | 'array', problems: string[], prefix = ''): unknown {
  const v = obj[key];
  if (v === undefined || v === null) return undefined;
  const ok = kind === 'array' ? Array.isArray(v) : kind === 'object' ? isObject(v) : typeof v === kind;
  if (!ok) {
    problems.push(`${prefix}${key}: must be ${kind === 'array' || kind === 'object' ? 'an' : 'a'} ${kind}`);
    return undefined;
  }
  return v;
}

function stringField(obj: Json | undefined, key: string): string | undefined {
  const v = obj?.[key];
  return typeof v === 'string' && v !== '' ? v : undefined;
}

function adminPortOf(dataplane: Json | undefined): number | undefined {
  const networking = dataplane?.['networking'];
  const admin = isObject(networking) ? networking['admin'] : undefined;
  const port = isObject(admin) ? admin['port'] : undefined;
  return typeof port === 'number' && Number.isInteger(port) && port > 0 ? port : undefined;
}
