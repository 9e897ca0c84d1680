// Status of MeshGateway and MeshGatewayRoute objects: the conditions Portico computes for them
// (src/gateway/status.ts), served over REST in universal mode and written into the status
// subresource on Kubernetes.

import { CONDITIONS_SCHEMA } from './mesh-gateway-instance.js';
import { field, object, type ObjectSchema } from './schema.js';

/** Condition type: the gateway or route was accepted (valid and bound). */
export const ACCEPTED_CONDITION = 'Accepted';
/** Condition type: the gateway's configuration reached its proxies. */
export const PROGRAMMED_CONDITION = 'Programmed';

/** Status schema of MeshGateway and MeshGatewayRoute. */
export const GATEWAY_STATUS_SCHEMA: ObjectSchema = object(
  'Observed state, written by Portico.',
  { conditions: field(CONDITIONS_SCHEMA, 'Conditions: Accepted, and Programmed on gateways.') },
  { snakeCase: false },
);
