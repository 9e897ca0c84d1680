// Registration of a zone ingress proxy at `POST /bootstrap` (docs/multizone.md
// "Registration: running an ingress"): the agent (`portico dp run --proxy-type ingress --dataplane-file F`) sends its
// ZoneIngress inline; the control plane validates it as the REST API does (schema, Kuma's
// messages, the multi-zone label rules and stamps) and upserts it under the store key
// {kind: 'ZoneIngress', mesh: <name>, name: <name>}. Two fields belong to the control plane, not to
// the file: `zone` is left empty (this zone's own ingress) and `availableServices` keeps what the
// writer last stored (zone-ingress-services.ts), so a restarting ingress changes nothing.
import { parseResourceDocument } from '../api/resource-document.js';
import type { WriteRole } from '../api/multizone-rules.js';
import type { ZoneIngressSpec } from '../api/zone-ingress.js';
import { stamped, writeViolations } from '../api-server/multizone-writes.js';
import { sameContent } from '../api-server/resource-form.js';
import type { ResourceInput, StoredResource } from '../core/resource.js';
import { ConflictError, type ResourceStore } from '../core/store.js';
import { parseUntrustedYaml } from '../decode/untrusted-yaml.js';
import { isOwnZoneIngress } from '../multizone/available-services.js';
import type { DataplaneResolution } from './dataplane-registration.js';

/** What names the ingress in a bootstrap request. */
export interface ZoneIngressRequest {
  readonly name: string;
  /** Inline ZoneIngress (YAML or JSON), universal mode: registered before the bootstrap is made. */
  readonly dataplaneResource?: string;
}

/** `node.cluster` of an ingress's bootstrap, as in Kuma. */
export const ZONE_INGRESS_SERVICE = 'ingress';

/** The store key of zone ingress `name`: a global-scoped kind, so mesh = name. */
export function zoneIngressKey(name: string): { kind: 'ZoneIngress'; mesh: string; name: string } {
  return { kind: 'ZoneIngress', mesh: name, name };
}

type Refusal = Extract<DataplaneResolution, { ok: false }>;

/**
 * Finds the ZoneIngress an ingress proxy bootstraps as, registering it first when the request
 * carries one. `zone` is this control plane's zone; `role` its write rules (labels).
 */
export async function resolveZoneIngress(store: ResourceStore, req: ZoneIngressRequest, zone: string, role: WriteRole): Promise<DataplaneResolution> {
  if (!req.name) return { ok: false, status: 422, message: 'name is required' };
  let ingress: StoredResource<'ZoneIngress'> | undefined;
  if (req.dataplaneResource !== undefined && req.dataplaneResource.trim() !== '') {
    const registered = await register(store, req, zone, role);
    if (!registered.ok) return registered;
    ingress = registered.ingress;
  } else {
    ingress = await store.get(zoneIngressKey(req.name));
  }
  if (!ingress) return { ok: false, status: 404, message: `ZoneIngress ${req.name} not found` };
  const address = ingress.spec.networking?.address;
  return { ok: true, service: ZONE_INGRESS_SERVICE, isGateway: false, ...(address ? { address } : {}) };
}

/** The document's ZoneIngress, validated, or a 422 naming every violation. */
function parseIngress(req: ZoneIngressRequest): { ok: true; input: ResourceInput<'ZoneIngress'> } | Refusal {
  const doc = parseUntrustedYaml(req.dataplaneResource ?? '');
  if (!doc.ok) return { ok: false, status: 422, message: `zone ingress resource is not valid YAML or JSON: ${doc.message}` };
  const parsed = parseResourceDocument(doc.value);
  if (!parsed.ok) return { ok: false, status: 422, message: parsed.violations.map((v) => `${v.field}: ${v.message}`).join('; ') };
  const r = parsed.value;
  if (r.kind !== 'ZoneIngress') return { ok: false, status: 422, message: `zone ingress resource has kind ${r.kind}, expected ZoneIngress` };
  if (r.name !== req.name) return { ok: false, status: 422, message: `zone ingress resource ${r.name} does not match the request ${req.name}` };
  const { zone: _zone, availableServices: _services, ...spec } = r.spec as ZoneIngressSpec;
  return { ok: true, input: { kind: 'ZoneIngress', mesh: r.name, name: r.name, spec, ...(r.labels ? { labels: r.labels } : {}) } };
}

async function register(store: ResourceStore, req: ZoneIngressRequest, zone: string, role: WriteRole): Promise<{ ok: true; ingress: StoredResource<'ZoneIngress'> } | Refusal> {
  const parsed = parseIngress(req);
  if (!parsed.ok) return parsed;
  const base = stamped(role, parsed.input) as ResourceInput<'ZoneIngress'>;
  // A concurrent writer (the available-services writer, a REST PUT) may win the race: read again.
  let conflict = '';
  for (let attempt = 0; attempt < 5; attempt++) {
    const existing = await store.get(zoneIngressKey(req.name));
    if (existing && !isOwnZoneIngress(existing.spec, zone)) {
      return { ok: false, status: 422, message: `ZoneIngress ${req.name} is the copy of zone ${existing.spec.zone ?? ''}'s ingress: choose another name` };
    }
    const services = existing?.spec.availableServices;
    const input: ResourceInput<'ZoneIngress'> = services ? { ...base, spec: { ...base.spec, availableServices: services } } : base;
    const violations = writeViolations(role, input, existing);
    if (violations.length > 0) return { ok: false, status: 422, message: violations.map((v) => `${v.field}: ${v.message}`).join('; ') };
    if (existing && sameContent(existing, input)) return { ok: true, ingress: existing };
    try {
      const stored = await store.put(input, existing ? { expectedVersion: existing.version } : { mustCreate: true });
      return { ok: true, ingress: stored };
    } catch (err) {
      if (!(err instanceof ConflictError)) throw err;
      conflict = err.message;
    }
  }
  return { ok: false, status: 400, message: `zone ingress changed concurrently: ${conflict}` };
}
