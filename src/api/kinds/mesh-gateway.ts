// MeshGateway: a gateway's listeners, served by the BUILTIN gateway dataplanes it selects.
import { ACCEPTED_CONDITION, GATEWAY_STATUS_SCHEMA, PROGRAMMED_CONDITION } from '../gateway-status.js';
import { MESH_GATEWAY_SPEC_SCHEMA } from '../mesh-gateway.js';
import { validateMeshGateway } from '../mesh-gateway-validate.js';
import { AGE_PRINTER_COLUMN, MESH_PRINTER_COLUMN, at, conditionPrinterColumn, joined, list, selectedServices, text } from './columns.js';
import { defineResourceKind, type UniversalItem, BOTH_WAYS } from './descriptor.js';

/** `HTTP:8080,HTTPS:8443` for a gateway's listeners. */
function listeners(item: UniversalItem): string {
  return joined(list(at(item, 'conf', 'listeners')).map((l) => `${text(at(l, 'protocol'))}:${text(at(l, 'port'))}`));
}

/** The MeshGateway kind. */
export const MESH_GATEWAY = defineResourceKind({
  kind: 'MeshGateway',
  plural: 'meshgateways',
  singular: 'meshgateway',
  aliases: ['mgw'],
  scope: 'mesh',
  confidential: false,
  schema: MESH_GATEWAY_SPEC_SCHEMA,
  validate: validateMeshGateway,
  status: GATEWAY_STATUS_SCHEMA,
  kubernetes: {
    form: 'crd',
    scope: 'Cluster',
    printerColumns: [MESH_PRINTER_COLUMN, conditionPrinterColumn(ACCEPTED_CONDITION), conditionPrinterColumn(PROGRAMMED_CONDITION), AGE_PRINTER_COLUMN],
  },
  columns: [
    { header: 'SERVICE', cell: selectedServices },
    { header: 'LISTENERS', cell: listeners },
  ],
  multizone: BOTH_WAYS,
});
