// Mesh: the unit of isolation and identity; every mesh-scoped resource lives in one.
import { MESH_SPEC_SCHEMA } from '../mesh.js';
import { validateMesh, validateMeshUpdate } from '../mesh-validate.js';
import { AGE_PRINTER_COLUMN } from './columns.js';
import { KIND_NAMES } from './names.js';
import { defineResourceKind, GLOBAL_TO_ZONES } from './descriptor.js';

/** The Mesh kind. */
export const MESH = defineResourceKind({
  ...KIND_NAMES.Mesh,
  confidential: false,
  schema: MESH_SPEC_SCHEMA,
  validate: validateMesh,
  validateUpdate: validateMeshUpdate,
  kubernetes: {
    form: 'crd',
    scope: 'Cluster',
    printerColumns: [
      { name: 'mTLS', type: 'string', jsonPath: '.spec.mtls.enabledBackend', description: 'Enabled mTLS backend.' },
      AGE_PRINTER_COLUMN,
    ],
  },
  // Synced under its own name: meshes are referred to by name everywhere.
  multizone: { ...GLOBAL_TO_ZONES, keepName: true },
});
