// Zone: a zone control plane as the global knows it (docs/multizone.md §6). Global-scoped, kept on
// Kubernetes as Kuma's cluster-scoped `zones.kuma.io` custom resource.
import { validateZone, ZONE_SPEC_SCHEMA } from '../zone.js';
import { AGE_PRINTER_COLUMN } from './columns.js';
import { KIND_NAMES } from './names.js';
import { defineResourceKind, LOCAL_TO_EACH } from './descriptor.js';

/** The Zone kind. */
export const ZONE = defineResourceKind({
  ...KIND_NAMES.Zone,
  confidential: false,
  schema: ZONE_SPEC_SCHEMA,
  validate: validateZone,
  kubernetes: { form: 'crd', scope: 'Cluster', printerColumns: [AGE_PRINTER_COLUMN] },
  // Writable on the global (and a zone without one), never on a federated zone (docs/multizone.md §5.1).
  multizone: { ...LOCAL_TO_EACH, providedByZone: false },
});
