// Dataplane: a proxy and the services it exposes or fronts (on Kubernetes, one per pod).
import { DATAPLANE_SPEC_SCHEMA } from '../dataplane.js';
import { validateDataplane } from '../dataplane-validate.js';
import { AGE_PRINTER_COLUMN, MESH_PRINTER_COLUMN } from './columns.js';
import { KIND_NAMES } from './names.js';
import { defineResourceKind, ZONE_TO_GLOBAL } from './descriptor.js';

/** The Dataplane kind. */
export const DATAPLANE = defineResourceKind({
  ...KIND_NAMES.Dataplane,
  confidential: false,
  schema: DATAPLANE_SPEC_SCHEMA,
  validate: validateDataplane,
  kubernetes: {
    form: 'crd',
    scope: 'Namespaced',
    printerColumns: [
      MESH_PRINTER_COLUMN,
      { name: 'Gateway', type: 'string', jsonPath: '.spec.networking.gateway.type', description: 'Gateway type, if a gateway.', priority: 1 },
      { name: 'Address', type: 'string', jsonPath: '.spec.networking.address', description: 'Address of the proxy.', priority: 1 },
      AGE_PRINTER_COLUMN,
    ],
  },
  multizone: ZONE_TO_GLOBAL,
});
