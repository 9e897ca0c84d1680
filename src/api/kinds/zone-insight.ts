// ZoneInsight: the global's record of a zone's streams (docs/multizone.md §6), same name as its Zone.
// Written only by the control plane: read-only to users everywhere.
import { validateZoneInsight, ZONE_INSIGHT_SPEC_SCHEMA } from '../zone-insight.js';
import { AGE_PRINTER_COLUMN } from './columns.js';
import { KIND_NAMES } from './names.js';
import { defineResourceKind, LOCAL_TO_EACH } from './descriptor.js';

/** The ZoneInsight kind. */
export const ZONE_INSIGHT = defineResourceKind({
  ...KIND_NAMES.ZoneInsight,
  confidential: false,
  schema: ZONE_INSIGHT_SPEC_SCHEMA,
  validate: validateZoneInsight,
  kubernetes: {
    form: 'crd',
    scope: 'Cluster',
    printerColumns: [AGE_PRINTER_COLUMN],
    names: { plural: 'zoneinsights', singular: 'zoneinsight', shortNames: [] },
  },
  multizone: { ...LOCAL_TO_EACH, insight: true },
});
