// MeshGatewayRoute: HTTP or TCP routes attached to the listeners of the gateways it selects.
import { ACCEPTED_CONDITION, GATEWAY_STATUS_SCHEMA } from '../gateway-status.js';
import { MESH_GATEWAY_ROUTE_SPEC_SCHEMA } from '../mesh-gateway-route.js';
import { validateMeshGatewayRoute } from '../mesh-gateway-route-validate.js';
import { AGE_PRINTER_COLUMN, MESH_PRINTER_COLUMN, conditionPrinterColumn } from './columns.js';
import { KIND_NAMES } from './names.js';
import { defineResourceKind, GLOBAL_TO_ZONES } from './descriptor.js';

/** The MeshGatewayRoute kind. */
export const MESH_GATEWAY_ROUTE = defineResourceKind({
  ...KIND_NAMES.MeshGatewayRoute,
  confidential: false,
  schema: MESH_GATEWAY_ROUTE_SPEC_SCHEMA,
  validate: validateMeshGatewayRoute,
  status: GATEWAY_STATUS_SCHEMA,
  kubernetes: {
    form: 'crd',
    scope: 'Cluster',
    printerColumns: [MESH_PRINTER_COLUMN, conditionPrinterColumn(ACCEPTED_CONDITION), AGE_PRINTER_COLUMN],
  },
  multizone: GLOBAL_TO_ZONES,
});
