// Secret: opaque data in a mesh (certificates named by gateways, token signing keys). On
// Kubernetes a core/v1 Secret of Kuma's type in the control plane's namespace, as in Kuma.
import { SECRET_SPEC_SCHEMA, validateSecret } from '../secret.js';
import { SECRET_DATA_COLUMN } from './columns.js';
import { defineResourceKind, SECRET_FLAGS } from './descriptor.js';

/** The Secret kind. */
export const SECRET = defineResourceKind({
  kind: 'Secret',
  plural: 'secrets',
  singular: 'secret',
  aliases: ['sec'],
  scope: 'mesh',
  confidential: true,
  schema: SECRET_SPEC_SCHEMA,
  validate: validateSecret,
  kubernetes: { form: 'secret', secretType: 'system.kuma.io/secret' },
  columns: [SECRET_DATA_COLUMN],
  multizone: SECRET_FLAGS,
});
