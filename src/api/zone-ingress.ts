// ZoneIngress: the proxy through which other zones reach a zone's services (docs/multizone.md §7), in
// Kuma's universal shape. One ZoneIngress serves every mesh of its zone. Its `availableServices`
// are written by the zone control plane, never by users; `zone` is empty in the ingress's own zone
// and names the origin zone in the global's and the other zones' copies.

import { isIP } from 'node:net';
import { fieldPath, indexPath } from './field-path.js';
import { isDnsName } from './hostname.js';
import { PORT_RANGE_MESSAGE, isValidPort } from './port-range.js';
import { bool, field, integer, listOf, mapOf, object, port, text, type ObjectSchema } from './schema.js';
import { SERVICE_TAG, type Tags } from './tags.js';
import { MISSING_SERVICE_TAG } from './tag-validation.js';
import type { Violation } from './violation.js';

/** One (mesh, tag set) the ingress can forward to, with how many healthy inbounds carry it. */
export interface AvailableService {
  readonly tags: Tags;
  readonly instances?: number;
  readonly mesh?: string;
  readonly externalService?: boolean;
}

/** Where the ingress listens and what other zones dial. */
export interface ZoneIngressNetworking {
  readonly address?: string;
  readonly port?: number;
  readonly advertisedAddress?: string;
  readonly advertisedPort?: number;
  readonly admin?: { readonly port?: number };
}

/** Spec of a ZoneIngress resource. */
export interface ZoneIngressSpec {
  readonly zone?: string;
  readonly networking?: ZoneIngressNetworking;
  readonly availableServices?: readonly AvailableService[];
}

const AVAILABLE_SERVICE = object('A service reachable through the ingress.', {
  tags: field(mapOf(text()), 'Tags of the inbounds behind this entry; includes kuma.io/service.', { required: true }),
  instances: field(integer('uint32'), 'Number of healthy inbounds with exactly these tags.'),
  mesh: field(text(), 'Mesh of the inbounds.'),
  externalService: field(bool(), 'The entry is an ExternalService reached through the zone egress.'),
});

/** Spec schema of a ZoneIngress. */
export const ZONE_INGRESS_SPEC_SCHEMA: ObjectSchema = object('A zone ingress proxy: the entry of other zones into this zone.', {
  zone: field(text(), 'Zone of the ingress; set by the control plane on copies outside its zone.'),
  networking: field(
    object('Addresses of the ingress.', {
      address: field(text(), 'Address the ingress Envoy listens on.'),
      port: field(port(), 'Port the ingress Envoy listens on.'),
      advertisedAddress: field(text(), 'Address (IP or DNS name) other zones dial.'),
      advertisedPort: field(port(), 'Port other zones dial.'),
      admin: field(object('Envoy admin API of the ingress.', { port: field(port(), 'Port of the Envoy admin API.') }), 'Envoy admin API.'),
    }),
    'Where the ingress listens and what other zones dial.',
  ),
  availableServices: field(listOf(AVAILABLE_SERVICE, 100_000), 'Services of the zone reachable through the ingress; written by the control plane.'),
});

/** Kuma's address check: an IP address or a DNS name. */
function addressViolations(address: string, path: string): Violation[] {
  if (isIP(address) !== 0 || isDnsName(address)) return [];
  return [{ field: path, message: 'address has to be valid IP address or domain name' }];
}

/** Every violation of a decoded ZoneIngress spec, with Kuma's paths and messages. */
export function validateZoneIngress(spec: ZoneIngressSpec): Violation[] {
  const n = spec.networking ?? {};
  const out: Violation[] = [];
  const advertisedAddress = n.advertisedAddress ?? '';
  const advertisedPort = n.advertisedPort ?? 0;
  if (n.admin?.port !== undefined && n.admin.port === n.port) out.push({ field: 'networking.admin.port', message: 'must differ from port' });
  if (advertisedAddress === '' && advertisedPort !== 0) out.push({ field: 'networking.advertisedAddress', message: 'has to be defined with advertisedPort' });
  if (advertisedPort === 0 && advertisedAddress !== '') out.push({ field: 'networking.advertisedPort', message: 'has to be defined with advertisedAddress' });
  if ((n.address ?? '') !== '') out.push(...addressViolations(n.address!, 'networking.address'));
  if (advertisedAddress !== '') out.push(...addressViolations(advertisedAddress, 'networking.advertisedAddress'));
  if (n.port !== undefined && n.port !== 0 && !isValidPort(n.port)) out.push({ field: 'networking.port', message: PORT_RANGE_MESSAGE });
  if (advertisedPort !== 0 && !isValidPort(advertisedPort)) out.push({ field: 'networking.advertisedPort', message: PORT_RANGE_MESSAGE });
  // Kuma reports these at `availableService[i]`, singular: kept for users' scripts.
  (spec.availableServices ?? []).forEach((s, i) => {
    if (s.tags[SERVICE_TAG] === undefined) out.push({ field: fieldPath(indexPath('availableService', i), 'tags'), message: MISSING_SERVICE_TAG });
  });
  return out;
}

// Reachability has a module of its own so that `portico get zone-ingresses` (kinds/names.ts) reads
// it without this file's schema and checks.
export { advertisedEndpoint, ingressReachability, type IngressReachability } from './zone-ingress-reachability.js';
