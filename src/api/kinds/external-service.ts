// ExternalService: a service outside the mesh that gateways and sidecars reach by its
// `kuma.io/service` (docs/gateway.md §2.15, docs/mesh-mtls.md §9). Kuma names it `external-services` over REST and
// in kumactl, `externalservices` as a CRD; like Kuma's policies it is cluster-scoped on Kubernetes
// with its mesh in a top-level `mesh` field.
import { EXTERNAL_SERVICE_SPEC_SCHEMA } from '../external-service.js';
import { validateExternalService } from '../external-service-validate.js';
import { AGE_PRINTER_COLUMN, MESH_PRINTER_COLUMN } from './columns.js';
import { defineResourceKind, GLOBAL_TO_ZONES } from './descriptor.js';

/** The ExternalService kind. */
export const EXTERNAL_SERVICE = defineResourceKind({
  kind: 'ExternalService',
  plural: 'external-services',
  singular: 'external-service',
  aliases: [],
  scope: 'mesh',
  confidential: false,
  schema: EXTERNAL_SERVICE_SPEC_SCHEMA,
  validate: validateExternalService,
  kubernetes: {
    form: 'crd',
    scope: 'Cluster',
    printerColumns: [MESH_PRINTER_COLUMN, AGE_PRINTER_COLUMN],
    names: { plural: 'externalservices', singular: 'externalservice', shortNames: [] },
  },
  // Kuma's `kumactl get external-services` shows MESH, NAME, ADDRESS and AGE.
  columns: [{ header: 'ADDRESS', cell: (item) => addressOf(item) }],
  multizone: GLOBAL_TO_ZONES,
});

function addressOf(item: Readonly<Record<string, unknown>>): string {
  const networking = item['networking'];
  const address = networking !== null && typeof networking === 'object' ? (networking as Record<string, unknown>)['address'] : undefined;
  return typeof address === 'string' && address !== '' ? address : '-';
}
