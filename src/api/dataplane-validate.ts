// Semantic checks of a decoded Dataplane: the gateway rows of docs/gateway.md §4.4 plus the basic
// sidecar checks Portico needs before it can use inbounds as backends.

import type { DataplaneInbound, DataplaneOutbound, DataplaneSpec } from './dataplane.js';
import { fieldPath, indexPath, keyPath } from './field-path.js';
import { PORT_RANGE_MESSAGE, isValidPort } from './port-range.js';
import { PROTOCOL_TAG, SERVICE_TAG } from './tags.js';
import { MISSING_SERVICE_TAG, validateTagSet } from './tag-validation.js';
import type { Violation } from './violation.js';

/** Every violation of a decoded Dataplane spec, in document order. */
export function validateDataplane(spec: DataplaneSpec): Violation[] {
  const n = spec.networking;
  const inbound = n.inbound ?? [];
  const out: Violation[] = [];
  if (n.address === '') out.push({ field: 'networking.address', message: 'cannot be empty' });
  if (n.gateway !== undefined) out.push(...validateGateway(spec));
  else if (inbound.length === 0) {
    out.push({ field: 'networking', message: 'has to contain at least one inbound interface or gateway' });
  }
  // A gateway's inbounds are already rejected as a whole; their details would be noise.
  if (n.gateway === undefined) inbound.forEach((ib, i) => out.push(...validateInbound(ib, indexPath('networking.inbound', i))));
  (n.outbound ?? []).forEach((ob, i) => out.push(...validateOutbound(ob, indexPath('networking.outbound', i))));
  return out;
}

function validateInbound(ib: DataplaneInbound, path: string): Violation[] {
  const out: Violation[] = [];
  if (!isValidPort(ib.port)) out.push({ field: fieldPath(path, 'port'), message: PORT_RANGE_MESSAGE });
  if (ib.servicePort !== undefined && ib.servicePort !== 0 && !isValidPort(ib.servicePort)) {
    out.push({ field: fieldPath(path, 'servicePort'), message: PORT_RANGE_MESSAGE });
  }
  out.push(...validateTagSet(ib.tags, fieldPath(path, 'tags'), { values: 'dataplane', requireService: true }));
  return out;
}

function validateOutbound(ob: DataplaneOutbound, path: string): Violation[] {
  return isValidPort(ob.port) ? [] : [{ field: fieldPath(path, 'port'), message: PORT_RANGE_MESSAGE }];
}

// Gateways get their whole Envoy configuration from the gateway resources (BUILTIN) or act as an
// outbound-only sidecar (DELEGATED), so sidecar-only sections are rejected (docs/gateway.md §1.3).
function validateGateway(spec: DataplaneSpec): Violation[] {
  const n = spec.networking;
  const gateway = n.gateway;
  if (gateway === undefined) return [];
  const kind = gateway.type === 'BUILTIN' ? 'builtin' : 'delegated';
  const out: Violation[] = [];
  if ((n.inbound ?? []).length > 0) {
    out.push({ field: 'networking.inbound', message: `inbound cannot be defined for ${kind} gateways` });
  }
  if (kind === 'builtin' && (n.outbound ?? []).length > 0) {
    out.push({ field: 'networking.outbound', message: 'outbound cannot be defined for builtin gateways' });
  }
  if ((n.listeners ?? []).length > 0) {
    out.push({ field: 'networking.listeners', message: `listeners cannot be defined for ${kind} gateways` });
  }
  if (kind === 'builtin' && spec.probes !== undefined) {
    out.push({ field: 'networking.probes', message: 'probes cannot be defined for builtin gateways' });
  }
  out.push(...validateGatewayDataplaneTags(gateway.tags, 'networking.gateway.tags'));
  return out;
}

function validateGatewayDataplaneTags(tags: Readonly<Record<string, string>>, path: string): Violation[] {
  const keys = Object.keys(tags);
  const out: Violation[] = [];
  if (keys.length > 0 && !Object.hasOwn(tags, SERVICE_TAG)) out.push({ field: path, message: MISSING_SERVICE_TAG });
  const protocol = tags[PROTOCOL_TAG];
  if (protocol !== undefined && protocol !== 'tcp') {
    out.push({
      field: keyPath(path, PROTOCOL_TAG),
      message: `other values than tcp are not allowed, provided value "${protocol}"`,
    });
  }
  out.push(...validateTagSet(tags, path, { values: 'dataplane' }));
  return out;
}
