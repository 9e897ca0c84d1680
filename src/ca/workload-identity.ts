// The URIs a workload certificate carries (docs/mesh-mtls.md §2.2): one SPIFFE ID per service the proxy
// serves, then a `kuma://<tag>/<value>` URI per identity tag value, which is what lets a
// TrafficPermission source name tags other than the service (docs/mesh-mtls.md §5.3). The CA computes them from
// the Dataplane it is issuing for; it never takes a SAN from the proxy (docs/xds-server.md §18).

/** The tag naming a service. */
const SERVICE_TAG = 'kuma.io/service';

/** A proxy's identity tags: every value each tag has across its inbounds or gateway (docs/mesh-mtls.md §2.1). */
export type IdentityTags = ReadonlyMap<string, readonly string[]>;

/** A SPIFFE trust domain as Portico allows it: the mesh name, lower case. */
const TRUST_DOMAIN = /^[a-z0-9._-]+$/;
/** A SPIFFE path segment: letters, digits, `.`, `-`, `_` (not `.` or `..` alone). */
const PATH_SEGMENT = /^[A-Za-z0-9._-]+$/;

/** The SPIFFE ID of a service: `spiffe://<mesh>/<service>`. */
export function spiffeId(mesh: string, service: string): string {
  return `spiffe://${mesh}/${service}`;
}

/** The URI of one identity tag value: `kuma://<key>/<value>`. */
export function tagUri(key: string, value: string): string {
  return `kuma://${key}/${value}`;
}

/** The SPIFFE ID of a mesh's root CA: `spiffe://<mesh>`. */
export function meshTrustDomainUri(mesh: string): string {
  return `spiffe://${mesh}`;
}

/** The certificate URIs of a proxy, or why it cannot have a certificate. */
export function workloadUris(mesh: string, tags: IdentityTags): { readonly ok: true; readonly uris: string[] } | { readonly ok: false; readonly message: string } {
  const services = [...new Set(tags.get(SERVICE_TAG) ?? [])].sort(byteOrder);
  if (services.length === 0) return { ok: false, message: `the proxy has no ${SERVICE_TAG} tag, so it has no identity to certify` };
  if (!TRUST_DOMAIN.test(mesh)) return { ok: false, message: `mesh name ${JSON.stringify(mesh)} is not a valid SPIFFE trust domain` };
  const invalid = services.find((s) => !PATH_SEGMENT.test(s) || s === '.' || s === '..');
  if (invalid !== undefined) return { ok: false, message: `service ${JSON.stringify(invalid)} is not a valid SPIFFE path segment (letters, digits, ".", "-", "_")` };
  const uris = services.map((s) => spiffeId(mesh, s));
  for (const key of [...tags.keys()].sort(byteOrder)) {
    for (const value of [...new Set(tags.get(key))].sort(byteOrder)) uris.push(tagUri(key, value));
  }
  return { ok: true, uris };
}

function byteOrder(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
