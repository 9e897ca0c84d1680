// GlobalSecret: secrets of the control plane itself (user-token signing keys), outside every
// mesh, as in Kuma. Same spec as a Secret; on Kubernetes a core/v1 Secret of Kuma's global type.
import { SECRET_SPEC_SCHEMA, validateSecret } from '../secret.js';
import { KIND_NAMES } from './names.js';
import { defineResourceKind, SECRET_FLAGS } from './descriptor.js';

/** The GlobalSecret kind. */
export const GLOBAL_SECRET = defineResourceKind({
  ...KIND_NAMES.GlobalSecret,
  confidential: true,
  schema: SECRET_SPEC_SCHEMA,
  validate: validateSecret,
  kubernetes: { form: 'secret', secretType: 'system.kuma.io/global-secret' },
  multizone: SECRET_FLAGS,
});
