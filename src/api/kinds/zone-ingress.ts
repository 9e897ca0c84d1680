// ZoneIngress: a zone's entry for cross-zone traffic (docs/multizone.md §7). Global-scoped: one ingress
// serves every mesh of its zone. Made in a zone, reported to the global and forwarded by it to the
// other zones, which route to it (docs/multizone.md, "ZoneIngress").
import { ingressReachability, validateZoneIngress, ZONE_INGRESS_SPEC_SCHEMA, type ZoneIngressSpec } from '../zone-ingress.js';
import { AGE_PRINTER_COLUMN } from './columns.js';
import { defineResourceKind, ZONE_TO_GLOBAL } from './descriptor.js';

function networking(item: Readonly<Record<string, unknown>>): ZoneIngressSpec['networking'] {
  return (item['networking'] ?? {}) as ZoneIngressSpec['networking'];
}

function hostPort(address: string | undefined, port: number | undefined): string {
  return address ? `${address}:${port ?? ''}` : '-';
}

function reachableCell(spec: ZoneIngressSpec): string {
  const r = ingressReachability(spec);
  return r.reachable ? 'Yes' : `No (${r.reason})`;
}

/** The ZoneIngress kind. */
export const ZONE_INGRESS = defineResourceKind({
  kind: 'ZoneIngress',
  plural: 'zone-ingresses',
  singular: 'zone-ingress',
  aliases: ['zoneingress', 'zoneingresses'],
  scope: 'global',
  confidential: false,
  schema: ZONE_INGRESS_SPEC_SCHEMA,
  validate: validateZoneIngress,
  kubernetes: {
    form: 'crd',
    scope: 'Cluster',
    printerColumns: [AGE_PRINTER_COLUMN],
    names: { plural: 'zoneingresses', singular: 'zoneingress', shortNames: [] },
  },
  columns: [
    { header: 'ZONE', cell: (i) => (typeof i['zone'] === 'string' && i['zone'] !== '' ? i['zone'] : '-') },
    { header: 'ADDRESS', cell: (i) => hostPort(networking(i)?.address, networking(i)?.port) },
    { header: 'ADVERTISED', cell: (i) => hostPort(networking(i)?.advertisedAddress, networking(i)?.advertisedPort) },
    { header: 'SERVICES', cell: (i) => String(Array.isArray(i['availableServices']) ? i['availableServices'].length : 0) },
    // Why other zones skip an ingress, where Kuma says nothing ([Z3]).
    { header: 'REACHABLE', cell: (i) => reachableCell(i as ZoneIngressSpec) },
  ],
  // Kuma's flags: made in zones, sent to global, which forwards each to the other zones (docs/multizone.md §2).
  multizone: { ...ZONE_TO_GLOBAL, syncedAcrossZones: true },
});
