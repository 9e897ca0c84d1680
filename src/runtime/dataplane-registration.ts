import { parseResourceDocument } from '../api/resource-document.js';
import { parseUntrustedYaml } from '../decode/untrusted-yaml.js';
import type { StoredResource } from '../core/resource.js';
import { ConflictError, type ResourceStore } from '../core/store.js';
import type { WriteRole } from '../api/multizone-rules.js';
import { stamped } from '../api-server/multizone-writes.js';

/** What the bootstrap endpoint needs to know about the proxy asking for a bootstrap. */
export type DataplaneResolution =
  | { readonly ok: true; readonly service: string; readonly isGateway: boolean }
  | { readonly ok: false; readonly status: 400 | 404 | 422; readonly message: string };

/** The part of a bootstrap request that names the proxy. */
export interface DataplaneRequest {
  readonly mesh: string;
  readonly name: string;
  /** Inline Dataplane (YAML or JSON), universal mode: registered before the bootstrap is made. */
  readonly dataplaneResource?: string;
}

/**
 * Finds the Dataplane a proxy bootstraps as, registering it first when the request carries one
 * (universal mode, like kuma-dp's `--dataplane-file`). An unchanged Dataplane is not rewritten, so
 * a restarting proxy causes no configuration push.
 */
export async function resolveDataplane(store: ResourceStore, req: DataplaneRequest, role?: WriteRole): Promise<DataplaneResolution> {
  if (!req.mesh || !req.name) return { ok: false, status: 422, message: 'mesh and name are required' };
  let dataplane: StoredResource<'Dataplane'> | undefined;
  if (req.dataplaneResource !== undefined) {
    const registered = await register(store, req, role);
    if (!registered.ok) return registered;
    dataplane = registered.dataplane;
  } else {
    dataplane = await store.get({ kind: 'Dataplane', mesh: req.mesh, name: req.name });
  }
  if (!dataplane) return { ok: false, status: 404, message: `Dataplane ${req.mesh}/${req.name} not found` };
  const networking = dataplane.spec.networking;
  const gateway = networking.gateway;
  const tags = gateway?.tags ?? networking.inbound?.[0]?.tags ?? {};
  return { ok: true, service: tags['kuma.io/service'] ?? req.name, isGateway: gateway?.type === 'BUILTIN' };
}

async function register(
  store: ResourceStore,
  req: DataplaneRequest,
  role: WriteRole | undefined,
): Promise<{ ok: true; dataplane: StoredResource<'Dataplane'> } | Extract<DataplaneResolution, { ok: false }>> {
  const doc = parseUntrustedYaml(req.dataplaneResource ?? '');
  if (!doc.ok) return { ok: false, status: 422, message: `dataplane resource is not valid YAML or JSON: ${doc.message}` };
  const parsed = parseResourceDocument(doc.value);
  if (!parsed.ok) {
    return { ok: false, status: 422, message: parsed.violations.map((v) => `${v.field}: ${v.message}`).join('; ') };
  }
  // Stored as a REST write of this role stores it: origin and zone labels, and on a federated
  // zone the zone tag in the inbound and gateway tags (docs/multizone.md).
  const r = stamped(role, parsed.value) as typeof parsed.value;
  if (r.kind !== 'Dataplane') return { ok: false, status: 422, message: `dataplane resource has kind ${r.kind}, expected Dataplane` };
  if (r.mesh !== req.mesh || r.name !== req.name) {
    return { ok: false, status: 422, message: `dataplane resource ${r.mesh}/${r.name} does not match the request ${req.mesh}/${req.name}` };
  }
  if (!(await store.get({ kind: 'Mesh', mesh: r.mesh, name: r.mesh }))) {
    return { ok: false, status: 404, message: `mesh ${r.mesh} not found` };
  }
  // A concurrent writer (another replica registering, a REST PUT) may win the race: read again.
  let conflict = '';
  for (let attempt = 0; attempt < 5; attempt++) {
    const existing = await store.get({ kind: 'Dataplane', mesh: r.mesh, name: r.name });
    if (existing && JSON.stringify(existing.spec) === JSON.stringify(r.spec)) return { ok: true, dataplane: existing };
    try {
      const stored = await store.put(
        { kind: 'Dataplane', mesh: r.mesh, name: r.name, spec: r.spec, labels: r.labels },
        existing ? { expectedVersion: existing.version } : { mustCreate: true },
      );
      return { ok: true, dataplane: stored };
    } catch (err) {
      if (!(err instanceof ConflictError)) throw err;
      conflict = err.message;
    }
  }
  return { ok: false, status: 400, message: `dataplane changed concurrently: ${conflict}` };
}
