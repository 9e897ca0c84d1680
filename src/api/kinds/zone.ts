// Zone: a zone control plane as the global knows it (docs/multizone.md §6). Global-scoped, kept on
// Kubernetes as Kuma's cluster-scoped `zones.kuma.io` custom resource.
import { validateZone, ZONE_SPEC_SCHEMA, zoneEnabled } from '../zone.js';
import { AGE_PRINTER_COLUMN } from './columns.js';
import { defineResourceKind, LOCAL_TO_EACH } from './descriptor.js';

/** The Zone kind. */
export const ZONE = defineResourceKind({
  kind: 'Zone',
  plural: 'zones',
  singular: 'zone',
  aliases: [],
  scope: 'global',
  confidential: false,
  schema: ZONE_SPEC_SCHEMA,
  validate: validateZone,
  kubernetes: { form: 'crd', scope: 'Cluster', printerColumns: [AGE_PRINTER_COLUMN] },
  // STATUS comes from the zone's ZoneInsight: the CLI joins it in (src/cli/zone-status.ts).
  columns: [{ header: 'ENABLED', cell: (i) => String(zoneEnabled({ enabled: i['enabled'] === false ? false : undefined })) }],
  // Writable on the global (and a zone without one), never on a federated zone (docs/multizone.md §5.1).
  multizone: { ...LOCAL_TO_EACH, providedByZone: false },
});
