// ZoneIngress: a zone's entry for cross-zone traffic (docs/multizone.md §7). Global-scoped: one ingress
// serves every mesh of its zone. Made in a zone, reported to the global and forwarded by it to the
// other zones, which route to it (docs/multizone.md, "ZoneIngress").
import { validateZoneIngress, ZONE_INGRESS_SPEC_SCHEMA } from '../zone-ingress.js';
import { AGE_PRINTER_COLUMN } from './columns.js';
import { KIND_NAMES } from './names.js';
import { defineResourceKind, ZONE_TO_GLOBAL } from './descriptor.js';

/** The ZoneIngress kind. */
export const ZONE_INGRESS = defineResourceKind({
  ...KIND_NAMES.ZoneIngress,
  confidential: false,
  schema: ZONE_INGRESS_SPEC_SCHEMA,
  validate: validateZoneIngress,
  kubernetes: {
    form: 'crd',
    scope: 'Cluster',
    printerColumns: [AGE_PRINTER_COLUMN],
    names: { plural: 'zoneingresses', singular: 'zoneingress', shortNames: [] },
  },
  // Kuma's flags: made in zones, sent to global, which forwards each to the other zones (docs/multizone.md §2).
  multizone: { ...ZONE_TO_GLOBAL, syncedAcrossZones: true },
});
