// What the real API server rejects, in two classes: bodies Go cannot decode into the typed struct
// (400 BadRequest, e.g. a number as a label value) and field validation (422 Invalid with causes).
// Only the rules Portico's objects can plausibly break are implemented; custom resources are
// checked against their registered schema in crd-schema.ts.
import type { Obj } from './json.js';
import { child, deepEqual, isObj, items, str } from './json.js';
import type { ResourceType } from './resource-types.js';
import type { FieldError } from './status-errors.js';
import { badRequest } from './status-errors.js';

const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const LABEL_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const CONFIG_KEY = /^[-._a-zA-Z0-9]+$/;

const SUBDOMAIN_MSG = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const LABEL_MSG = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const DNS1035_MSG = "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";
const VALUE_MSG = "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

function cannotDecode(type: ResourceType, what: string): never {
  throw badRequest(`${type.kind} in version "${type.version}" cannot be handled as a ${type.kind}: json: cannot unmarshal ${what}`);
}

function checkStringMap(type: ResourceType, map: unknown, field: string): void {
  if (map === undefined || map === null) return;
  if (!isObj(map)) cannotDecode(type, `${Array.isArray(map) ? 'array' : typeof map} into Go struct field ${field} of type map[string]string`);
  for (const value of Object.values(map)) {
    if (typeof value !== 'string') cannotDecode(type, `${value === null ? 'null' : typeof value} into Go struct field ${field} of type string`);
  }
}

/** Throws 400 for bodies whose shape the typed Go structs would not decode. */
export function checkDecodes(type: ResourceType, obj: Obj): void {
  const meta = obj['metadata'];
  if (meta !== undefined && !isObj(meta)) cannotDecode(type, `${typeof meta} into Go struct field .metadata of type v1.ObjectMeta`);
  checkStringMap(type, child(obj, 'metadata')?.['labels'], 'ObjectMeta.metadata.labels');
  checkStringMap(type, child(obj, 'metadata')?.['annotations'], 'ObjectMeta.metadata.annotations');
  if (type.kind === 'ConfigMap' || type.kind === 'Secret') {
    checkStringMap(type, obj['data'], `${type.kind}.data`);
    checkStringMap(type, obj['stringData'], `${type.kind}.stringData`);
  }
  if (type.kind === 'Secret') {
    for (const value of Object.values(child(obj, 'data') ?? {})) {
      if (typeof value === 'string' && !/^[A-Za-z0-9+/]*={0,2}$/.test(value)) throw badRequest(`Secret in version "v1" cannot be handled as a Secret: illegal base64 data at input byte 0`);
    }
  }
  if (!type.custom && obj['spec'] !== undefined && !isObj(obj['spec'])) cannotDecode(type, `${typeof obj['spec']} into Go struct field ${type.kind}.spec`);
}

function validateName(type: ResourceType, name: string): FieldError[] {
  const [regex, max, message] = type.kind === 'Namespace' ? [DNS1123_LABEL, 63, LABEL_MSG] : type.kind === 'Service' ? [DNS1035_LABEL, 63, DNS1035_MSG] : [DNS1123_SUBDOMAIN, 253, SUBDOMAIN_MSG];
  if (!regex.test(name)) return [{ type: 'Invalid', field: 'metadata.name', value: name, detail: message }];
  if (name.length > max) return [{ type: 'Invalid', field: 'metadata.name', value: name, detail: `must be no more than ${max} characters` }];
  return [];
}

function validateKeys(map: Obj | undefined, field: string, checkValues: boolean): FieldError[] {
  const errors: FieldError[] = [];
  for (const [key, value] of Object.entries(map ?? {})) {
    const slash = key.lastIndexOf('/');
    const prefix = slash >= 0 ? key.slice(0, slash) : '';
    const name = key.slice(slash + 1);
    if ((slash >= 0 && !DNS1123_SUBDOMAIN.test(prefix)) || !LABEL_NAME.test(name) || name.length > 63) {
      errors.push({ type: 'Invalid', field, value: key, detail: "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')" });
    }
    if (checkValues && typeof value === 'string' && value !== '' && (!LABEL_NAME.test(value) || value.length > 63)) errors.push({ type: 'Invalid', field, value, detail: VALUE_MSG });
  }
  return errors;
}

/** Metadata rules shared by every type: a valid name and valid label and annotation keys. */
export function validateMetadata(type: ResourceType, obj: Obj): FieldError[] {
  const meta = child(obj, 'metadata') ?? {};
  const name = str(meta, 'name');
  if (!name) return [{ type: 'Required', field: 'metadata.name', detail: 'name or generateName is required' }];
  return [...validateName(type, name), ...validateKeys(child(meta, 'labels'), 'metadata.labels', true), ...validateKeys(child(meta, 'annotations'), 'metadata.annotations', false)];
}

function validateContainers(spec: Obj | undefined, field: string): FieldError[] {
  const containers = items(spec, 'containers');
  if (containers.length === 0) return [{ type: 'Required', field: `${field}.containers` }];
  const errors: FieldError[] = [];
  const names = new Set<string>();
  containers.forEach((c, i) => {
    const container = isObj(c) ? c : {};
    const name = str(container, 'name');
    if (!name) errors.push({ type: 'Required', field: `${field}.containers[${i}].name` });
    else if (names.has(name)) errors.push({ type: 'Duplicate', field: `${field}.containers[${i}].name`, value: name });
    names.add(name);
    if (!str(container, 'image')) errors.push({ type: 'Required', field: `${field}.containers[${i}].image` });
  });
  return errors;
}

function validateDeployment(obj: Obj, old: Obj | undefined): FieldError[] {
  const spec = child(obj, 'spec') ?? {};
  const errors: FieldError[] = [];
  const replicas = spec['replicas'];
  if (typeof replicas === 'number' && replicas < 0) errors.push({ type: 'Invalid', field: 'spec.replicas', value: replicas, detail: 'must be greater than or equal to 0' });
  const selector = child(spec, 'selector');
  const matchLabels = (child(selector, 'matchLabels') ?? {}) as Record<string, string>;
  const template = child(spec, 'template');
  const labels = (child(child(template, 'metadata'), 'labels') ?? {}) as Record<string, string>;
  if (!selector) errors.push({ type: 'Required', field: 'spec.selector' });
  else if (Object.keys(matchLabels).length === 0 && items(selector, 'matchExpressions').length === 0) errors.push({ type: 'Invalid', field: 'spec.selector', value: selector, detail: 'empty selector is invalid for deployment' });
  else if (!Object.entries(matchLabels).every(([k, v]) => labels[k] === v)) errors.push({ type: 'Invalid', field: 'spec.template.metadata.labels', value: labels, detail: '`selector` does not match template `labels`' });
  if (old && selector && !deepEqual(selector, child(child(old, 'spec'), 'selector'))) errors.push({ type: 'Invalid', field: 'spec.selector', value: selector, detail: 'field is immutable' });
  return [...errors, ...validateContainers(child(template, 'spec'), 'spec.template.spec')];
}

const SERVICE_TYPES = ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'];

function validateService(obj: Obj, old: Obj | undefined): FieldError[] {
  const spec = child(obj, 'spec') ?? {};
  const type = str(spec, 'type');
  const errors: FieldError[] = [];
  if (!SERVICE_TYPES.includes(type)) errors.push({ type: 'NotSupported', field: 'spec.type', value: type, detail: SERVICE_TYPES.map((t) => `"${t}"`).join(', ') });
  if (type === 'ExternalName' && !str(spec, 'externalName')) errors.push({ type: 'Required', field: 'spec.externalName' });
  const ports = items(spec, 'ports');
  if (ports.length === 0 && type !== 'ExternalName' && spec['clusterIP'] !== 'None') errors.push({ type: 'Required', field: 'spec.ports' });
  const names = new Set<string>();
  ports.forEach((p, i) => {
    const port = isObj(p) ? p : {};
    const name = str(port, 'name');
    if (ports.length > 1 && !name) errors.push({ type: 'Required', field: `spec.ports[${i}].name` });
    if (name && names.has(name)) errors.push({ type: 'Duplicate', field: `spec.ports[${i}].name`, value: name });
    names.add(name);
    const number = port['port'];
    if (typeof number !== 'number' || !Number.isInteger(number) || number < 1 || number > 65535) errors.push({ type: 'Invalid', field: `spec.ports[${i}].port`, value: number ?? 0, detail: 'must be between 1 and 65535, inclusive' });
    const protocol = str(port, 'protocol');
    if (!['TCP', 'UDP', 'SCTP'].includes(protocol)) errors.push({ type: 'NotSupported', field: `spec.ports[${i}].protocol`, value: protocol, detail: '"SCTP", "TCP", "UDP"' });
  });
  const oldIp = str(child(old, 'spec'), 'clusterIP');
  const newIp = str(spec, 'clusterIP');
  if (old && oldIp && newIp && oldIp !== newIp && type !== 'ExternalName') errors.push({ type: 'Invalid', field: 'spec.clusterIPs[0]', value: newIp, detail: 'may not change once set' });
  return errors;
}

function validateDataKeys(obj: Obj): FieldError[] {
  return Object.keys(child(obj, 'data') ?? {})
    .filter((key) => !CONFIG_KEY.test(key))
    .map((key) => ({ type: 'Invalid' as const, field: 'data', value: key, detail: "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')" }));
}

/** Per-type rules of the built-in types; `old` is set on updates (immutability checks). */
export function validateBuiltin(type: ResourceType, obj: Obj, old: Obj | undefined): FieldError[] {
  switch (type.kind) {
    case 'Deployment':
      return validateDeployment(obj, old);
    case 'Service':
      return validateService(obj, old);
    case 'Pod':
      return validateContainers(child(obj, 'spec'), 'spec');
    case 'ConfigMap':
      return validateDataKeys(obj);
    case 'Secret': {
      const errors = validateDataKeys(obj);
      if (old && str(old, 'type') !== str(obj, 'type')) errors.push({ type: 'Invalid', field: 'type', value: str(obj, 'type'), detail: 'field is immutable' });
      return errors;
    }
    default:
      return [];
  }
}
