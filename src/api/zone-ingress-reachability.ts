// Whether other zones can route to a ZoneIngress (docs/multizone.md §8), apart from its schema and checks
// in zone-ingress.ts (which re-exports it): `portico get zone-ingresses` shows it (kinds/names.ts)
// and loads nothing else.
import { isIP } from 'node:net';
import type { ZoneIngressSpec } from './zone-ingress.js';

/** Whether other zones can dial the ingress: both advertised fields are set (docs/multizone.md §8 step 3). */
export function advertisedEndpoint(spec: ZoneIngressSpec): { address: string; port: number } | undefined {
  const address = spec.networking?.advertisedAddress ?? '';
  const port = spec.networking?.advertisedPort ?? 0;
  return address !== '' && port !== 0 ? { address, port } : undefined;
}

/** Whether other zones route to an ingress, and why not ([Z3]: Kuma skips such an ingress silently). */
export type IngressReachability =
  | { readonly reachable: true; readonly address: string; readonly port: number; readonly name?: string }
  | { readonly reachable: false; readonly reason: 'AdvertisedAddressMissing' | 'AdvertisedAddressUnresolved' | 'NoAvailableServices'; readonly message: string };

/**
 * The one rule other zones apply to an ingress (docs/multizone.md, "Cross-zone endpoints"): both
 * advertised fields set, the address an IP or a DNS name `resolve` knows the IP of (EDS endpoints
 * cannot name hosts; each zone's control plane resolves names), and some available service listed.
 * Without `resolve` (the global, the CLI, which resolve nothing) a name counts as reachable.
 */
export function ingressReachability(spec: ZoneIngressSpec, resolve?: (name: string) => string | undefined): IngressReachability {
  const at = advertisedEndpoint(spec);
  if (!at) return { reachable: false, reason: 'AdvertisedAddressMissing', message: 'networking.advertisedAddress and networking.advertisedPort must both be set: other zones skip this ingress' };
  if ((spec.availableServices ?? []).length === 0) return { reachable: false, reason: 'NoAvailableServices', message: 'availableServices is empty: other zones skip this ingress until its zone lists services' };
  if (isIP(at.address) !== 0 || !resolve) return { reachable: true, ...at };
  const ip = resolve(at.address);
  if (ip === undefined) return { reachable: false, reason: 'AdvertisedAddressUnresolved', message: `networking.advertisedAddress ${JSON.stringify(at.address)} does not resolve to an IP address here: this zone skips the ingress` };
  return { reachable: true, address: ip, port: at.port, name: at.address };
}
