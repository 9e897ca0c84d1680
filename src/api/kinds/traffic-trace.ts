// TrafficTrace: a classic proxy policy (docs/gateway.md §1.6). `traffic-traces` over REST and in
// kumactl, `traffictraces` as a CRD; listed with MESH, NAME and AGE like the connection policies.
import { TRAFFIC_TRACE_SPEC_SCHEMA } from '../traffic-trace.js';
import { validateTrafficTrace } from '../traffic-trace-validate.js';
import { AGE_PRINTER_COLUMN, MESH_PRINTER_COLUMN } from './columns.js';
import { KIND_NAMES } from './names.js';
import { defineResourceKind, GLOBAL_TO_ZONES } from './descriptor.js';

/** The TrafficTrace kind. */
export const TRAFFIC_TRACE = defineResourceKind({
  ...KIND_NAMES.TrafficTrace,
  confidential: false,
  schema: TRAFFIC_TRACE_SPEC_SCHEMA,
  validate: validateTrafficTrace,
  kubernetes: {
    form: 'crd',
    scope: 'Cluster',
    printerColumns: [MESH_PRINTER_COLUMN, AGE_PRINTER_COLUMN],
    names: { plural: 'traffictraces', singular: 'traffictrace', shortNames: [] },
  },
  multizone: GLOBAL_TO_ZONES,
});
