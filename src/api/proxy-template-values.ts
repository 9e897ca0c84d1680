// The Envoy protos inside a ProxyTemplate (`value` of a modification, `resource` of a raw
// resource) read into the form Portico's Envoy builders produce, once for admission and again at
// generation. A value is YAML (or JSON) in the protobuf JSON mapping, decoded strictly against the
// Envoy type of its place: an unknown field or a wrong kind of value is an error naming the field
// inside the value, so a mistake is rejected when the template is applied, not when a proxy is.
import { parseUntrustedYaml } from '../decode/untrusted-yaml.js';
import { fromProtoJson } from '../xds/envoy/proto-json.js';
import { RESOURCE_TYPE_NAME, TYPE_URL_PREFIX, typeNameOf } from '../xds/envoy/type-urls.js';
import type { ModificationKind } from './proxy-template.js';

/** The Envoy message type of each modification kind's `value`. */
export const MODIFICATION_VALUE_TYPE: Readonly<Record<ModificationKind, string>> = {
  cluster: RESOURCE_TYPE_NAME.cluster,
  listener: RESOURCE_TYPE_NAME.listener,
  networkFilter: 'envoy.config.listener.v3.Filter',
  httpFilter: 'envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter',
  virtualHost: 'envoy.config.route.v3.VirtualHost',
};

/** Types a raw resource may have: the six Portico serves. */
export const RAW_RESOURCE_TYPES: readonly string[] = Object.values(RESOURCE_TYPE_NAME);

/** A decoded Envoy message, or why the text is not one. */
export type EnvoyValue = { readonly ok: true; readonly value: Record<string, unknown> } | { readonly ok: false; readonly message: string };

function parsed(text: string): { ok: true; value: unknown } | { ok: false; message: string } {
  const doc = parseUntrustedYaml(text);
  return doc.ok ? { ok: true, value: doc.value ?? {} } : { ok: false, message: doc.message };
}

/** `text` read as a message of `typeName` (a full proto name). */
export function envoyValue(typeName: string, text: string): EnvoyValue {
  const doc = parsed(text);
  if (!doc.ok) return doc;
  const result = fromProtoJson(typeName, doc.value);
  if (result.ok) return result;
  return { ok: false, message: result.path === '' ? result.message : `${result.path}: ${result.message}` };
}

/** A raw resource: YAML whose `"@type"` names one of the served types; the message without `@type`. */
export function rawResourceValue(text: string): EnvoyValue & { readonly typeName?: string } {
  const doc = parsed(text);
  if (!doc.ok) return doc;
  const value = doc.value;
  const url = value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>)['@type'] : undefined;
  if (typeof url !== 'string' || !url.startsWith(TYPE_URL_PREFIX)) return { ok: false, message: `"@type" must name the resource type, like "${TYPE_URL_PREFIX}${RESOURCE_TYPE_NAME.cluster}"` };
  const typeName = typeNameOf(url);
  if (!RAW_RESOURCE_TYPES.includes(typeName)) return { ok: false, message: `"@type" ${url} is not one of the served types (${RAW_RESOURCE_TYPES.join(', ')})` };
  const { '@type': _url, ...rest } = value as Record<string, unknown>;
  const decoded = envoyValue(typeName, JSON.stringify(rest));
  return decoded.ok ? { ...decoded, typeName } : decoded;
}
