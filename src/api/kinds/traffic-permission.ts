// TrafficPermission: which clients of an mTLS mesh may connect to which inbounds (docs/mesh-mtls.md §5).
// Kuma's policies are `traffic-permissions` over REST and in kumactl, `trafficpermissions` as a CRD.
import { TRAFFIC_PERMISSION_SPEC_SCHEMA } from '../traffic-permission.js';
import { validateTrafficPermission } from '../traffic-permission-validate.js';
import { AGE_PRINTER_COLUMN, MESH_PRINTER_COLUMN } from './columns.js';
import { KIND_NAMES } from './names.js';
import { defineResourceKind, GLOBAL_TO_ZONES } from './descriptor.js';

/** The TrafficPermission kind. */
export const TRAFFIC_PERMISSION = defineResourceKind({
  ...KIND_NAMES.TrafficPermission,
  confidential: false,
  schema: TRAFFIC_PERMISSION_SPEC_SCHEMA,
  validate: validateTrafficPermission,
  kubernetes: {
    form: 'crd',
    scope: 'Cluster',
    printerColumns: [MESH_PRINTER_COLUMN, AGE_PRINTER_COLUMN],
    names: { plural: 'trafficpermissions', singular: 'trafficpermission', shortNames: [] },
  },
  multizone: GLOBAL_TO_ZONES,
});
