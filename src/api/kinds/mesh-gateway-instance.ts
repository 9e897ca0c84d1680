// MeshGatewayInstance: Kubernetes only. Asks the control plane to run gateway pods and their
// Service; never stored, read by its controller from the API server.
import {
  MESH_GATEWAY_INSTANCE_SPEC_SCHEMA,
  MESH_GATEWAY_INSTANCE_STATUS_SCHEMA,
  parseMeshGatewayInstanceSpec,
  READY_CONDITION,
} from '../mesh-gateway-instance.js';
import { AGE_PRINTER_COLUMN, conditionPrinterColumn } from './columns.js';
import { defineKubernetesOnlyKind } from './descriptor.js';

/** The MeshGatewayInstance kind. */
export const MESH_GATEWAY_INSTANCE = defineKubernetesOnlyKind({
  kind: 'MeshGatewayInstance',
  schema: MESH_GATEWAY_INSTANCE_SPEC_SCHEMA,
  parse: parseMeshGatewayInstanceSpec,
  status: MESH_GATEWAY_INSTANCE_STATUS_SCHEMA,
  kubernetes: {
    form: 'crd',
    scope: 'Namespaced',
    names: { plural: 'meshgatewayinstances', singular: 'meshgatewayinstance', shortNames: ['mgi'] },
    printerColumns: [
      conditionPrinterColumn(READY_CONDITION),
      {
        name: 'Reason',
        type: 'string',
        jsonPath: `.status.conditions[?(@.type=="${READY_CONDITION}")].reason`,
        description: `Reason of the ${READY_CONDITION} condition.`,
        priority: 1,
      },
      { name: 'Replicas', type: 'integer', jsonPath: '.spec.replicas', description: 'Desired gateway pods.', priority: 1 },
      { name: 'Service Type', type: 'string', jsonPath: '.spec.serviceType', description: 'Type of the gateway Service.', priority: 1 },
      AGE_PRINTER_COLUMN,
    ],
  },
});
