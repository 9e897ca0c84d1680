// ExternalService: a service outside the mesh that gateways and sidecars reach by its
// `kuma.io/service` (docs/gateway.md §2.15, docs/mesh-mtls.md §9). Kuma names it `external-services` over REST and
// in kumactl, `externalservices` as a CRD; like Kuma's policies it is cluster-scoped on Kubernetes
// with its mesh in a top-level `mesh` field.
import { EXTERNAL_SERVICE_SPEC_SCHEMA } from '../external-service.js';
import { validateExternalService } from '../external-service-validate.js';
import { AGE_PRINTER_COLUMN, MESH_PRINTER_COLUMN } from './columns.js';
import { KIND_NAMES } from './names.js';
import { defineResourceKind, GLOBAL_TO_ZONES } from './descriptor.js';

/** The ExternalService kind. */
export const EXTERNAL_SERVICE = defineResourceKind({
  ...KIND_NAMES.ExternalService,
  confidential: false,
  schema: EXTERNAL_SERVICE_SPEC_SCHEMA,
  validate: validateExternalService,
  kubernetes: {
    form: 'crd',
    scope: 'Cluster',
    printerColumns: [MESH_PRINTER_COLUMN, AGE_PRINTER_COLUMN],
    names: { plural: 'externalservices', singular: 'externalservice', shortNames: [] },
  },
  multizone: GLOBAL_TO_ZONES,
});
