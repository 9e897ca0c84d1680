// Dataplane: a proxy and the services it exposes or fronts (on Kubernetes, one per pod).
import { DATAPLANE_SPEC_SCHEMA } from '../dataplane.js';
import { validateDataplane } from '../dataplane-validate.js';
import { AGE_PRINTER_COLUMN, MESH_PRINTER_COLUMN, at, joined, list, text } from './columns.js';
import { defineResourceKind, type UniversalItem, ZONE_TO_GLOBAL } from './descriptor.js';

/** `gateway/builtin`, `gateway/delegated` or `standard`. */
function dataplaneType(item: UniversalItem): string {
  const gateway = at(item, 'networking', 'gateway');
  if (gateway === undefined) return 'standard';
  return `gateway/${text(at(gateway, 'type') ?? 'DELEGATED').toLowerCase()}`;
}

/** The services a dataplane stands for: its gateway's, else its inbounds'. */
function dataplaneServices(item: UniversalItem): string {
  const gateway = at(item, 'networking', 'gateway', 'tags', 'kuma.io/service');
  if (gateway !== undefined) return text(gateway);
  return joined(list(at(item, 'networking', 'inbound')).map((i) => at(i, 'tags', 'kuma.io/service')));
}

/** The Dataplane kind. */
export const DATAPLANE = defineResourceKind({
  kind: 'Dataplane',
  plural: 'dataplanes',
  singular: 'dataplane',
  aliases: ['dp'],
  scope: 'mesh',
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
  columns: [
    { header: 'TYPE', cell: dataplaneType },
    { header: 'ADDRESS', cell: (i) => text(at(i, 'networking', 'address')) },
    { header: 'SERVICE', cell: dataplaneServices },
  ],
  multizone: ZONE_TO_GLOBAL,
});
