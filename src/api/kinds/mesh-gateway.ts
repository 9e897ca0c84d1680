// MeshGateway: a gateway's listeners, served by the BUILTIN gateway dataplanes it selects.
import { ACCEPTED_CONDITION, GATEWAY_STATUS_SCHEMA, PROGRAMMED_CONDITION } from '../gateway-status.js';
import { MESH_GATEWAY_SPEC_SCHEMA } from '../mesh-gateway.js';
import { validateMeshGateway } from '../mesh-gateway-validate.js';
import { AGE_PRINTER_COLUMN, MESH_PRINTER_COLUMN, conditionPrinterColumn } from './columns.js';
import { KIND_NAMES } from './names.js';
import { defineResourceKind, BOTH_WAYS } from './descriptor.js';

/** The MeshGateway kind. */
export const MESH_GATEWAY = defineResourceKind({
  ...KIND_NAMES.MeshGateway,
  confidential: false,
  schema: MESH_GATEWAY_SPEC_SCHEMA,
  validate: validateMeshGateway,
  status: GATEWAY_STATUS_SCHEMA,
  kubernetes: {
    form: 'crd',
    scope: 'Cluster',
    printerColumns: [MESH_PRINTER_COLUMN, conditionPrinterColumn(ACCEPTED_CONDITION), conditionPrinterColumn(PROGRAMMED_CONDITION), AGE_PRINTER_COLUMN],
  },
  multizone: BOTH_WAYS,
});
