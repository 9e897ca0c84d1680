// GlobalSecret: secrets of the control plane itself (user-token signing keys), outside every
// mesh, as in Kuma. Same spec as a Secret; on Kubernetes a core/v1 Secret of Kuma's global type.
import { SECRET_SPEC_SCHEMA, validateSecret } from '../secret.js';
import { SECRET_DATA_COLUMN } from './columns.js';
import { defineResourceKind, SECRET_FLAGS } from './descriptor.js';

/** The GlobalSecret kind. */
export const GLOBAL_SECRET = defineResourceKind({
  kind: 'GlobalSecret',
  plural: 'global-secrets',
  singular: 'global-secret',
  aliases: ['globalsecret', 'globalsecrets'],
  scope: 'global',
  confidential: true,
  schema: SECRET_SPEC_SCHEMA,
  validate: validateSecret,
  kubernetes: { form: 'secret', secretType: 'system.kuma.io/global-secret' },
  columns: [SECRET_DATA_COLUMN],
  multizone: SECRET_FLAGS,
});
