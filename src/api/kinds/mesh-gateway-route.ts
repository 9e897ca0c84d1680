// MeshGatewayRoute: HTTP or TCP routes attached to the listeners of the gateways it selects.
import { ACCEPTED_CONDITION, GATEWAY_STATUS_SCHEMA } from '../gateway-status.js';
import { MESH_GATEWAY_ROUTE_SPEC_SCHEMA } from '../mesh-gateway-route.js';
import { validateMeshGatewayRoute } from '../mesh-gateway-route-validate.js';
import { AGE_PRINTER_COLUMN, MESH_PRINTER_COLUMN, at, conditionPrinterColumn, selectedServices } from './columns.js';
import { defineResourceKind, type UniversalItem, GLOBAL_TO_ZONES } from './descriptor.js';

/** HTTP or TCP, whichever the route configures. */
function routeType(item: UniversalItem): string {
  if (at(item, 'conf', 'http') !== undefined) return 'HTTP';
  return at(item, 'conf', 'tcp') !== undefined ? 'TCP' : '-';
}

/** The MeshGatewayRoute kind. */
export const MESH_GATEWAY_ROUTE = defineResourceKind({
  kind: 'MeshGatewayRoute',
  plural: 'meshgatewayroutes',
  singular: 'meshgatewayroute',
  aliases: ['mgwr'],
  scope: 'mesh',
  confidential: false,
  schema: MESH_GATEWAY_ROUTE_SPEC_SCHEMA,
  validate: validateMeshGatewayRoute,
  status: GATEWAY_STATUS_SCHEMA,
  kubernetes: {
    form: 'crd',
    scope: 'Cluster',
    printerColumns: [MESH_PRINTER_COLUMN, conditionPrinterColumn(ACCEPTED_CONDITION), AGE_PRINTER_COLUMN],
  },
  columns: [
    { header: 'GATEWAYS', cell: selectedServices },
    { header: 'TYPE', cell: routeType },
  ],
  multizone: GLOBAL_TO_ZONES,
});
